import { EvaluationGrade, IncidentSource, IncidentStatus, Priority } from '@gridhub/contracts';

export interface PendingExtension {
  hours: number;
  reason: string;
  requestedBy: string;
  requestedAt: string;
}

export interface Incident {
  id: string;
  code: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  status: IncidentStatus;
  source: IncidentSource | string;
  sourceRef: string | null;
  emergency: boolean;
  lon: number;
  lat: number;
  gridCode: string | null;
  departmentCode: string | null;
  assigneeWorkerId: string | null;
  assigneeName: string | null;
  verifierWorkerId: string | null;
  reinspectorWorkerId: string | null;
  reportedBy: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  reporterEmail: string | null;
  /** Numbers each timed step; a timer of an earlier step finds a different number and does nothing. */
  stepSeq: number;
  /** When the current timed step began (its warnings are at 50 / 80 / 100 % of step start → its deadline). */
  stepStartedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  verificationRequestedAt: Date | null;
  verifyDueAt: Date | null;
  verifiedAt: Date | null;
  verifiedValid: boolean | null;
  filedAt: Date | null;
  dispatchDueAt: Date | null;
  voidedAt: Date | null;
  dispatchedAt: Date | null;
  acceptDueAt: Date | null;
  acceptedAt: Date | null;
  arrivedAt: Date | null;
  dueAt: Date | null;
  handledAt: Date | null;
  reinspectionRequestedAt: Date | null;
  reinspectDueAt: Date | null;
  reinspectedAt: Date | null;
  reinspectionPassed: boolean | null;
  closedAt: Date | null;
  evaluatedAt: Date | null;
  evaluationGrade: EvaluationGrade | null;
  escalatedAt: Date | null;
  overdue: boolean;
  reworkCount: number;
  reassignCount: number;
  extensionCount: number;
  extended: boolean;
  extensionPending: PendingExtension | null;
}

export interface NewIncident {
  /** Omitted: made by the database (GH + China date + serial). */
  code?: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  status: IncidentStatus;
  source: IncidentSource | string;
  sourceRef: string | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  createdAt: Date;
  emergency?: boolean;
  departmentCode?: string | null;
  reportedBy?: string | null;
  reporterName?: string | null;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  /** Set for a worker's own patrol report or an alert that verifies itself. */
  verifiedAt?: Date | null;
  filedAt?: Date | null;
}

/** One step in an incident's trail (全程留痕): appended, never updated. */
export interface IncidentEvent {
  action: string;
  fromStatus: IncidentStatus | null;
  toStatus: IncidentStatus | null;
  actor: string;
  at: Date;
  detail: Record<string, unknown>;
  lon?: number | null;
  lat?: number | null;
  note?: string | null;
  attachments?: string[];
  /** A timer's own key: the entry is written at most once per key. */
  timerKey?: string | null;
}

export interface IncidentEventRow extends Required<Omit<IncidentEvent, 'timerKey'>> {
  id: string;
}

/** Who acts: a signed-in account (`request.user`) or the system. */
export interface Actor {
  sub: string;
  username: string;
  role: string;
  workerId: string | null;
  /** The account's part of the grid hierarchy (null or absent: the whole city). */
  gridScope?: string | null;
}

/** A column update on an incident (keys are Incident fields). */
export type IncidentPatch = Partial<
  Pick<
    Incident,
    | 'status'
    | 'priority'
    | 'assigneeWorkerId'
    | 'verifierWorkerId'
    | 'reinspectorWorkerId'
    | 'stepSeq'
    | 'stepStartedAt'
    | 'verificationRequestedAt'
    | 'verifyDueAt'
    | 'verifiedAt'
    | 'verifiedValid'
    | 'filedAt'
    | 'dispatchDueAt'
    | 'voidedAt'
    | 'dispatchedAt'
    | 'acceptDueAt'
    | 'acceptedAt'
    | 'arrivedAt'
    | 'dueAt'
    | 'handledAt'
    | 'reinspectionRequestedAt'
    | 'reinspectDueAt'
    | 'reinspectedAt'
    | 'reinspectionPassed'
    | 'closedAt'
    | 'evaluatedAt'
    | 'evaluationGrade'
    | 'escalatedAt'
    | 'overdue'
    | 'reworkCount'
    | 'reassignCount'
    | 'extensionCount'
    | 'extended'
    | 'extensionPending'
  >
>;
