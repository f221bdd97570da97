import { Injectable } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Clock, Device, DeviceService } from '@gridhub/ingest';
import { type DeviceTopic, isFieldRole, parseDeviceTopic, TOPIC_ROOT, workerLocationTopic, workerTasksTopic } from '@gridhub/contracts';
import { AccountRepository } from '../auth/account.repository';
import { AuditRepository } from '../auth/audit.repository';
import { AuthService } from '../auth/auth.service';
import { HubRuntime } from '../runtime';
import { LoginThrottle } from './mqtt-guard';

/** Who holds an MQTT session: a device, a worker's tablet, or the hub itself on an external broker. */
export type BrokerIdentity =
  | { kind: 'device'; device: Device }
  | { kind: 'worker'; workerId: string; username: string }
  | { kind: 'hub' };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The broker's rules in one place, used by the embedded aedes broker's hooks and by the HTTP authentication and
 * ACL endpoints an external cluster broker (EMQX) calls — so device credentials stay in GridHub either way.
 * Logins: devices by id and secret, worker tablets by account (with the account lock-out), and a throttle per
 * (name, address) against guessing. Topics: a device publishes only under its own id and family, a tablet
 * publishes only its location and subscribes only to its tasks.
 */
@Injectable()
export class BrokerAccess {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly runtime: HubRuntime,
    private readonly devices: DeviceService,
    private readonly accounts: AccountRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {
    this.throttle = new LoginThrottle(runtime.config.mqtt.loginMaxFailures);
  }

  async login(username: string | undefined, password: string | undefined, address: string): Promise<BrokerIdentity | 'blocked' | null> {
    if (!username || !password) return null;
    if (this.isHub(username, password)) return { kind: 'hub' };
    const now = Date.now();
    if (this.throttle.blockedFor(username, address, now) > 0) return 'blocked';
    const device = await this.devices.authenticate(username, password);
    if (device) {
      this.throttle.succeeded(username, address);
      return { kind: 'device', device };
    }
    const outcome = await this.auth.authenticate(username, password, address, 'mqtt');
    if (outcome.kind === 'ok' && isFieldRole(outcome.account.role) && outcome.account.workerId) {
      this.throttle.succeeded(username, address);
      return { kind: 'worker', workerId: outcome.account.workerId, username };
    }
    if (this.throttle.failed(username, address, now)) {
      const name = username.slice(0, 64);
      await this.audit.record({ at: this.clock.now(), actor: `mqtt:${name}`, action: 'mqtt.login.blocked', target: name, ip: address });
    }
    return outcome.kind === 'locked' ? 'blocked' : null;
  }

  /** The identity behind a username that already logged in (for an external broker's ACL calls). */
  async identityOf(username: string): Promise<BrokerIdentity | null> {
    const { url, username: hubUser } = this.runtime.config.mqtt;
    if (url && hubUser && username === hubUser) return { kind: 'hub' };
    const device = await this.devices.find(username);
    if (device) return device.enabled ? { kind: 'device', device } : null;
    const found = await this.accounts.findWithHash(username);
    const account = found?.account;
    return account && !account.disabled && isFieldRole(account.role) && account.workerId
      ? { kind: 'worker', workerId: account.workerId, username }
      : null;
  }

  /** Null when the identity may publish on the topic; otherwise why not. */
  publishRefusal(identity: BrokerIdentity, topic: string): string | null {
    if (identity.kind === 'hub') return null;
    if (identity.kind === 'worker') return topic === workerLocationTopic(identity.workerId) ? null : 'workers publish only their location';
    const own = this.ownTopic(identity.device, topic);
    return 'refusal' in own ? own.refusal : null;
  }

  /** A device's publish topic, parsed once: its own (family, id, kind), or why it may not publish there. */
  ownTopic(device: Device, topic: string): DeviceTopic | { refusal: string } {
    const parsed = parseDeviceTopic(topic);
    return parsed && parsed.family === device.family && parsed.deviceId === device.id
      ? parsed
      : { refusal: `device ${device.id} may publish only under ${TOPIC_ROOT}/${device.family}/${device.id}/` };
  }

  maySubscribe(identity: BrokerIdentity, topic: string): boolean {
    if (identity.kind === 'hub') return true;
    if (identity.kind === 'worker') return topic === workerTasksTopic(identity.workerId);
    const own = `${TOPIC_ROOT}/${identity.device.family}/${identity.device.id}/`;
    return topic.startsWith(own) && !topic.includes('#') && !topic.includes('+');
  }

  /** The hub's own account on an external broker (MQTT_USERNAME / MQTT_PASSWORD), compared in constant time. */
  private isHub(username: string, password: string): boolean {
    const { url, username: hubUser, password: hubPassword } = this.runtime.config.mqtt;
    if (!url || !hubUser || !hubPassword || username !== hubUser) return false;
    return timingSafeEqual(digest(password), digest(hubPassword));
  }
}
