import { UnprocessableEntityException } from '@nestjs/common';
import { IncidentSource, IncidentStatus, isFieldRole, Priority } from '@gridhub/contracts';
import { Component } from '../components/component.types';
import { IncidentCategory } from './incident-categories';
import { DuplicateCandidate } from './incident.repository';
import { Actor, Incident, IncidentEvent, NewIncident } from './incident.types';
import { StepClock } from './step-clock';

/** Any intake: a worker's patrol report, a public (Open311 / 12345) report, a task from above, an alert. */
export interface ReportInput {
  /** The minor class; may be left out when `componentId` is given (the component class's category). */
  category?: string;
  title?: string;
  description?: string;
  /** Where; may be left out when `componentId` is given (the component's place). */
  lon?: number;
  lat?: number;
  priority?: Priority;
  source: IncidentSource;
  /** Idempotency key of the source (alert id, Open311 token…): a second report with it returns the first. */
  sourceRef?: string | null;
  reporterName?: string | null;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  /** Emergency alarm: highest priority, no verification, dispatched at once. */
  emergency?: boolean;
  /** The report needs on-site verification by a supervisor first (video detections). */
  needsVerification?: boolean;
  /** Extra facts for the first trail entry (alert id, rule, value…). */
  detail?: Record<string, unknown>;
  /** The component (部件) the report is about: it goes to the component's owner department (先属主后属地). */
  componentId?: string | null;
}

export interface ReportResult {
  incident: Incident;
  created: boolean;
  duplicates: DuplicateCandidate[];
}

/** What a report becomes (step 1), decided without I/O: the new row, its first trail entry, and whether it is filed at once. */
export interface Intake {
  incident: NewIncident;
  first: IncidentEvent;
  /** Emergencies, sensor breaches and tasks from above are filed at once (and dispatched). */
  fileAtOnce: boolean;
}

/**
 * The intake's decisions: status (filed at once, or reported for the intake operator), priority, whether the
 * report verifies itself, its place (a named component's unless the reporter gave one), its department
 * (先属主后属地: the component's owner, else the category's specialist one) and its intake deadline (受理时限).
 */
export function intakeOf(
  input: ReportInput,
  category: IncidentCategory,
  component: Component | null,
  actor: Actor,
  now: Date,
  locate: (lon: number, lat: number) => string | null,
  steps: StepClock,
): Intake {
  // A component is where it is: the report takes its place unless the reporter gave one.
  const lon = input.lon ?? component?.lon;
  const lat = input.lat ?? component?.lat;
  if (lon === undefined || lat === undefined) throw new UnprocessableEntityException('lon and lat are required unless a componentId is given');
  const emergency = input.emergency === true || input.source === 'emergency' || category.emergency;
  const priority: Priority = emergency ? 'urgent' : (input.priority ?? category.defaultPriority);
  const fileAtOnce = emergency || input.source === 'sensor' || input.source === 'superior';
  const status: IncidentStatus = fileAtOnce ? 'filed' : 'reported';
  const selfVerified = input.source === 'sensor' || emergency || (input.source === 'patrol' && isFieldRole(actor.role));
  const incident: NewIncident = {
    category: category.code,
    title: input.title?.trim() || category.nameZh,
    description: input.description?.trim() ?? '',
    priority,
    status,
    source: input.source,
    sourceRef: input.sourceRef ?? null,
    emergency,
    lon,
    lat,
    gridCode: locate(lon, lat),
    // 先属主后属地: a named component goes to its owner department; otherwise the category's specialist one.
    departmentCode: component?.departmentCode ?? category.departmentCode,
    componentId: component?.id ?? null,
    reportedBy: actor.username,
    reporterName: input.reporterName ?? null,
    reporterPhone: input.reporterPhone ?? null,
    reporterEmail: input.reporterEmail ?? null,
    createdAt: now,
    verifiedAt: selfVerified ? now : null,
    filedAt: fileAtOnce ? now : null,
    // 受理: a report left to the command centre is to be taken up within the category's dispatch limit, on its basis.
    intakeDueAt:
      !fileAtOnce && ['public', 'hotline', 'patrol'].includes(input.source)
        ? steps.due(category, 'dispatch', now, category.limits.dispatchMinutes).at
        : null,
  };
  const first: IncidentEvent = {
    // Filed on intake (sensor, emergency, task from above) reads as 立案 on the trail.
    action: status === 'filed' ? 'file' : 'report',
    fromStatus: null,
    toStatus: status,
    actor: actor.username,
    at: now,
    lon,
    lat,
    note: input.description?.trim() || null,
    detail: { role: actor.role, source: input.source, emergency, ...(input.detail ?? {}) },
  };
  return { incident, first, fileAtOnce };
}

/** The incident as it will be once inserted, before any step (for planning its first dispatch). */
export function unsaved(n: NewIncident): Incident {
  return {
    id: '',
    code: n.code ?? '',
    category: n.category,
    title: n.title,
    description: n.description,
    priority: n.priority,
    status: n.status,
    source: n.source,
    sourceRef: n.sourceRef,
    emergency: n.emergency ?? false,
    lon: n.lon,
    lat: n.lat,
    gridCode: n.gridCode,
    departmentCode: n.departmentCode ?? null,
    componentId: n.componentId ?? null,
    assigneeWorkerId: null,
    assigneeName: null,
    verifierWorkerId: null,
    reinspectorWorkerId: null,
    reportedBy: n.reportedBy ?? null,
    reporterName: n.reporterName ?? null,
    reporterPhone: n.reporterPhone ?? null,
    reporterEmail: n.reporterEmail ?? null,
    stepSeq: 0,
    stepStartedAt: null,
    createdAt: n.createdAt,
    updatedAt: n.createdAt,
    intakeDueAt: n.intakeDueAt ?? null,
    verificationRequestedAt: null,
    verifyDueAt: null,
    verifiedAt: n.verifiedAt ?? null,
    verifiedValid: n.verifiedAt ? true : null,
    filedAt: n.filedAt ?? null,
    dispatchDueAt: null,
    voidedAt: null,
    dispatchedAt: null,
    acceptDueAt: null,
    acceptedAt: null,
    arrivedAt: null,
    dueAt: null,
    handledAt: null,
    reinspectionRequestedAt: null,
    reinspectDueAt: null,
    reinspectedAt: null,
    reinspectionPassed: null,
    closedAt: null,
    evaluatedAt: null,
    evaluationGrade: null,
    escalatedAt: null,
    overdue: false,
    reworkCount: 0,
    reassignCount: 0,
    extensionCount: 0,
    extended: false,
    extensionPending: null,
    stepBasis: null,
    suspendedAt: null,
    suspension: null,
    suspensionPending: null,
    suspensionCount: 0,
    suspendedMinutes: 0,
  };
}
