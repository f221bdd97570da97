import { Injectable, Logger } from '@nestjs/common';
import { AlertSink } from '../alerts/alert-sink';
import { AlertsRepository } from '../alerts/alerts.repository';
import { Device } from '../devices/device.types';
import { ReadingRow } from '../readings/reading.types';
import { breaches, ThresholdRule } from './rule.types';
import { RulesRepository } from './rules.repository';

/**
 * Turns stored readings into alerts: a breach raises (or refreshes) the one active alert of its rule and
 * device; a reading back within the threshold clears it. A newly raised alert with an incident category
 * becomes an incident through the AlertSink.
 */
@Injectable()
export class RulesService {
  private readonly logger = new Logger(RulesService.name);
  private rules: Promise<ThresholdRule[]> | null = null;
  /** (rule, device) pairs with an active alert, so a normal reading costs no query. */
  private active: Promise<Set<string>> | null = null;

  constructor(
    private readonly repository: RulesRepository,
    private readonly alerts: AlertsRepository,
    private readonly sink: AlertSink,
  ) {}

  /** Forget the cached rule set (after a rule is added or changed). */
  invalidate(): void {
    this.rules = null;
  }

  async evaluate(device: Device, readings: ReadingRow[]): Promise<void> {
    this.rules ??= this.repository.listEnabled().catch((error: Error) => {
      this.rules = null;
      throw error;
    });
    this.active ??= this.alerts.activeKeys().then(
      (keys) => new Set(keys.map((k) => `${k.ruleId}/${k.deviceId}`)),
      (error: Error) => {
        this.active = null;
        throw error;
      },
    );
    const [rules, active] = await Promise.all([this.rules, this.active]);
    for (const reading of readings) {
      for (const rule of rules) {
        if (rule.family !== device.family || rule.metric !== reading.metric) continue;
        const key = `${rule.id}/${device.id}`;
        if (breaches(rule, reading.value)) {
          await this.raise(rule, device, reading);
          active.add(key);
        } else if (active.has(key)) {
          await this.alerts.clear(rule.id, device.id, reading.time);
          active.delete(key);
        }
      }
    }
  }

  private async raise(rule: ThresholdRule, device: Device, reading: ReadingRow): Promise<void> {
    const alert = await this.alerts.raise(rule.id, device.id, reading.value, reading.time);
    if (!alert.raised || !rule.incidentCategory) return;
    this.logger.log(`alert ${alert.id}: ${rule.name} at ${device.id} (${reading.metric}=${reading.value})`);
    const incidentId = await this.sink.onAlertRaised({
      alertId: alert.id,
      ruleName: rule.name,
      severity: rule.severity,
      incidentCategory: rule.incidentCategory,
      deviceId: device.id,
      deviceName: device.name,
      family: device.family,
      metric: reading.metric,
      value: reading.value,
      threshold: rule.threshold,
      source: 'sensor',
      emergency: false,
      needsVerification: false,
      summary: `${rule.name}: ${reading.metric} = ${reading.value} (${rule.operator} ${rule.threshold})`,
      lon: device.lon,
      lat: device.lat,
      observedAt: reading.time,
    });
    await this.alerts.linkIncident(alert.id, incidentId);
  }
}
