import { SensorFamily } from '../contracts/families';
import { WarningColour } from '../rules/rule.types';

export const ALERT_STATUSES = ['raised', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What grid operations is told when a rule raises a new alert (the contract between ingest and gridops). */
export interface RaisedAlert {
  alertId: string;
  ruleName: string;
  severity: WarningColour;
  incidentCategory: string;
  deviceId: string;
  deviceName: string;
  family: SensorFamily;
  metric: string;
  value: number;
  threshold: number;
  lon: number;
  lat: number;
  observedAt: Date;
}
