import { SensorFamily } from '@gridhub/contracts';
import { Bureau, WarningColour } from '../rules/rule.types';

export const ALERT_STATUSES = ['raised', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_KINDS = ['rule', 'event', 'device_offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SOURCES = ['sensor', 'video', 'emergency', 'device'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

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

/** An alert as the API shows it. */
export interface AlertView {
  id: string;
  kind: AlertKind;
  status: AlertStatus;
  source: AlertSource;
  severity: WarningColour;
  emergency: boolean;
  ruleId: number | null;
  ruleName: string | null;
  ruleNameEn: string | null;
  eventType: string | null;
  metric: string | null;
  threshold: number | null;
  deviceId: string;
  deviceName: string;
  family: SensorFamily;
  bureau: Bureau | null;
  gridCode: string | null;
  lon: number;
  lat: number;
  value: number | null;
  count: number;
  summary: string | null;
  raisedAt: Date;
  updatedAt: Date;
  lastValueAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  clearedAt: Date | null;
  clearedBy: string | null;
  incidentId: string | null;
  incidentCategory: string | null;
  detail: Record<string, unknown>;
}

/** One recorded transition of an alert. */
export interface AlertEvent {
  id: string;
  action: 'raise' | 'acknowledge' | 'clear' | 'escalate';
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus;
  actor: string;
  at: Date;
  value: number | null;
}
