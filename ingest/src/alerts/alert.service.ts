import { MONITOR_ROLES } from '@gridhub/contracts';
import { BeforeApplicationShutdown, ConflictException, Injectable, Logger, NotFoundException, OnModuleDestroy, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { LiveAudience, LiveChannel } from '../common/live-channel';
import { METRICS } from '@gridhub/contracts';
import { AlertSink } from './alert-sink';
import { RaisedAlert } from './alert.types';
import { AlertEvent, AlertView } from '@gridhub/contracts';
import { AlertFilter, AlertRepository, RuleChanges } from './alert.repository';


/** What a new alert carries to grid operations beyond its view (set by the rule or event rule that raised it). */
export interface IncidentRequest {
  incidentCategory: string;
  ruleName: string;
  metric: string;
  threshold: number | null;
  source: RaisedAlert['source'];
  emergency: boolean;
  needsVerification: boolean;
  extra?: Partial<RaisedAlert>;
}

export type ManualClearListener = (cleared: { kind: string; ruleId: number | null; deviceId: string }) => void;

/**
 * The alert lifecycle: raised → acknowledged → cleared. Rules and event rules write state changes; this
 * service tells the people watching (live push) and grid operations (a new alert that files an incident), and
 * carries out people's acknowledgements and manual clears. Every transition is kept in alert_events.
 */
@Injectable()
export class AlertService implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertService.name);
  private readonly pending = new Set<Promise<unknown>>();
  private readonly clearListeners: ManualClearListener[] = [];
  /** Once the hub shuts down, nothing is pushed (the socket server and its Redis adapter are closing). */
  private closing = false;

  constructor(
    private readonly alerts: AlertRepository,
    private readonly sink: AlertSink,
    private readonly clock: Clock,
    @Optional() private readonly live?: LiveChannel,
  ) {}

  onModuleDestroy(): void {
    this.closing = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  onManualClear(listener: ManualClearListener): void {
    this.clearListeners.push(listener);
  }

  list(filter: AlertFilter): Promise<{ items: AlertView[]; total: number }> {
    return this.alerts.list(filter);
  }

  async get(id: string): Promise<{ alert: AlertView; history: AlertEvent[] }> {
    const alert = await this.alerts.find(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    return { alert, history: await this.alerts.history(id) };
  }

  async acknowledge(id: string, actor: string): Promise<AlertView> {
    const done = await this.alerts.acknowledge(id, actor, this.clock.now());
    const alert = await this.alerts.find(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    if (!done) throw new ConflictException(`alert ${id} is ${alert.status}; only a raised alert can be acknowledged`);
    this.publish('alert.acknowledged', alert);
    return alert;
  }

  async clear(id: string, actor: string): Promise<AlertView> {
    const cleared = await this.alerts.clearById(id, actor, this.clock.now());
    const alert = await this.alerts.find(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    if (!cleared) throw new ConflictException(`alert ${id} is already cleared`);
    for (const listener of this.clearListeners) listener(cleared);
    this.publish('alert.cleared', alert);
    return alert;
  }

  /**
   * After rules or event rules wrote changes: pushes them live and, for each newly raised alert that should
   * file an incident, hands it to grid operations (in the background; `drain` waits for it).
   */
  async announce(
    changes: { raised: string[]; updated: string[]; cleared: string[] },
    incidentFor: (alert: AlertView) => IncidentRequest | null,
  ): Promise<void> {
    const ids = [...changes.raised, ...changes.updated, ...changes.cleared];
    if (ids.length === 0) return;
    const views = new Map((await this.alerts.findMany(ids)).map((v) => [v.id, v]));
    const pick = (list: string[]) => list.map((id) => views.get(id)).filter((v): v is AlertView => v !== undefined);
    this.announceViews({ raised: pick(changes.raised), updated: pick(changes.updated), cleared: pick(changes.cleared) }, incidentFor);
  }

  /** As `announce`, for changes whose views the writing statement already returned. */
  announceViews(changes: RuleChanges, incidentFor: (alert: AlertView) => IncidentRequest | null): void {
    for (const view of changes.cleared) this.publish('alert.cleared', view);
    for (const view of changes.updated) this.publish('alert.updated', view);
    for (const view of changes.raised) {
      this.publish('alert.raised', view);
      const request = incidentFor(view);
      if (request) this.track(this.fileIncident(view, request));
    }
  }

  /** Waits for incidents being filed in the background. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async fileIncident(alert: AlertView, request: IncidentRequest): Promise<void> {
    try {
      const unit = METRICS[alert.family][request.metric]?.unit ?? '';
      const incidentId = await this.sink.onAlertRaised({
        alertId: alert.id,
        ruleName: request.ruleName,
        severity: alert.severity,
        incidentCategory: request.incidentCategory,
        deviceId: alert.deviceId,
        deviceName: alert.deviceName,
        family: alert.family,
        metric: request.metric,
        value: alert.value ?? 0,
        threshold: request.threshold,
        source: request.source,
        emergency: request.emergency,
        needsVerification: request.needsVerification,
        summary: alert.summary ?? `${request.ruleName}: ${request.metric} = ${alert.value ?? ''} ${unit}`.trim(),
        lon: alert.lon,
        lat: alert.lat,
        observedAt: alert.raisedAt,
        gridCode: alert.gridCode,
        bureau: alert.bureau,
        ...request.extra,
      });
      await this.alerts.linkIncident(alert.id, incidentId);
      this.logger.log(`alert ${alert.id} (${request.ruleName}, ${alert.deviceId}) filed as incident ${incidentId}`);
    } catch (error) {
      this.logger.error(`alert ${alert.id}: filing the incident failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  publish(event: 'alert.raised' | 'alert.updated' | 'alert.acknowledged' | 'alert.cleared', alert: AlertView): void {
    if (!this.live || this.closing) return;
    const audience: LiveAudience = { roles: MONITOR_ROLES, gridCode: alert.gridCode };
    try {
      this.live.publish(event, alert, audience);
    } catch (error) {
      this.logger.warn(`live push of ${event} for alert ${alert.id} failed: ${(error as Error).message}`);
    }
  }
}
