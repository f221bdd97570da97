import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import gcoord from 'gcoord';
import { Clock } from '../common/clock';
import { SecretHasher } from '../common/secret-hasher';
import { attributesProblem } from '../contracts/attributes.schema';
import { Device, NewDevice } from './device.types';
import { DeviceEvents } from './device-events';
import { DeviceOptions } from './device.options';
import { BrokerAccount, DeviceFilter, DeviceRepository, SecretHashes } from './device.repository';
import { GridResolver } from './grid-resolver';

/** A request the caller can fix (becomes a 400 with this message). */
export class InvalidDeviceError extends Error {}

const newSecret = () => randomBytes(18).toString('base64url');
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

@Injectable()
export class DeviceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly grids: GridResolver,
    private readonly hasher: SecretHasher,
    private readonly events: DeviceEvents,
    private readonly clock: Clock,
    private readonly options: DeviceOptions,
  ) {}

  /**
   * Registers a device. Its unit grid comes from its location (converted from GCJ-02 when it says so); the
   * secret is returned this once and stored only as a hash.
   */
  async register(input: NewDevice): Promise<{ device: Device; secret: string }> {
    const attributes = { ...(input.attributes ?? {}) };
    const problem = attributesProblem(input.family, attributes);
    if (problem) throw new InvalidDeviceError(problem);
    let { lon, lat } = input;
    if (input.coordinateSystem === 'GCJ02') {
      attributes['reported_position'] = { crs: 'GCJ02', lon, lat };
      [lon, lat] = gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84).map(round7) as [number, number];
    }
    const device: Device = {
      id: input.id ?? `${input.family}-${randomBytes(6).toString('hex')}`,
      family: input.family,
      name: input.name,
      lon,
      lat,
      attributes,
      gridCode: this.grids.locate(lon, lat),
      enabled: true,
      online: false,
      lastSeenAt: null,
    };
    const secret = newSecret();
    await this.devices.insert(device, await this.hashes(secret));
    this.events.emit('changed', device.id);
    return { device, secret };
  }

  /** MQTT login: username = device id, password = secret. Disabled or unknown devices are refused. */
  async authenticate(id: string, secret: string): Promise<Device | null> {
    const found = await this.devices.findCredentials(id);
    if (!found || !found.device.enabled) return null;
    return (await this.hasher.verify(found.secretHash, secret)) ? found.device : null;
  }

  list(filter: DeviceFilter): Promise<{ items: Device[]; total: number }> {
    return this.devices.list(filter);
  }

  find(id: string): Promise<Device | null> {
    return this.devices.find(id);
  }

  /** Disabling refuses the device's logins and ends its live MQTT session. */
  async setEnabled(id: string, enabled: boolean): Promise<Device | null> {
    const device = await this.devices.setEnabled(id, enabled);
    if (device && !enabled) this.events.emit('revoked', id, 'device disabled');
    if (device) this.events.emit('changed', id);
    return device;
  }

  /** A new secret, returned once; the old one stops working at once, live session included. */
  async rotateSecret(id: string): Promise<string | null> {
    const secret = newSecret();
    if (!(await this.devices.replaceSecret(id, await this.hashes(secret), this.clock.now()))) return null;
    this.events.emit('revoked', id, 'secret rotated');
    this.events.emit('changed', id);
    return secret;
  }

  /** Enabled devices' accounts for an engine that checks device logins itself (NATS's MQTT listener). */
  brokerAccounts(): Promise<BrokerAccount[]> {
    return this.devices.brokerAccounts();
  }

  private async hashes(secret: string): Promise<SecretHashes> {
    const [hash, broker] = await Promise.all([
      this.hasher.hashDeviceSecret(secret),
      this.options.issueBrokerHashes ? this.hasher.hashDeviceSecretForBroker(secret) : null,
    ]);
    return { secret: hash, broker };
  }
}
