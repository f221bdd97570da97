import { SensorFamily } from '@gridhub/contracts';

export interface Device {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  attributes: Record<string, unknown>;
  enabled: boolean;
  online: boolean;
  lastSeenAt: Date | null;
}

export interface NewDevice {
  /** Generated when omitted. */
  id?: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  attributes?: Record<string, unknown>;
  /** Positions from Chinese phone/map SDKs are often GCJ-02; they are stored converted to WGS-84. */
  coordinateSystem?: 'WGS84' | 'GCJ02';
}
