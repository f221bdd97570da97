import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { assertWithinScope, Clock, distanceM } from '@gridhub/ingest';
import { AttachmentsService } from '../attachments/attachments.service';
import { RankedCandidate } from '../dispatch/dispatch-policy';
import { DispatchService } from '../dispatch/dispatch.service';
import { DispatchTimers } from '../dispatch/dispatch-timers';
import { IncidentNotifier, TaskNotice } from '../dispatch/incident-notifier';
import { AcceptanceTimeoutData, StepDeadlineData } from '../dispatch/queues';
import { timerChanges, timerPlan } from '../dispatch/timer-plan';
import { GRIDOPS_SETTINGS, GridopsSettings } from '../gridops.options';
import { GridLocatorService } from '../grids/grid-locator.service';
import { ComponentsService } from '../components/components.service';
import { canSeeIncident } from './incident-access';
import { IncidentCategory } from './incident-categories';
import { IncidentCategoryService } from './incident-category.service';
import { Plan } from './incident-plan';
import { StepClock } from './step-clock';
import { suspensionPlan } from './incident-suspension';
import {
  ASSIGNED_STATUSES,
  EvaluationGrade,
  IncidentAction,
  IncidentSource,
  IncidentStatus,
  Priority,
  isFieldRole,
  refusalOf,
} from '@gridhub/contracts';
import { DuplicateCandidate, IncidentFilter, IncidentRepository } from './incident.repository';
import { Actor, Incident, IncidentEvent, IncidentEventRow, IncidentPatch, NewIncident } from './incident.types';

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

export type ActionInput = { action: IncidentAction } & {
  workerId?: string;
  reason?: string;
  note?: string;
  lon?: number;
  lat?: number;
  attachmentIds?: string[];
  hours?: number;
  valid?: boolean;
  grade?: EvaluationGrade;
  dispatch?: boolean;
};

/** What an action needs read before the row is locked (no second connection is taken while it is). */
interface Prepared {
  worker?: { id: string; name: string } | null;
  /** Reinspection: who checks the work (another worker than the handler where there is one). */
  reinspector?: { id: string; name: string } | null;
}

const SYSTEM: Actor = { sub: 'system', username: 'system', role: 'system', workerId: null };
/** A new step's clock runs: no suspension carried over from the step before. */
const CLOCK_RUNNING: IncidentPatch = { suspendedAt: null, suspension: null, suspensionPending: null };
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

/**
 * The seven-step closed loop (docs/domain/governance.md). Every change takes the incident's row lock,
 * checks the action against the state it finds (409) and the actor (403), writes the incident and its trail
 * entry in one transaction, then moves the timers (BullMQ) and tells tablets and consoles.
 */
