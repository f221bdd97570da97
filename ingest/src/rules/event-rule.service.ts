import { Injectable, Logger } from '@nestjs/common';
import { AlertView } from '@gridhub/contracts';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertService, IncidentRequest } from '../alerts/alert.service';
import { Clock } from '../common/clock';
import { Device } from '../devices/device.types';
import { EventRow } from '../readings/reading.types';
import { decideMerge, EventRule } from './event-rule.types';
import { EventRuleRepository } from './event-rule.repository';

/** The emergency event that ends a device's alarm condition (sensors.md: "a device's clear/restore event"). */
export const RESTORE_EVENT = 'restore';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * Event rules: a video detection at or above its type's confidence raises an alert (a repeat of the same
 * situation — same camera within the window, or near an open alert — only counts); an emergency alarm raises a
 * red alert at once that files an emergency incident, skipping verification; the device's restore event clears it.
 * Events are handled one at a time, in arrival order, so two detections never race to raise one situation twice.
 */
@Injectable()
export class EventRuleService {
  private readonly logger = new Logger(EventRuleService.name);
  private rules: Promise<Map<string, EventRule>> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: EventRuleRepository,
    private readonly alertRows: AlertRepository,
    private readonly alerts: AlertService,
    private readonly clock: Clock,
  ) {}

  list(): Promise<EventRule[]> {
    return this.repository.list();
  }

  async update(eventType: string, rule: Omit<EventRule, 'eventType' | 'family'>): Promise<EventRule | null> {
    const updated = await this.repository.update(eventType, rule, this.clock.now());
    this.rules = null;
    return updated;
  }

  /** Queues a stored event; resolves when it has been handled. */
  handle(device: Device, event: EventRow): Promise<void> {
    const run = this.chain.then(() => this.process(device, event));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued events. */
  async drain(): Promise<void> {
    await this.chain;
  }

  /** Clears video alerts whose situation has not been seen within its window. */
  async expireStale(now: Date): Promise<void> {
    const cleared = await this.repository.expireStale(now);
    await this.alerts.announce({ raised: [], updated: [], cleared }, () => null);
  }

  private async ruleFor(type: string): Promise<EventRule | undefined> {
    this.rules ??= this.repository.list().then(
      (list) => new Map(list.map((r) => [r.eventType, r])),
      (error: Error) => {
        this.rules = null;
        throw error;
      },
    );
    return (await this.rules).get(type);
  }

  private async process(device: Device, event: EventRow): Promise<void> {
    if (device.family === 'emergency' && event.type === RESTORE_EVENT) {
      const only = str(event.payload['restores']) ?? str(event.payload['clears']);
      const cleared = await this.alertRows.clearEventAlerts(device.id, only ? [only] : null, event.time, `device:${device.id}`);
      await this.alerts.announce({ raised: [], updated: [], cleared }, () => null);
      return;
    }
    const rule = await this.ruleFor(event.type);
    if (!rule || !rule.enabled || rule.family !== device.family) return;
    const confidence = num(event.payload['confidence']);
    if (rule.family === 'video' && confidence !== undefined && confidence < rule.minConfidence) return;
    const lon = num(event.payload['lon']) ?? device.lon;
    const lat = num(event.payload['lat']) ?? device.lat;
    const snapshotUrl = str(event.payload['snapshot_url']);
    const actor = `device:${device.id}`;

    if (rule.family === 'video') {
      const open = await this.alertRows.openEventAlerts(event.type);
      const decision = decideMerge({ deviceId: device.id, at: event.time, lon, lat }, open, rule);
      if (decision.action === 'repeat') {
        if (await this.alertRows.repeat(decision.alertId, confidence ?? null, event.time, actor)) {
          await this.alerts.announce({ raised: [], updated: [decision.alertId], cleared: [] }, () => null);
          return;
        }
      } else if (decision.expire.length > 0) {
        const expired = await this.alertRows.clearEventAlerts(device.id, [event.type], event.time, 'system:expired');
        await this.alerts.announce({ raised: [], updated: [], cleared: expired }, () => null);
      }
    }

    const emergency = rule.family === 'emergency';
    const detail: Record<string, unknown> = { ...event.payload };
    const change = await this.alertRows.upsertEventAlert({
      deviceId: device.id,
      eventType: event.type,
      source: emergency ? 'emergency' : 'video',
      severity: emergency ? 'red' : rule.severity,
      emergency,
      value: confidence ?? num(event.payload['ppm']) ?? num(event.payload['lel_pct']) ?? num(event.payload['depth_cm']) ?? null,
      at: event.time,
      lon,
      lat,
      summary: emergency
        ? `${rule.nameZh}（${rule.nameEn}）：${device.name}`
        : `视频识别 ${rule.nameZh}（${rule.nameEn}）：${device.name}${confidence !== undefined ? `，置信度 ${confidence}` : ''}`,
      detail,
      actor,
    });
    const request = (view: AlertView): IncidentRequest | null =>
      rule.incidentCategory
        ? {
            incidentCategory: rule.incidentCategory,
            ruleName: rule.nameZh,
            metric: event.type,
            threshold: null,
            source: emergency ? 'emergency' : 'video',
            emergency,
            needsVerification: !emergency,
            extra: {
              eventType: event.type,
              observedAt: event.time,
              ...(confidence !== undefined ? { confidence } : {}),
              ...(snapshotUrl ? { snapshotUrl } : {}),
              summary: view.summary ?? rule.nameZh,
            },
          }
        : null;
    await this.alerts.announce(change.raised ? { raised: [change.id], updated: [], cleared: [] } : { raised: [], updated: [change.id], cleared: [] }, request);
    if (change.raised) this.logger.log(`alert ${change.id}: ${event.type} at ${device.id}${emergency ? ' (emergency)' : ''}`);
  }
}
