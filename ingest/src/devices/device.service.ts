import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SecretHasher } from '../common/secret-hasher';
import { Device, NewDevice } from './device.types';
import { DeviceFilter, DeviceRepository } from './device.repository';
import { GridResolver } from './grid-resolver';

@Injectable()
export class DeviceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly grids: GridResolver,
    private readonly hasher: SecretHasher,
  ) {}

  /** Registers a device; its unit grid comes from its location. The secret is returned once, stored hashed. */
  async register(input: NewDevice): Promise<{ device: Device; secret: string }> {
    const secret = randomBytes(18).toString('base64url');
    const device: Device = {
      ...input,
      attributes: input.attributes ?? {},
      gridCode: this.grids.locate(input.lon, input.lat),
      enabled: true,
      lastSeenAt: null,
    };
    await this.devices.insert(device, await this.hasher.hashDeviceSecret(secret));
    return { device, secret };
  }

  /** MQTT login: username = device id, password = secret. Disabled or unknown devices are refused. */
  async authenticate(id: string, secret: string): Promise<Device | null> {
    const found = await this.devices.findCredentials(id);
    if (!found || !found.device.enabled) return null;
    return (await this.hasher.verify(found.secretHash, secret)) ? found.device : null;
  }

  list(filter: DeviceFilter): Promise<Device[]> {
    return this.devices.list(filter);
  }

  find(id: string): Promise<Device | null> {
    return this.devices.find(id);
  }
}