@Injectable()
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly categories: IncidentCategoryService,
    private readonly dispatcher: DispatchService,
    private readonly timers: DispatchTimers,
    private readonly notifier: IncidentNotifier,
    private readonly locator: GridLocatorService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
    private readonly steps: StepClock,
    private readonly components: ComponentsService,
    @Inject(GRIDOPS_SETTINGS) private readonly settings: GridopsSettings,
  ) {}

  // ---------------------------------------------------------------------------------------------------------
  // Step 1: intake

  /**
   * Creates an incident from any intake. Emergencies, sensor breaches and tasks from above are filed at once
   * and dispatched; a video detection goes to the grid worker for verification; other reports wait for the
   * intake operator. Idempotent on `sourceRef`. Returns open incidents nearby of the same category as
   * possible duplicates.
   */
  async report(input: ReportInput, actor: Actor, options: { duplicates?: boolean } = {}): Promise<ReportResult> {
    const component = input.componentId ? await this.components.forIncident(input.componentId) : null;
    const code = input.category ?? component?.incidentCategory;
    if (!code) throw new UnprocessableEntityException('name a category or a componentId');
    const category = input.source === 'sensor' || input.source === 'video' || input.source === 'emergency'
      ? await this.categories.resolve(code)
      : await this.categories.find(code);
    if (!category || !category.enabled) throw new UnprocessableEntityException(`unknown incident category ${code} (see GET /api/v1/incident-categories)`);
    // A component is where it is: the report takes its place unless the reporter gave one.
    const lon = input.lon ?? component?.lon;
    const lat = input.lat ?? component?.lat;
    if (lon === undefined || lat === undefined) throw new UnprocessableEntityException('lon and lat are required unless a componentId is given');
    const now = this.clock.now();
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
      gridCode: this.locator.locate(lon, lat),
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
          ? this.steps.due(category, 'dispatch', now, category.limits.dispatchMinutes).at
          : null,
    };
    // Filed at once: dispatched in the same statement as the insert (one round trip to the database).
    const worker = fileAtOnce ? await this.dispatcher.choose(incident, category) : null;
    const fresh = this.unsaved(incident);
    const plan = worker ? this.dispatchPlan(fresh, category, worker, now, { action: 'dispatch', actor: SYSTEM, note: null }) : null;
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
    // The duplicate search rides on the insert's statement (it depends only on the category, place and time).
    const search = options.duplicates === false ? undefined : { radiusM: this.settings.duplicateRadiusM, since: this.duplicateSince(now) };
    const inserted = await this.incidents.insert(incident, [first, ...(plan?.events ?? [])], plan?.patch ?? {}, search);
    const { incident: created, created: isNew } = inserted;
    let current = created;
    if (isNew) {
      this.logger.log(`incident ${created.code} (${created.category}, ${created.source}) ${status} in grid ${created.gridCode ?? '-'}`);
      this.notifier.incident('incident.created', created);
      if (plan) await this.after({ ...fresh, id: created.id }, created, plan);
      else if (fileAtOnce) current = await this.autoDispatch(created, category);
      else if (input.needsVerification) current = await this.autoVerification(created, category);
    }
    const duplicates = options.duplicates === false ? [] : (inserted.duplicates ?? (await this.duplicates(current)));
    return { incident: current, created: isNew, duplicates };
  }

  /** The incident as it will be once inserted, before any step (for planning its first dispatch). */
  private unsaved(n: NewIncident): Incident {
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

  /** Open incidents of the same category nearby and recent (configured radius and window). */
  duplicates(incident: Incident): Promise<DuplicateCandidate[]> {
    const since = this.duplicateSince(incident.createdAt);
    return this.incidents.near(incident.category, incident.lon, incident.lat, this.settings.duplicateRadiusM, since, incident.id, 10, incident.componentId);
  }

  private duplicateSince(createdAt: Date): Date {
    return plus(createdAt, -this.settings.duplicateWindowHours * 3600_000);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reads

  list(filter: IncidentFilter, actor: Actor): Promise<{ items: Incident[]; total: number }> {
    // A grid worker's reach is their tasks (possibly as a backup beyond their own community), not their scope.
    if (actor.gridScope && !isFieldRole(actor.role)) filter = { ...filter, scopePrefix: actor.gridScope };
    if (isFieldRole(actor.role)) {
      return this.incidents.list({ ...filter, partyWorkerId: actor.workerId ?? '00000000-0000-0000-0000-000000000000', partyUsername: actor.username });
    }
    return this.incidents.list(filter);
  }

  async get(id: string, actor: Actor): Promise<Incident> {
    const incident = await this.incidents.find(id);
    if (!incident) throw new NotFoundException(`incident ${id} not found`);
    if (!isFieldRole(actor.role)) assertWithinScope(incident.gridCode, actor, `incident ${incident.code}`);
    if (!canSeeIncident(incident, actor)) throw new ForbiddenException('this incident is not one of your tasks');
    return incident;
  }

  async history(id: string, actor: Actor): Promise<IncidentEventRow[]> {
    await this.get(id, actor);
    return this.incidents.events(id);
  }

  async suggestions(id: string, actor: Actor): Promise<RankedCandidate[]> {
    const incident = await this.get(id, actor);
    return this.dispatcher.suggestions(incident, await this.categories.resolve(incident.category));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Steps 2–7: actions

  async act(id: string, input: ActionInput, actor: Actor): Promise<Incident> {
    const seen = await this.incidents.find(id);
    if (!seen) throw new NotFoundException(`incident ${id} not found`);
    if (!isFieldRole(actor.role)) assertWithinScope(seen.gridCode, actor, `incident ${seen.code}`);
    this.refuse(input.action, seen, actor);
    const category = await this.categories.resolve(seen.category);
    const prepared = await this.prepare(input, seen, category, actor);
    const outcome = await this.incidents.withLock(id, async (locked) => {
      // The state may have moved since it was read: check again under the lock.
      this.refuse(input.action, locked.incident, actor);
      const changed = locked.incident.stepSeq !== seen.stepSeq || locked.incident.assigneeWorkerId !== seen.assigneeWorkerId;
      if (changed && (prepared.worker !== undefined || prepared.reinspector !== undefined)) {
        throw new ConflictException(`the incident changed meanwhile (now ${locked.incident.status}); reload and try again`);
      }
      const now = this.clock.now();
      const plan = this.plan(input, locked.incident, category, prepared, actor, now);
      await locked.update(plan.patch, now);
      for (const event of plan.events) await locked.addEvent(event);
      return { plan, before: locked.incident };
    });
    if (!outcome) throw new NotFoundException(`incident ${id} not found`);
    await this.after(outcome.result.before, outcome.incident, outcome.result.plan);
    if (input.action === 'file' && input.dispatch !== false) return this.autoDispatch(outcome.incident, category);
    return outcome.incident;
  }

  private refuse(action: IncidentAction, incident: Incident, actor: Actor): void {
    const refusal = refusalOf(action, incident, actor);
    if (refusal) throw refusal.code === 403 ? new ForbiddenException(refusal.message) : new ConflictException(refusal.message);
  }

  /** Reads and checks done before the lock: chosen workers, attachments, place. */
  private async prepare(input: ActionInput, incident: Incident, category: IncidentCategory, actor: Actor): Promise<Prepared> {
    if (input.attachmentIds?.length) await this.attachments.checkBelong(incident.id, input.attachmentIds);
    switch (input.action) {
      case 'request_verification': {
        // 核实 is the supervision centre's: a supervisor (监督员) goes to look.
        if (input.workerId) {
          const worker = await this.dispatcher.worker(input.workerId);
          if (!worker) throw new UnprocessableEntityException(`worker ${input.workerId} not found`);
          if (worker.duty !== 'supervisor') throw new UnprocessableEntityException(`${worker.name} is not a supervisor (监督员): only supervisors verify on site`);
          if (!worker.onDuty) throw new UnprocessableEntityException(`supervisor ${worker.name} is off duty`);
          return { worker };
        }
        const worker = await this.dispatcher.chooseSupervisor(incident);
        if (!worker) {
          throw new UnprocessableEntityException(`no on-duty supervisor in or around grid ${incident.gridCode ?? '(outside every grid)'}; choose one with workerId`);
        }
        return { worker };
      }
      case 'dispatch': {
        if (input.workerId) {
          const worker = await this.dispatcher.worker(input.workerId);
          if (!worker) throw new UnprocessableEntityException(`worker ${input.workerId} not found`);
          if (!worker.onDuty) throw new UnprocessableEntityException(`worker ${worker.name} is off duty`);
          if (worker.duty !== 'grid_worker') throw new UnprocessableEntityException(`${worker.name} is a supervisor: supervision and handling are kept apart (监管分离)`);
          if (worker.id === incident.assigneeWorkerId) {
            throw new ConflictException(`the incident is already dispatched to ${worker.name}`);
          }
          return { worker };
        }
        const exclude = await this.dispatcher.triedWorkers(incident.id);
        const worker = await this.dispatcher.choose(incident, category, exclude);
        if (!worker) {
          throw new UnprocessableEntityException(
            `no on-duty worker in or around grid ${incident.gridCode ?? '(outside every grid)'}; choose one with workerId (GET /api/v1/incidents/${incident.id}/suggestions)`,
          );
        }
        return { worker };
      }
      case 'check_in': {
        if (input.lon === undefined || input.lat === undefined) throw new BadRequestException('check_in needs lon and lat (the tablet’s GPS position)');
        const d = distanceM(input.lon!, input.lat!, incident.lon, incident.lat);
        if (d > this.settings.checkInRadiusM) {
          throw new UnprocessableEntityException(
            `check-in refused: you are ${Math.round(d)} m from the incident; arrive within ${this.settings.checkInRadiusM} m`,
          );
        }
        return {};
      }
      case 'handle': {
        // 监管分离: a supervisor re-inspects (核查); with none on duty, any supervisor may take it.
        const reinspector = await this.dispatcher.chooseSupervisor(incident, [actor.workerId ?? '', incident.assigneeWorkerId ?? '']);
        return { reinspector };
      }
      default:
        return {};
    }
  }

  private plan(input: ActionInput, i: Incident, category: IncidentCategory, prepared: Prepared, actor: Actor, now: Date): Plan {
    const to = (status: IncidentStatus | null, extra: Partial<IncidentEvent> = {}): IncidentEvent => ({
      action: input.action,
      fromStatus: i.status,
      toStatus: status ?? i.status,
      actor: actor.username,
      at: now,
      lon: input.lon ?? null,
      lat: input.lat ?? null,
      note: input.note ?? input.reason ?? null,
      attachments: input.attachmentIds ?? [],
      detail: { role: actor.role },
      ...extra,
    });
    const seq = i.stepSeq + 1;
    const limits = category.limits;
    switch (input.action) {
      case 'request_verification': {
        const w = prepared.worker!;
        const due = this.steps.due(category, 'verify', now, limits.verifyMinutes);
        const patch: IncidentPatch = {
          status: 'verifying',
          verifierWorkerId: w.id,
          verificationRequestedAt: now,
          verifyDueAt: due.at,
          stepBasis: due.basis,
          verifiedAt: null,
          verifiedValid: null,
          stepSeq: seq,
          stepStartedAt: now,
        };
        return {
          patch,
          events: [to('verifying', { detail: { role: actor.role, workerId: w.id, workerName: w.name, dueAt: due.at.toISOString(), basis: due.basis } })],
          tasks: [{ workerId: w.id, type: 'task.assigned', step: 'verify', reason: 'request_verification' }],
        };
      }
      case 'verify': {
        if (input.valid === undefined) throw new BadRequestException('verify needs valid: true (the report is real) or false');
        return {
          patch: { verifiedAt: now, verifiedValid: input.valid },
          events: [to(null, { detail: { role: actor.role, valid: input.valid } })],
          tasks: [],
        };
      }
      case 'file': {
        const due = this.steps.due(category, 'dispatch', now, limits.dispatchMinutes);
        return {
          patch: { status: 'filed', filedAt: now, dispatchDueAt: due.at, stepBasis: due.basis, stepSeq: seq, stepStartedAt: now },
          events: [to('filed', { detail: { role: actor.role, autoDispatch: input.dispatch !== false, dueAt: due.at.toISOString(), basis: due.basis } })],
          tasks: this.withdraw(i.verifierWorkerId, 'file'),
        };
      }
      case 'void':
        if (!input.reason?.trim()) throw new BadRequestException('void needs a reason');
        return { patch: { status: 'voided', voidedAt: now }, events: [to('voided')], tasks: this.withdraw(i.verifierWorkerId, 'void') };
      case 'dispatch':
        return this.dispatchPlan(i, category, prepared.worker!, now, { action: 'dispatch', actor, note: input.note ?? null });
      case 'accept':
        return {
          patch: { status: 'accepted', acceptedAt: i.acceptedAt ?? now },
          events: [to('accepted')],
          tasks: [],
        };
      case 'reject': {
        if (!input.reason?.trim()) throw new BadRequestException('reject needs a reason');
        const due = this.steps.due(category, 'dispatch', now, limits.dispatchMinutes);
        return {
          patch: {
            status: 'filed',
            assigneeWorkerId: null,
            acceptDueAt: null,
            extensionPending: null,
            ...CLOCK_RUNNING,
            dispatchDueAt: due.at,
            stepBasis: due.basis,
            stepSeq: seq,
            stepStartedAt: now,
          },
          events: [to('filed', { detail: { role: actor.role, workerId: i.assigneeWorkerId } })],
          tasks: this.withdraw(i.assigneeWorkerId, 'reject'),
          live: { rejected: true, reason: input.reason },
        };
      }
      case 'check_in':
        return {
          patch: { status: 'in_progress', arrivedAt: i.arrivedAt ?? now },
          events: [to('in_progress', { detail: { role: actor.role, distanceM: Math.round(distanceM(input.lon!, input.lat!, i.lon, i.lat)) } })],
          tasks: [],
        };
      case 'handle': {
        if (!input.note?.trim()) throw new BadRequestException('handle needs a note saying what was done');
        const r = prepared.reinspector ?? null;
        const due = this.steps.due(category, 'reinspect', now, limits.reinspectMinutes);
        const reinspectDueAt = due.at;
        return {
          patch: {
            ...CLOCK_RUNNING,
            stepBasis: due.basis,
            status: 'reinspecting',
            handledAt: now,
            reinspectorWorkerId: r?.id ?? null,
            reinspectionRequestedAt: now,
            reinspectDueAt,
            reinspectedAt: null,
            reinspectionPassed: null,
            extensionPending: null,
            stepSeq: seq,
            stepStartedAt: now,
          },
          events: [
            to('handled'),
            {
              action: 'start_reinspection',
              fromStatus: 'handled',
              toStatus: 'reinspecting',
              actor: 'system:dispatch',
              at: now,
              detail: { workerId: r?.id ?? null, ...(r ? { workerName: r.name } : { by: 'any_supervisor' }), dueAt: reinspectDueAt.toISOString(), basis: due.basis },
            },
          ],
          tasks: r ? [{ workerId: r.id, type: 'task.assigned', step: 'reinspect', reason: 'handle' }] : [],
          live: { reinspectorWorkerId: r?.id ?? null },
        };
      }
      case 'request_extension': {
        if (!input.hours || !input.reason?.trim()) throw new BadRequestException('request_extension needs hours and a reason');
        return {
          patch: { extensionPending: { hours: input.hours, reason: input.reason, requestedBy: actor.username, requestedAt: now.toISOString() } },
          events: [to(null, { detail: { role: actor.role, hours: input.hours } })],
          tasks: [],
          live: { extensionRequested: input.hours },
        };
      }
      case 'approve_extension': {
        // refusalOf has checked that a request waits and the clock runs (ACTION_RULES.approve_extension.when).
        const pending = i.extensionPending!;
        // 延期: the hours count on the handling limit's basis (working hours for a working-time limit).
        const basis = i.stepBasis ?? 'natural';
        const dueAt = this.steps.add(i.dueAt ?? now, pending.hours * 60, basis);
        return {
          patch: {
            dueAt,
            extensionPending: null,
            extensionCount: i.extensionCount + 1,
            extended: true,
            overdue: i.overdue && dueAt.getTime() <= now.getTime(),
            stepSeq: seq,
          },
          events: [to(null, { note: input.note ?? pending.reason, detail: { role: actor.role, hours: pending.hours, basis, previousDueAt: i.dueAt?.toISOString() ?? null, dueAt: dueAt.toISOString() } })],
          tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: 'handle', reason: 'approve_extension' }] : [],
        };
      }
      case 'refuse_extension': {
        return {
          patch: { extensionPending: null },
          events: [to(null, { detail: { role: actor.role, hours: i.extensionPending!.hours } })],
          tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: 'handle', reason: 'refuse_extension' }] : [],
        };
      }
      case 'request_suspension':
      case 'approve_suspension':
      case 'refuse_suspension':
      case 'resume':
        return suspensionPlan(input.action, input, i, category, actor, now, this.steps, to);
      case 'reinspect_pass':
        return { patch: { reinspectedAt: now, reinspectionPassed: true }, events: [to(null)], tasks: [] };
      case 'reinspect_fail': {
        if (!input.reason?.trim()) throw new BadRequestException('reinspect_fail needs a reason');
        // 返工: back to the same handler, with a fresh handling period.
        const plan = this.dispatchPlan(i, category, { id: i.assigneeWorkerId!, name: i.assigneeName ?? '' }, now, {
          action: 'reinspect_fail',
          actor,
          note: input.reason,
          rework: true,
        });
        plan.patch = { ...plan.patch, reinspectedAt: now, reinspectionPassed: false, reworkCount: i.reworkCount + 1 };
        return plan;
      }
      case 'close':
        return {
          patch: { status: 'closed', closedAt: now },
          events: [to('closed')],
          tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: null, reason: 'close' }] : [],
        };
      case 'evaluate':
        if (!input.grade) throw new BadRequestException('evaluate needs a grade');
        return { patch: { status: 'evaluated', evaluatedAt: now, evaluationGrade: input.grade }, events: [to('evaluated', { detail: { role: actor.role, grade: input.grade } })], tasks: [] };
    }
  }

  /** A dispatch (or re-dispatch for rework) to `worker`: handling clock, acceptance clock, the tablet told. */
  private dispatchPlan(
    i: Incident,
    category: IncidentCategory,
    worker: { id: string; name: string },
    now: Date,
    how: { action: string; actor: Actor; note: string | null; rework?: boolean; reassign?: boolean },
  ): Plan {
    const limits = category.limits;
    // A reassignment keeps the handling clock; a first dispatch, a dispatch after rejection or rework starts it.
    const keepClock = how.reassign || (i.status === 'dispatched' && !how.rework);
    const handling = this.steps.due(category, 'handle', now, limits.handleMinutes[i.priority]);
    const kept = keepClock && i.dueAt !== null;
    const dueAt = kept ? i.dueAt! : handling.at;
    const patch: IncidentPatch = {
      status: 'dispatched',
      assigneeWorkerId: worker.id,
      dispatchedAt: i.dispatchedAt ?? now,
      dueAt,
      stepBasis: kept ? (i.stepBasis ?? handling.basis) : handling.basis,
      acceptDueAt: this.steps.due(category, 'accept', now, limits.acceptMinutes).at,
      stepSeq: i.stepSeq + 1,
      stepStartedAt: keepClock && i.stepStartedAt ? i.stepStartedAt : now,
      ...(keepClock ? {} : { overdue: false, ...CLOCK_RUNNING }),
      ...(how.reassign || (i.status === 'dispatched' && !how.rework) ? { reassignCount: i.reassignCount + 1 } : {}),
    };
    const previous = i.assigneeWorkerId && i.assigneeWorkerId !== worker.id ? i.assigneeWorkerId : null;
    return {
      patch,
      events: [
        {
          action: how.action,
          fromStatus: i.status,
          toStatus: 'dispatched',
          actor: how.actor.username === 'system' ? 'system:dispatch' : how.actor.username,
          at: now,
          note: how.note,
          detail: {
            role: how.actor.role,
            workerId: worker.id,
            workerName: worker.name,
            dueAt: dueAt.toISOString(),
            basis: patch.stepBasis,
            acceptDueAt: patch.acceptDueAt!.toISOString(),
            ...(previous ? { previousWorkerId: previous } : {}),
            ...(how.rework ? { rework: i.reworkCount + 1 } : {}),
          },
        },
      ],
      tasks: [
        { workerId: worker.id, type: how.rework ? 'task.updated' : 'task.assigned', step: 'handle', reason: how.action },
        ...(previous ? this.withdraw(previous, how.action) : []),
      ],
    };
  }

  private withdraw(workerId: string | null, reason: string): TaskNotice[] {
    return workerId ? [{ workerId, type: 'task.updated', step: null, reason, withdrawn: true }] : [];
  }

  /** After the commit: timers moved to the new state, tablets and consoles told. */
  private async after(before: Incident, after: Incident, plan: Plan): Promise<void> {
    const now = this.clock.now();
    const calendar = this.steps.calendar;
    const { cancel, schedule } = timerChanges(timerPlan(before, now, calendar), timerPlan(after, now, calendar));
    // The tablets first: their message does not wait for the timer round trips to Redis.
    await Promise.all([
      ...plan.tasks.map((t) => this.notifier.task(after, t)),
      this.timers.cancel(cancel).then(() => this.timers.schedule(schedule)),
    ]);
    this.notifier.incident('incident.updated', after, { action: plan.events[0]?.action, ...(plan.live ?? {}) });
  }

  /** Intake: a filed incident goes to the best on-duty worker; with nobody on duty it waits for the dispatcher. */
  private async autoDispatch(incident: Incident, category: IncidentCategory): Promise<Incident> {
    const worker = await this.dispatcher.choose(incident, category);
    const { incident: after } = await this.system(incident, (i, now) => {
      if (i.status !== 'filed') return null;
      if (!worker) {
        this.logger.warn(`incident ${i.code}: no on-duty worker in or around grid ${i.gridCode ?? '-'}; waiting for the dispatcher`);
        const due = this.steps.due(category, 'dispatch', i.filedAt ?? now, category.limits.dispatchMinutes);
        return {
          patch: { dispatchDueAt: due.at, stepBasis: due.basis, stepSeq: i.stepSeq + 1, stepStartedAt: i.filedAt ?? now },
          events: [],
          tasks: [],
        };
      }
      return this.dispatchPlan(i, category, worker, now, { action: 'dispatch', actor: SYSTEM, note: null });
    });
    return after;
  }

  /** Intake of a detection that needs on-site verification: the grid's supervisor is asked to verify. */
  private async autoVerification(incident: Incident, category: IncidentCategory): Promise<Incident> {
    const worker = await this.dispatcher.chooseSupervisor(incident);
    if (!worker) return incident;
    const { incident: after } = await this.system(incident, (i, now) =>
      i.status !== 'reported'
        ? null
        : this.plan({ action: 'request_verification' }, i, category, { worker }, { ...SYSTEM, username: 'system:dispatch' }, now),
    );
    return after;
  }

  /**
   * A change the system makes (intake, timers) under the row lock; `decide` returns null to do nothing. A
   * timer's entry that was written before (a retried job) makes the whole change a no-op.
   */
  private async system(incident: Incident, decide: (locked: Incident, now: Date) => Plan | null): Promise<{ incident: Incident; changed: boolean }> {
    const outcome = await this.incidents.withLock(incident.id, async (locked) => {
      const now = this.clock.now();
      const plan = decide(locked.incident, now);
      if (!plan) return null;
      for (const event of plan.events) {
        if (!(await locked.addEvent(event)) && event.timerKey) return null;
      }
      if (Object.keys(plan.patch).length) await locked.update(plan.patch, now);
      return { plan, before: locked.incident };
    });
    if (!outcome?.result) return { incident: outcome?.incident ?? incident, changed: false };
    await this.after(outcome.result.before, outcome.incident, outcome.result.plan);
    return { incident: outcome.incident, changed: true };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Timers

  /**
   * A supervision point of a step (督办): at 50 % and 80 % a warning on the trail; at 100 % the step is
   * overdue (the handling step marks the incident overdue). Does nothing when the step has moved on.
   * Returns whether it wrote anything (a retried job writes nothing twice: the entry has the timer's key).
   */
  async onStepDeadline(data: StepDeadlineData): Promise<boolean> {
    const incident = await this.incidents.find(data.incidentId);
    if (!incident) return false;
    const key = `${data.step}:${data.incidentId}:${data.seq}:${data.percent}`;
    const { changed } = await this.system(incident, (i, now) => {
      if (i.stepSeq !== data.seq || !this.inStep(i, data.step)) return null;
      // A stopped clock (挂账) neither warns nor runs overdue.
      if (i.suspendedAt) return null;
      const overdue = data.step === 'handle' && data.percent === 100;
      if (overdue && i.overdue) return null;
      return {
        patch: overdue ? { overdue: true } : {},
        events: [
          {
            action: overdue ? 'overdue' : 'supervise',
            fromStatus: null,
            toStatus: null,
            actor: 'system:timer',
            at: now,
            timerKey: key,
            note: overdue ? '处置超期 / handling overdue' : `督办：${this.stepName(data.step)}已用时 ${data.percent}% / supervision: ${data.percent} % of the ${data.step} time used`,
            detail: { step: data.step, percent: data.percent, dueAt: data.dueAt, ...(data.percent === 100 ? { overdue: true } : {}) },
          },
        ],
        tasks: this.supervisedWorker(i, data.step) ? [{ workerId: this.supervisedWorker(i, data.step)!, type: 'task.updated', step: this.taskStep(data.step), reason: overdue ? 'overdue' : 'supervise' }] : [],
        live: { supervision: { step: data.step, percent: data.percent } },
      };
    });
    return changed;
  }

  /**
   * The assignee did not accept in time: the task goes to a backup (the next candidate not yet tried); when
   * that one does not accept either, or there is none, the shift lead is alerted (escalation).
   */
  async onAcceptanceTimeout(data: AcceptanceTimeoutData): Promise<boolean> {
    const incident = await this.incidents.find(data.incidentId);
    if (!incident || incident.stepSeq !== data.seq || incident.status !== 'dispatched') return false;
    const category = await this.categories.resolve(incident.category);
    const tried = await this.dispatcher.triedWorkers(incident.id);
    const backup = tried.length <= 1 ? await this.dispatcher.choose(incident, category, [...tried, incident.assigneeWorkerId ?? '']) : null;
    const { changed } = await this.system(incident, (i, now) => {
      if (i.stepSeq !== data.seq || i.status !== 'dispatched') return null;
      if (backup) {
        const plan = this.dispatchPlan(i, category, backup, now, { action: 'reassign', actor: { ...SYSTEM, username: 'system:timer' }, note: '接单超时，改派备岗 / not accepted in time: reassigned', reassign: true });
        plan.events[0]!.timerKey = `accept:${i.id}:${data.seq}`;
        return plan;
      }
      return {
        patch: { escalatedAt: now },
        events: [
          {
            action: 'escalate',
            fromStatus: null,
            toStatus: null,
            actor: 'system:timer',
            at: now,
            timerKey: `accept:${i.id}:${data.seq}`,
            note: '接单超时，提请值班长处理 / not accepted in time: the shift lead is alerted',
            detail: { workerId: i.assigneeWorkerId, tried },
          },
        ],
        tasks: [],
        live: { escalated: true, escalation: 'acceptance_timeout' },
      };
    });
    return changed;
  }

  private inStep(i: Incident, step: StepDeadlineData['step']): boolean {
    switch (step) {
      case 'verify':
        return i.status === 'verifying' && !i.verifiedAt;
      case 'dispatch':
        return i.status === 'filed';
      case 'handle':
        return ASSIGNED_STATUSES.includes(i.status);
      case 'reinspect':
        return i.status === 'reinspecting' && !i.reinspectionPassed;
    }
  }

  private supervisedWorker(i: Incident, step: StepDeadlineData['step']): string | null {
    return step === 'verify' ? i.verifierWorkerId : step === 'reinspect' ? i.reinspectorWorkerId : step === 'handle' ? i.assigneeWorkerId : null;
  }

  private taskStep(step: StepDeadlineData['step']): TaskNotice['step'] {
    return step === 'dispatch' ? null : step;
  }

  private stepName(step: StepDeadlineData['step']): string {
    return { verify: '核实', dispatch: '派遣', handle: '处置', reinspect: '核查' }[step];
  }
}
