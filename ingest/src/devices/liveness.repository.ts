import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { DEFAULT_INTERVAL_S, OFFLINE_AFTER_INTERVALS } from '@gridhub/contracts';

const defaultIntervalSql = `case d.family ${Object.entries(DEFAULT_INTERVAL_S)
  .map(([family, seconds]) => `when '${family}' then ${seconds}`)
  .join(' ')} end`;

@Injectable()
export class LivenessRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Devices silent for longer than OFFLINE_AFTER_INTERVALS × their reporting interval (`interval_s`, or the
   * family default) become offline and get one device-offline alert; a device already alerted is left alone.
   * Returns the devices alerted by this sweep.
   */
  async sweep(now: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ device_id: string }>(
      `with silent as (
         select d.id from devices d
          where d.enabled
            and coalesce(d.last_seen_at, d.created_at) <
                $1::timestamptz - make_interval(secs => $2 * coalesce((d.attributes->>'interval_s')::float8, ${defaultIntervalSql}))),
       marked as (
         update devices set online = false, status_changed_at = $1 where id in (select id from silent) and online)
       insert into alerts (kind, device_id, status, raised_at, updated_at)
       select 'device_offline', id, 'raised', $1, $1 from silent
       on conflict (device_id) where status <> 'cleared' and kind = 'device_offline' do nothing
       returning device_id`,
      [now, OFFLINE_AFTER_INTERVALS],
    );
    return rows.map((r) => r.device_id);
  }

  /**
   * Records when devices were last heard from. A device heard from is online, and its device-offline alert
   * clears. One statement for many devices, in id order.
   */
  async recordSeen(deviceIds: string[], at: Date[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `with seen as (
         select device_id, max(at) as at from unnest($1::text[], $2::timestamptz[]) as u(device_id, at) group by device_id),
       locked as (
         select d.id, d.online, s.at from devices d join seen s on s.device_id = d.id order by d.id for update of d),
       -- Heard from after its last status change (a will or "offline" received later wins).
       updated as (
         update devices d set last_seen_at = greatest(coalesce(d.last_seen_at, l.at), l.at),
                online = d.online or l.at > coalesce(d.status_changed_at, '-infinity'),
                status_changed_at = case when d.online or l.at <= coalesce(d.status_changed_at, '-infinity')
                                         then d.status_changed_at else l.at end
           from locked l where d.id = l.id
         returning d.id, l.online as was_online, d.online as now_online, l.at),
       cleared as (
         update alerts a set status = 'cleared', cleared_at = u.at, updated_at = u.at
           from updated u where u.now_online and a.kind = 'device_offline' and a.status <> 'cleared' and a.device_id = u.id)
       select id from updated where not was_online and now_online`,
      [deviceIds, at],
    );
    return rows.map((r) => r.id);
  }

  /** A device's own status message, or its broker session, says whether it is online. */
  async setOnline(deviceId: string, online: boolean, at: Date): Promise<void> {
    if (online) {
      await this.recordSeen([deviceId], [at]);
      return;
    }
    await this.pool.query(
      `update devices set online = false, status_changed_at = greatest(coalesce(status_changed_at, $2), $2) where id = $1`,
      [deviceId, at],
    );
  }
}
