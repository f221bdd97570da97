import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AlertView, AQI_METRICS, aqiFromLatest, SensorFamily, WATER_CLASS_METRICS, waterClassFromLatest } from '@gridhub/contracts';
import { AlertService, IncidentRequest } from '../alerts/alert.service';
import { AlertRepository, RuleBreachRow, RuleChanges, RuleClearRow } from '../alerts/alert.repository';
import { Clock } from '../common/clock';
import { Device } from '../devices/device.types';
import { EventRow, ReadingSet } from '../readings/reading.types';
import { EventRuleService } from './event-rule.service';
import { DerivedIndices, EngineReading, RuleEngine, RuleOp } from './rule-engine';
import { ruleSummary } from './rule-summary';
import { createsIncident } from './rule.types';
import { RuleRepository } from './rule.repository';

/**
 * How often "no data" rules are checked (the maintenance job `silence-sweep`), and how stale a hub's in-memory
 * copy of the active alerts, grids and rules may get before it resynchronises with the database.
 */
export const SILENCE_SWEEP_MS = 30_000;

type Item =
  | { kind: 'readings'; device: Device; readings: ReadingSet }
  | { kind: 'silence'; now: Date; done: Deferred };

interface Deferred {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Appends the readings of a message to `out`, one per metric. */
function pushReadings(out: EngineReading[], set: ReadingSet): void {
  for (const metric in set.values) out.push({ metric, value: set.values[metric]!, time: set.time });
}

const AQI_SET = new Set<string>(AQI_METRICS);
const WATER_SET = new Set<string>(WATER_CLASS_METRICS);

/**
 * Turns stored readings into alerts. Readings are queued as they are acknowledged and evaluated in batches, one
 * batch at a time, against rules indexed in memory (RuleEngine); the alert changes of a batch are written in
 * set-based statements (a handful per batch, whatever its size), durable per-(rule, device) state too.
 */
@Injectable()
export class RuleEvaluationService implements OnModuleDestroy {
  private readonly logger = new Logger(RuleEvaluationService.name);
  private readonly engine = new RuleEngine();
  private ready: Promise<void> | null = null;
  private queue: Item[] = [];
  private running: Promise<void> | null = null;
  /** The rule set's version at the last resynchronisation: a change made by another hub reloads the rules. */
  private rulesVersion: string | null = null;
  /** When the in-memory state was last resynchronised with the database (see `resync`). */
  private syncedAt = 0;
  /** Latest pollutant and water-quality values per device, for AQI and water-class rules. */
  private readonly latest = new Map<string, Record<string, { value: number; time: Date }>>();

