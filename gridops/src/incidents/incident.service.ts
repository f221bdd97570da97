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
import { IncidentAction, isFieldRole, refusalOf } from '@gridhub/contracts';
import { AttachmentService } from '../attachments/attachment.service';
import { RankedCandidate } from '../dispatch/dispatch-policy';
import { DispatchService } from '../dispatch/dispatch.service';
import { DispatchTimers } from '../dispatch/dispatch-timers';
import { IncidentNotifier } from '../dispatch/incident-notifier';
import { timerChanges, timerPlan } from '../dispatch/timer-plan';
import { GRIDOPS_SETTINGS, GridopsSettings } from '../gridops.options';
import { GridLocatorService } from '../grids/grid-locator.service';
import { ComponentService } from '../components/component.service';
import { canSeeIncident } from './incident-access';
import { IncidentCategory } from './incident-categories';
import { IncidentCategoryService } from './incident-category.service';
import { Plan } from './incident-plan';
import { intakeOf, ReportInput, ReportResult, unsaved } from './incident-report';
import { ActionInput, awaitDispatcherPlan, dispatchPlan, planAction, Prepared, SYSTEM } from './incident-transition';
import { StepClock } from './step-clock';
import { DuplicateCandidate, IncidentFilter, IncidentRepository } from './incident.repository';
import { Actor, Incident, IncidentEventRow } from './incident.types';

export type { ActionInput } from './incident-transition';
export type { ReportInput, ReportResult } from './incident-report';

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

/**
 * The seven-step closed loop (docs/domain/governance.md), its orchestration: every change takes the incident's
 * row lock, checks the action against the state it finds (409) and the actor (403) with `refusalOf`, has the pure
 * transition (incident-transition.ts) plan it, writes the incident and its trail entries in one transaction, then
 * moves the timers (BullMQ) and tells tablets and consoles. The intake's decisions are in incident-report.ts, the
 * timers' handlers in IncidentTimerService.
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
    private readonly attachments: AttachmentService,
    private readonly clock: Clock,
    private readonly steps: StepClock,
    private readonly components: ComponentService,
    @Inject(GRIDOPS_SETTINGS) private readonly settings: GridopsSettings,
  ) {}

  // ---------------------------------------------------------------------------------------------------------
  // Step 1: intake

  /**
   * Creates an incident from any intake (decisions: incident-report.ts). Emergencies, sensor breaches and tasks
   * from above are filed at once and dispatched; a video detection goes to a supervisor for verification; other
   * reports wait for the intake operator. Idempotent on `sourceRef`. Returns open incidents nearby of the same
   * category (or the same component) as possible duplicates.
   */
  async report(input: ReportInput, actor: Actor, options: { duplicates?: boolean } = {}): Promise<ReportResult> {
    const component = input.componentId ? await this.components.forIncident(input.componentId) : null;
    const code = input.category ?? component?.incidentCategory;
    if (!code) throw new UnprocessableEntityException('name a category or a componentId');
    const category = input.source === 'sensor' || input.source === 'video' || input.source === 'emergency'
      ? await this.categories.resolve(code)
      : await this.categories.find(code);
    if (!category || !category.enabled) throw new UnprocessableEntityException(`unknown incident category ${code} (see GET /api/v1/incident-categories)`);
    const now = this.clock.now();
    const { incident, first, fileAtOnce } = intakeOf(input, category, component, actor, now, (lon, lat) => this.locator.locate(lon, lat), this.steps);
    // Filed at once: dispatched in the same statement as the insert (one round trip to the database).
    const worker = fileAtOnce ? await this.dispatcher.choose(incident, category) : null;
    const fresh = unsaved(incident);
    const plan = worker ? dispatchPlan(fresh, category, worker, now, this.steps, { action: 'dispatch', actor: SYSTEM, note: null }) : null;
    // The duplicate search rides on the insert's statement (it depends only on the category, place and time).
    const search = options.duplicates === false ? undefined : { radiusM: this.settings.duplicateRadiusM, since: this.duplicateSince(now) };
    const inserted = await this.incidents.insert(incident, [first, ...(plan?.events ?? [])], plan?.patch ?? {}, search);
    const { incident: created, created: isNew } = inserted;
    let current = created;
    if (isNew) {
      this.logger.log(`incident ${created.code} (${created.category}, ${created.source}) ${incident.status} in grid ${created.gridCode ?? '-'}`);
      this.notifier.incident('incident.created', created);
      if (plan) await this.after({ ...fresh, id: created.id }, created, plan);
      else if (fileAtOnce) current = await this.autoDispatch(created, category);
      else if (input.needsVerification) current = await this.autoVerification(created, category);
    }
    const duplicates = options.duplicates === false ? [] : (inserted.duplicates ?? (await this.duplicates(current)));
    return { incident: current, created: isNew, duplicates };
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
      const plan = planAction(input, locked.incident, category, prepared, actor, now, this.steps);
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
    const { incident: after } = await this.change(incident, (i, now) => {
      if (i.status !== 'filed') return null;
      if (!worker) {
        this.logger.warn(`incident ${i.code}: no on-duty worker in or around grid ${i.gridCode ?? '-'}; waiting for the dispatcher`);
        return awaitDispatcherPlan(i, category, now, this.steps);
      }
      return dispatchPlan(i, category, worker, now, this.steps, { action: 'dispatch', actor: SYSTEM, note: null });
    });
    return after;
  }

  /** Intake of a detection that needs on-site verification: the grid's supervisor is asked to verify. */
  private async autoVerification(incident: Incident, category: IncidentCategory): Promise<Incident> {
    const worker = await this.dispatcher.chooseSupervisor(incident);
    if (!worker) return incident;
    const { incident: after } = await this.change(incident, (i, now) =>
      i.status !== 'reported'
        ? null
        : planAction({ action: 'request_verification' }, i, category, { worker }, { ...SYSTEM, username: 'system:dispatch' }, now, this.steps),
    );
    return after;
  }

  /**
   * A change the system makes (intake, timers: IncidentTimerService) under the row lock; `decide` returns null
   * to do nothing. A timer's entry that was written before (a retried job) makes the whole change a no-op.
   */
  async change(incident: Incident, decide: (locked: Incident, now: Date) => Plan | null): Promise<{ incident: Incident; changed: boolean }> {
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
}
