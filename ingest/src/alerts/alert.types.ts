import { Bureau, SensorFamily, WarningColour } from '@gridhub/contracts';

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
  /** The level crossed; null for event rules (video detections, emergency alarms). */
  threshold: number | null;
  /** What raised it: a reading rule, a video detection or an emergency alarm. */
  source: 'sensor' | 'video' | 'emergency';
  /** Emergency alarms: highest priority, verification skipped, dispatched at once. */
  emergency: boolean;
  /** Video detections need on-site verification (reported → verifying); a sensor breach or an alarm does not. */
  needsVerification: boolean;
  /** One line for the incident's description (zh-CN first). */
  summary: string;
  lon: number;
  lat: number;
  observedAt: Date;
  /** The unit grid of the device (or of the detected target), when known. */
  gridCode?: string | null;
  /** Video/emergency event type (e.g. `garbage_exposed`, `smoke_alarm`); absent for reading rules. */
  eventType?: string;
  /** Detection confidence 0–1 (video). */
  confidence?: number;
  /** Snapshot of a video detection. */
  snapshotUrl?: string;
  /** The bureau notified, if any. */
  bureau?: Bureau | null;
}
