import { isSensorFamily, type SensorFamily } from './sensor-family';

/** MQTT topic contract (ARCHITECTURE.md, "Public interfaces"). */
export const TOPIC_ROOT = 'gridhub/v1';
export const DEVICE_MESSAGE_KINDS = ['data', 'event', 'status'] as const;
export type DeviceMessageKind = (typeof DEVICE_MESSAGE_KINDS)[number];

export interface DeviceTopic {
  family: SensorFamily;
  deviceId: string;
  kind: DeviceMessageKind;
}

export function deviceTopic(family: SensorFamily, deviceId: string, kind: DeviceMessageKind): string {
  return `${TOPIC_ROOT}/${family}/${deviceId}/${kind}`;
}

/** Parses `gridhub/v1/{family}/{deviceId}/{data|event|status}`; anything else is null. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , family, deviceId, kind] = parts as [string, string, string, string, string];
  if (!isSensorFamily(family) || deviceId.length === 0) return null;
  if (!(DEVICE_MESSAGE_KINDS as readonly string[]).includes(kind)) return null;
  return { family, deviceId, kind: kind as DeviceMessageKind };
}

export const workerTasksTopic = (workerId: string): string => `${TOPIC_ROOT}/workers/${workerId}/tasks`;
export const workerLocationTopic = (workerId: string): string => `${TOPIC_ROOT}/workers/${workerId}/location`;
