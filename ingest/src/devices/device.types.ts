import { SensorFamily } from '../contracts/families';

export interface Device {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  attributes: Record<string, unknown>;
  enabled: boolean;
  lastSeenAt: Date | null;
}

export interface NewDevice {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  attributes?: Record<string, unknown>;
}