  constructor(
    private readonly repository: RuleRepository,
    private readonly alertRows: AlertRepository,
    private readonly alerts: AlertService,
    private readonly events: EventRuleService,
    private readonly clock: Clock,
  ) {
    alerts.onManualClear(({ kind, ruleId, deviceId }) => {
      if (kind === 'rule' && ruleId !== null) this.engine.forget(ruleId, deviceId);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.drain().catch(() => undefined);
  }

  /** Reload rules (after a rule is added, changed or removed, or the grids changed). */
  invalidate(): void {
    const previous = this.ready;
    const next = previous ? previous.catch(() => undefined).then(() => this.loadRules()) : this.load();
    this.ready = next;
    next.catch(() => {
      if (this.ready === next) this.ready = null;
    });
  }

  /**
   * Queues a message's stored readings for evaluation with the next batch (`drain` waits for it). Nothing is
   * returned per message: thousands are queued a second under load, and a batch that fails is logged once.
   */
  evaluate(device: Device, readings: ReadingSet): void {
    this.enqueue({ kind: 'readings', device, readings });
  }

  /** Hands a stored video or emergency event to the event rules; resolves once it is handled. */
  evaluateEvent(device: Device, event: EventRow): Promise<void> {
    return this.events.handle(device, event);
  }

  /** Checks "no data for N minutes" rules at `now`. */
  sweepSilence(now: Date): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'silence', now, done: { resolve, reject } }));
  }

  /** Resolves when everything queued so far is evaluated, and incidents of new alerts are filed. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    await this.events.drain();
    await this.alerts.drain();
  }

  /** A rule's definition changed: it is a new rule for its devices (breach start, previous value start again). */
  async ruleChanged(ruleId: number): Promise<void> {
    this.engine.resetStates(ruleId);
    this.invalidate();
    await this.ready;
  }

  /** A rule was removed: its alerts on these devices were cleared with it. */
  ruleRemoved(ruleId: number, deviceIds: readonly string[]): void {
    for (const deviceId of deviceIds) this.engine.forget(ruleId, deviceId);
    this.invalidate();
  }

  // Evaluation ---------------------------------------------------------------------------------------------

  private enqueue(item: Item): void {
    this.queue.push(item);
    this.kick();
  }

  /** One batch loop at a time; items queued while its last batch was finishing start the next loop. */
  private kick(): void {
    if (this.running) return;
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run())
      .finally(() => {
        this.running = null;
        if (this.queue.length > 0) this.kick();
      });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const items = this.queue.splice(0);
      try {
        await this.process(items);
        for (const item of items) if (item.kind === 'silence') item.done.resolve();
      } catch (error) {
        // The database did not take the changes: reload state from it before the next batch.
        this.ready = null;
        const messages = items.filter((item) => item.kind === 'readings').length;
        if (messages > 0) {
          this.logger.error(`rule evaluation failed for ${messages} messages: ${(error as Error).message}`, (error as Error).stack);
        }
        for (const item of items) if (item.kind === 'silence') item.done.reject(error as Error);
      }
    }
  }

  private async load(): Promise<void> {
    this.syncedAt = this.clock.now().getTime();
    await this.loadRules();
    this.engine.restoreStates(await this.repository.loadStates());
    this.engine.restoreActive(await this.alertRows.activeKeys());
  }

  private async loadRules(): Promise<void> {
    const [rules, grids] = await Promise.all([this.repository.listEnabled(), this.repository.gridParents()]);
    this.engine.load(rules, grids);
  }

  private async process(items: Item[]): Promise<void> {
    if (!this.ready) this.invalidate();
    await this.ready;
    // The silence sweep runs on one hub of a cluster (a maintenance job): every hub resynchronises its own
    // in-memory state at the sweep's cadence before it evaluates.
    if (!items.some((item) => item.kind === 'silence') && this.clock.now().getTime() - this.syncedAt >= SILENCE_SWEEP_MS) await this.resync();
    const ops: RuleOp[] = [];
    const byDevice = new Map<string, { device: Device; readings: EngineReading[] }>();
    for (const item of items) {
      if (item.kind === 'silence') {
        ops.push(...(await this.silenceOps(item.now)));
        continue;
      }
      let entry = byDevice.get(item.device.id);
      if (!entry) byDevice.set(item.device.id, (entry = { device: item.device, readings: [] }));
      pushReadings(entry.readings, item.readings);
    }
    const derived = await this.derive([...byDevice.values()]);
    for (const { device, readings } of byDevice.values()) {
      ops.push(...this.engine.evaluate(device, readings, derived.get(device.id)));
    }
    await this.apply(ops);
  }

  /**
   * AQI level and water class for the devices whose rules need them, from their latest values: kept in memory
   * from the readings evaluated here, read once per device from latest_readings (one query per batch for the
   * devices not seen yet).
   */
  private async derive(entries: { device: Device; readings: EngineReading[] }[]): Promise<Map<string, DerivedIndices>> {
    const aqi = entries.filter((e) => e.readings.some((r) => AQI_SET.has(r.metric)) && this.engine.needsAqi(e.device));
    const water = entries.filter((e) => e.readings.some((r) => WATER_SET.has(r.metric)) && this.engine.needsWaterClass(e.device));
    const out = new Map<string, DerivedIndices>();
    if (aqi.length === 0 && water.length === 0) return out;
    const unknown = [...aqi, ...water].map((e) => e.device.id).filter((id) => !this.latest.has(id));
    if (unknown.length > 0) {
      for (const id of unknown) this.latest.set(id, {});
      const rows = await this.repository.latestValues(unknown, [...AQI_METRICS, ...WATER_CLASS_METRICS]);
      for (const r of rows) this.remember(r.deviceId, r.metric, r.value, new Date(r.time));
    }
    for (const e of [...aqi, ...water]) for (const r of e.readings) this.remember(e.device.id, r.metric, r.value, r.time);
    for (const e of aqi) out.set(e.device.id, { aqiLevel: aqiFromLatest(this.latest.get(e.device.id) ?? {}) });
    for (const e of water) {
      out.set(e.device.id, { ...out.get(e.device.id), waterClass: waterClassFromLatest(this.latest.get(e.device.id) ?? {}, e.device.attributes) });
    }
    return out;
  }

  /** Keeps the newest value per device and metric (late data never replaces it, as in latest_readings). */
  private remember(deviceId: string, metric: string, value: number, time: Date): void {
    if (!AQI_SET.has(metric) && !WATER_SET.has(metric)) return;
    let values = this.latest.get(deviceId);
    if (!values) this.latest.set(deviceId, (values = {}));
    const known = values[metric];
    if (!known || time.getTime() >= known.time.getTime()) values[metric] = { value, time };
  }

  /** Periodic resynchronisation: alerts raised or cleared by other hubs, grids edited since the rules loaded. */
  private async resync(): Promise<void> {
    this.syncedAt = this.clock.now().getTime();
    this.engine.restoreActive(await this.alertRows.activeKeys());
    this.engine.loadGrids(await this.repository.gridParents());
    const version = await this.repository.version();
    if (this.rulesVersion !== null && version !== this.rulesVersion) await this.loadRules();
    this.rulesVersion = version;
  }

  private async silenceOps(now: Date): Promise<RuleOp[]> {
    await this.resync();
    const families = this.engine.silenceFamilies();
    if (families.length === 0) return [];
    const devices = await this.repository.silenceCandidates(families);
    return this.engine.evaluateSilence(
      now,
      devices.map((d) => ({
        device: { id: d.id, family: d.family as SensorFamily, gridCode: d.gridCode, attributes: d.attributes },
        lastTimes: Object.fromEntries(Object.entries(d.lastTimes).map(([m, t]) => [m, new Date(t)])),
        since: new Date(d.since),
      })),
    );
  }

  /**
   * Writes a batch's operations. Repeats of one (rule, device) fold into one row; a clear followed by a new
   * breach (or the reverse) in the same batch goes to the next round, so a statement touches each alert once.
   */
  private async apply(ops: RuleOp[]): Promise<void> {
    const segments = new Map<string, (RuleBreachRow | (RuleClearRow & { clear: true }))[]>();
    for (const op of ops) {
      const k = `${op.rule.id}/${op.deviceId}`;
      let list = segments.get(k);
      if (!list) segments.set(k, (list = []));
      const last = list[list.length - 1];
      if (op.type === 'breach') {
        if (last && !('clear' in last)) {
          last.count++;
          if (op.at >= last.at) {
            last.value = op.value;
            last.at = op.at;
            last.summary = ruleSummary(op.rule, op.value, op.at);
          }
        } else {
          list.push({ ruleId: op.rule.id, deviceId: op.deviceId, value: op.value, at: op.at, count: 1, severity: op.rule.severity, summary: ruleSummary(op.rule, op.value, op.at) });
        }
      } else {
        list.push({ ruleId: op.rule.id, deviceId: op.deviceId, value: op.value, at: op.at, clear: true });
      }
    }
    const changes: RuleChanges = { raised: [], updated: [], cleared: [] };
    for (let round = 0; ; round++) {
      const breaches: RuleBreachRow[] = [];
      const clears: RuleClearRow[] = [];
      for (const list of segments.values()) {
        const seg = list[round];
        if (!seg) continue;
        if ('clear' in seg) clears.push(seg);
        else breaches.push(seg);
      }
      if (breaches.length === 0 && clears.length === 0) break;
      const done = await this.alertRows.applyRuleChanges(breaches, clears);
      const clearedIds = new Set(done.cleared.map((v) => v.id));
      changes.updated = changes.updated.filter((v) => !clearedIds.has(v.id));
      changes.raised.push(...done.raised);
      changes.updated.push(...done.updated);
      changes.cleared.push(...done.cleared);
    }
    await this.repository.saveStates(this.engine.takeDirtyStates());
    this.alerts.announceViews(changes, (view) => this.incidentFor(view));
  }

  private incidentFor(view: AlertView): IncidentRequest | null {
    const rule = view.ruleId !== null ? this.engine.rule(view.ruleId) : undefined;
    if (!rule || !createsIncident(rule)) return null;
    return {
      incidentCategory: rule.incidentCategory!,
      ruleName: rule.name,
      metric: rule.metric ?? rule.kind,
      threshold: rule.threshold,
      source: 'sensor',
      emergency: false,
      needsVerification: false,
    };
  }
}
