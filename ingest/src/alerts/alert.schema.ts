import { ALERT_KINDS, ALERT_SOURCES, ALERT_STATUSES, AlertEvent, AlertView, BUREAUS, OnWire, SENSOR_FAMILIES, WARNING_COLOURS } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '../common/api-schema';

/** An alert as the API shows it: `AlertView` on the wire. */
export const alertSchema = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  status: z.enum(ALERT_STATUSES),
  source: z.enum(ALERT_SOURCES),
  severity: z.enum(WARNING_COLOURS),
  emergency: z.boolean(),
  ruleId: z.number().int().nullable(),
  ruleName: z.string().nullable(),
  ruleNameEn: z.string().nullable(),
  eventType: z.string().nullable(),
  metric: z.string().nullable(),
  threshold: z.number().nullable(),
  deviceId: z.string(),
  deviceName: z.string(),
  family: z.enum(SENSOR_FAMILIES),
  bureau: z.enum(BUREAUS).nullable(),
  gridCode: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  value: z.number().nullable(),
  count: z.number().int(),
  summary: z.string().nullable(),
  raisedAt: isoTime,
  updatedAt: isoTime,
  lastValueAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  clearedAt: isoTime.nullable(),
  clearedBy: z.string().nullable(),
  incidentId: z.string().nullable(),
  incidentCategory: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AlertResponse = z.infer<typeof alertSchema>;

export const alertEventSchema = z.object({
  id: z.string(),
  action: z.enum(['raise', 'acknowledge', 'clear', 'escalate']),
  fromStatus: z.enum(ALERT_STATUSES).nullable(),
  toStatus: z.enum(ALERT_STATUSES),
  actor: z.string(),
  at: isoTime,
  value: z.number().nullable(),
});

export const alertListSchema = listOf(alertSchema);
export const alertDetailSchema = alertSchema.extend({ history: z.array(alertEventSchema) });

// The schemas describe exactly the contracts' wire types.
const _alert: Same<AlertResponse, OnWire<AlertView>> = true;
const _event: Same<z.infer<typeof alertEventSchema>, OnWire<AlertEvent>> = true;
void _alert;
void _event;
