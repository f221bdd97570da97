/**
 * Alerts as the API and the live channel carry them: a rule's breach, a video detection or an emergency alarm, or a
 * device gone silent, with its warning colour (docs/domain/early-warning.md).
 */
import type { SensorFamily } from './sensor-family';

/** China's four early-warning colours, lowest to highest (GB/T 35965.1-2018 style levels IV → I). */
export const WARNING_COLOURS = ['blue', 'yellow', 'orange', 'red'] as const;
export type WarningColour = (typeof WARNING_COLOURS)[number];

/** The bureaus a sensor warning goes to. */
export const BUREAUS = ['environment', 'water'] as const;
export type Bureau = (typeof BUREAUS)[number];

export const ALERT_STATUSES = ['raised', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_KINDS = ['rule', 'event', 'device_offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SOURCES = ['sensor', 'video', 'emergency', 'device'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

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
