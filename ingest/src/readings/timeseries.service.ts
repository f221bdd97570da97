import { Injectable } from '@nestjs/common';
import { METRICS } from '@gridhub/contracts';
import { DeviceRepository } from '../devices/device.repository';
import { Device } from '../devices/device.types';
import {
  Bucket,
  BUCKET_SECONDS,
  BucketPoint,
  MAX_DEVICES,
  MAX_POINTS,
  MAX_RAW_RANGE_DAYS,
  RawPoint,
  Series,
} from './timeseries';
import { BucketRow, RawRow, TimeseriesRepository } from './timeseries.repository';

/** A request the caller can fix (a 400 saying what to change). */
export class TimeseriesRequestError extends Error {}
export class UnknownDeviceError extends Error {}

export interface SeriesRequest {
  devices: { id: string } | { gridCode?: string; bbox?: [number, number, number, number] };
  metric: string | null;
  from: Date;
  to: Date;
  bucket: Bucket;
}

export interface SeriesResult {
  from: string;
  to: string;
  bucket: Bucket;
  series: Series<RawPoint | BucketPoint>[];
}

const DAY_MS = 86_400_000;

@Injectable()
export class TimeseriesService {
  constructor(
    private readonly repository: TimeseriesRepository,
    private readonly devices: DeviceRepository,
  ) {}

  async query(request: SeriesRequest): Promise<SeriesResult> {
    const { from, to, bucket, metric } = request;
    if (from >= to) throw new TimeseriesRequestError('from must be before to');
    const span = to.getTime() - from.getTime();
    if (bucket === 'raw' && span > MAX_RAW_RANGE_DAYS * DAY_MS) {
      throw new TimeseriesRequestError(`raw readings are served for at most ${MAX_RAW_RANGE_DAYS} days; use bucket=1h or 1d for longer ranges`);
    }
    if (bucket !== 'raw' && span / (BUCKET_SECONDS[bucket] * 1000) > MAX_POINTS) {
      throw new TimeseriesRequestError(`${bucket} buckets over this range exceed ${MAX_POINTS} points; use a larger bucket`);
    }
    const devices = await this.resolveDevices(request.devices, metric);
    const byId = new Map(devices.map((d) => [d.id, d]));
    const q = { deviceIds: devices.map((d) => d.id), metric, from, to, limit: MAX_POINTS + 1 };
    const rows =
      bucket === 'raw'
        ? await this.repository.raw(q)
        : bucket === '1h' || bucket === '1d'
          ? await this.repository.rolledUp(q, bucket === '1h' ? 'readings_hourly' : 'readings_daily')
          : await this.repository.binned(q, BUCKET_SECONDS[bucket]);
    if (rows.length > MAX_POINTS) {
      throw new TimeseriesRequestError(`more than ${MAX_POINTS} points; narrow the range, name a metric or use a larger bucket`);
    }
    return { from: from.toISOString(), to: to.toISOString(), bucket, series: this.group(rows, byId) };
  }

  private async resolveDevices(selector: SeriesRequest['devices'], metric: string | null): Promise<Device[]> {
    if ('id' in selector) {
      const device = await this.devices.find(selector.id);
      if (!device) throw new UnknownDeviceError(`device ${selector.id} not found`);
      return [device];
    }
    if (!selector.gridCode && !selector.bbox) throw new TimeseriesRequestError('name a deviceId, a gridCode or a bbox');
    if (!metric) throw new TimeseriesRequestError('a metric is required when several devices are asked for');
    const { items, total } = await this.devices.list({ ...selector, limit: MAX_DEVICES, offset: 0 });
    if (total > MAX_DEVICES) throw new TimeseriesRequestError(`${total} devices match; at most ${MAX_DEVICES} per request`);
    return items;
  }

  private group(rows: (RawRow | BucketRow)[], devices: Map<string, Device>): Series<RawPoint | BucketPoint>[] {
    const series = new Map<string, Series<RawPoint | BucketPoint>>();
    for (const row of rows) {
      const key = `${row.device_id}\u0000${row.metric}`;
      let s = series.get(key);
      if (!s) {
        const family = devices.get(row.device_id)?.family;
        s = { deviceId: row.device_id, metric: row.metric, unit: (family && METRICS[family][row.metric]?.unit) ?? '', points: [] };
        series.set(key, s);
      }
      s.points.push(
        'bucket' in row
          ? { time: row.bucket.toISOString(), avg: row.avg, min: row.min, max: row.max, count: row.count, last: row.last }
          : { time: row.time.toISOString(), value: row.value, receivedAt: row.received_at.toISOString(), flags: row.flags },
      );
    }
    return [...series.values()];
  }
}

/** CSV of a result: one line per point, with the device and metric on each line. */
export function toCsv(result: SeriesResult): string {
  const raw = result.bucket === 'raw';
  const lines = [raw ? 'device_id,metric,unit,time,value,received_at,flags' : 'device_id,metric,unit,bucket,avg,min,max,count,last'];
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  for (const s of result.series) {
    const head = `${cell(s.deviceId)},${cell(s.metric)},${cell(s.unit)}`;
    for (const p of s.points) {
      lines.push(
        'value' in p
          ? `${head},${p.time},${p.value},${p.receivedAt},${p.flags}`
          : `${head},${p.time},${p.avg},${p.min},${p.max},${p.count},${p.last}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
