import { EvaluationGrade, IncidentSource, IncidentStatus, Priority, TimeBasis } from '@gridhub/contracts';

export interface PendingExtension {
  hours: number;
  reason: string;
  requestedBy: string;
  requestedAt: string;
}

/** A request to stop the clock (挂账/缓办), waiting for the shift lead. */
export interface PendingSuspension {
  reason: string;
  requestedBy: string;
  requestedAt: string;
}

/** A stopped clock: what was used and what is left of the step, on its basis, when it stopped. */
export interface Suspension extends PendingSuspension {
  approvedBy: string;
  at: string;
  step: 'handle';
  basis: TimeBasis;
  elapsedMinutes: number;
  remainingMinutes: number;
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
  /** The component (部件) the incident is about, if it names one (owner department first, 先属主后属地). */
  componentId: string | null;
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
  /** 受理时限: a report waiting for the command centre should be taken up by then (public, 12345, patrol). */
  intakeDueAt: Date | null;
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
  /** How the running step's limit counts: working time (工作时) or natural time. */
  stepBasis: TimeBasis | null;
  /** Set while the clock is stopped (挂账/缓办). */
  suspendedAt: Date | null;
  suspension: Suspension | null;
  suspensionPending: PendingSuspension | null;
  suspensionCount: number;
  /** Time spent suspended so far, in the basis of the step it stopped. */
  suspendedMinutes: number;
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
  componentId?: string | null;
  reportedBy?: string | null;
  reporterName?: string | null;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  intakeDueAt?: Date | null;
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
    | 'stepBasis'
    | 'suspendedAt'
    | 'suspension'
    | 'suspensionPending'
    | 'suspensionCount'
    | 'suspendedMinutes'
  >
>;
