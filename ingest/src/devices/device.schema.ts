import { OnWire, SENSOR_FAMILIES } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '../common/api-schema';
import { Device } from './device.types';

/** A device as the API shows it (never with its secret hash). */
export const deviceSchema = z.object({
  id: z.string(),
  family: z.enum(SENSOR_FAMILIES),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  gridCode: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  online: z.boolean(),
  lastSeenAt: isoTime.nullable(),
});
export type DeviceResponse = z.infer<typeof deviceSchema>;
export const deviceListSchema = listOf(deviceSchema);
/** A registration: the device and its secret, shown this once. */
export const registeredDeviceSchema = z.object({ device: deviceSchema, secret: z.string() });
export const rotatedSecretSchema = z.object({ id: z.string(), secret: z.string() });

const _device: Same<DeviceResponse, OnWire<Device>> = true;
void _device;
