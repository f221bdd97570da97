import { EVALUATION_GRADES, INCIDENT_ACTIONS, INCIDENT_STATUSES, OnWire, PRIORITIES, TIME_BASES } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '@gridhub/ingest';
import { Incident } from './incident.types';

const pendingSuspension = z.object({ reason: z.string(), requestedBy: z.string(), requestedAt: z.string() });

/** An incident row on the wire (dates as ISO 8601). */
const incidentRowSchema = z.object({
  id: z.string(),
  code: z.string(),
  category: z.string(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(INCIDENT_STATUSES),
  source: z.string(),
  sourceRef: z.string().nullable(),
  emergency: z.boolean(),
  lon: z.number(),
  lat: z.number(),
  gridCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
  componentId: z.string().nullable(),
  assigneeWorkerId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  verifierWorkerId: z.string().nullable(),
  reinspectorWorkerId: z.string().nullable(),
  reportedBy: z.string().nullable(),
  reporterName: z.string().nullable(),
  reporterPhone: z.string().nullable(),
  reporterEmail: z.string().nullable(),
  stepSeq: z.number().int(),
  stepStartedAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  intakeDueAt: isoTime.nullable(),
  verificationRequestedAt: isoTime.nullable(),
  verifyDueAt: isoTime.nullable(),
  verifiedAt: isoTime.nullable(),
  verifiedValid: z.boolean().nullable(),
  filedAt: isoTime.nullable(),
  dispatchDueAt: isoTime.nullable(),
  voidedAt: isoTime.nullable(),
  dispatchedAt: isoTime.nullable(),
  acceptDueAt: isoTime.nullable(),
  acceptedAt: isoTime.nullable(),
  arrivedAt: isoTime.nullable(),
  dueAt: isoTime.nullable(),
  handledAt: isoTime.nullable(),
  reinspectionRequestedAt: isoTime.nullable(),
  reinspectDueAt: isoTime.nullable(),
  reinspectedAt: isoTime.nullable(),
  reinspectionPassed: z.boolean().nullable(),
  closedAt: isoTime.nullable(),
  evaluatedAt: isoTime.nullable(),
  evaluationGrade: z.enum(EVALUATION_GRADES).nullable(),
  escalatedAt: isoTime.nullable(),
  overdue: z.boolean(),
  reworkCount: z.number().int(),
  reassignCount: z.number().int(),
  extensionCount: z.number().int(),
  extended: z.boolean(),
  extensionPending: z.object({ hours: z.number(), reason: z.string(), requestedBy: z.string(), requestedAt: z.string() }).nullable(),
  stepBasis: z.enum(TIME_BASES).nullable(),
  suspendedAt: isoTime.nullable(),
  suspension: pendingSuspension
    .extend({
      approvedBy: z.string(),
      at: z.string(),
      step: z.literal('handle'),
      basis: z.enum(TIME_BASES),
      elapsedMinutes: z.number(),
      remainingMinutes: z.number(),
    })
    .nullable(),
  suspensionPending: pendingSuspension.nullable(),
  suspensionCount: z.number().int(),
  suspendedMinutes: z.number(),
});
export type IncidentRowOnWire = z.infer<typeof incidentRowSchema>;

/** An incident as the API shows it: its row, what the caller may do now, and contact data masked for the field (脱敏). */
export const incidentSchema = incidentRowSchema.extend({ allowedActions: z.array(z.enum(INCIDENT_ACTIONS as [string, ...string[]])) });
export type IncidentResponse = z.infer<typeof incidentSchema>;

/** One step of the trail (全程留痕). */
export const incidentEventSchema = z.object({
  id: z.number().int(),
  action: z.string(),
  fromStatus: z.enum(INCIDENT_STATUSES).nullable(),
  toStatus: z.enum(INCIDENT_STATUSES).nullable(),
  actor: z.string(),
  at: isoTime,
  detail: z.record(z.string(), z.unknown()),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  note: z.string().nullable(),
  attachments: z.array(z.string()),
});

/** An open incident of the same category nearby: a candidate to merge. */
export const duplicateSchema = z.object({
  id: z.string(),
  code: z.string(),
  category: z.string(),
  title: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(INCIDENT_STATUSES),
  lon: z.number(),
  lat: z.number(),
  gridCode: z.string().nullable(),
  createdAt: isoTime,
  distanceM: z.number(),
  componentId: z.string().nullable(),
  sameComponent: z.boolean(),
});

/** A worker ranked for a dispatch, with why. */
export const candidateSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  status: z.string(),
  distanceM: z.number().nullable(),
  openTasks: z.number().int(),
  skillMatch: z.boolean(),
  primaryHere: z.boolean(),
  backupHere: z.boolean(),
  departmentCode: z.string().nullable(),
  reason: z.string(),
});

export const createdIncidentSchema = incidentSchema.extend({ duplicates: z.array(duplicateSchema) });
export const incidentDetailSchema = incidentSchema.extend({ events: z.array(incidentEventSchema) });
export const incidentPageSchema = listOf(incidentSchema).extend({ limit: z.number().int(), offset: z.number().int() });
export const incidentEventListSchema = listOf(incidentEventSchema);
export const duplicateListSchema = listOf(duplicateSchema);
export const candidateListSchema = listOf(candidateSchema);

const _row: Same<IncidentRowOnWire, OnWire<Incident>> = true;
void _row;
