import { Injectable, Logger } from '@nestjs/common';
import { AirQualityService } from '../air/air-quality.service';
import { Clock } from '../common/clock';
import { LivenessRepository } from '../devices/liveness.repository';
import { RetentionRepository } from '../readings/retention.repository';
import { RollupRepository } from '../readings/rollup.repository';
import { EventRuleService } from '../rules/event-rule.service';
import { RuleEvaluationService } from '../rules/rule-evaluation.service';
import { MaintenanceOptions } from './maintenance.options';

const ROLLUP_PAIRS_PER_TRANSACTION = 5000;
/** One run catches up at most this many transactions; the next run continues. */
const ROLLUP_TRANSACTIONS_PER_RUN = 20;
const DAY_MS = 24 * 3600_000;

@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    private readonly liveness: LivenessRepository,
    private readonly rollups: RollupRepository,
    private readonly retention: RetentionRepository,
    private readonly options: MaintenanceOptions,
    private readonly clock: Clock,
    private readonly airQuality: AirQualityService,
    private readonly rules: RuleEvaluationService,
    private readonly eventRules: EventRuleService,
  ) {}

  /** Marks silent devices offline and raises one device-offline alert each. */
  async sweepLiveness(): Promise<{ alerted: string[] }> {
    const alerted = await this.liveness.sweep(this.clock.now());
    if (alerted.length > 0) this.logger.warn(`device-offline alert raised for ${alerted.join(', ')}`);
    return { alerted };
  }

  /** Brings the hourly and daily roll-ups up to date with every reading stored so far, then the AQI built on them. */
  async rollup(): Promise<{ pairs: number; aqiHours: number }> {
    let pairs = 0;
    for (let i = 0; i < ROLLUP_TRANSACTIONS_PER_RUN; i++) {
      const taken = await this.rollups.runOnce(ROLLUP_PAIRS_PER_TRANSACTION);
      pairs += taken;
      if (taken < ROLLUP_PAIRS_PER_TRANSACTION) break;
    }
    const { hours: aqiHours } = await this.airQuality.refresh();
    return { pairs, aqiHours };
  }

  /**
   * Checks "no data for N minutes" rules and clears video alerts whose situation is no longer seen. Both run
   * whatever the other does; a failure is logged and fails the job.
   */
  async sweepSilence(): Promise<{ at: string }> {
    const now = this.clock.now();
    const [silence, stale] = await Promise.allSettled([this.rules.sweepSilence(now), this.eventRules.expireStale(now)]);
    const failed: Error[] = [];
    for (const [what, r] of [['no-data sweep', silence], ['expiring stale video alerts', stale]] as const) {
      if (r.status === 'rejected') {
        this.logger.error(`${what} failed: ${(r.reason as Error).message}`);
        failed.push(r.reason as Error);
      }
    }
    if (failed.length > 0) throw failed[0]!;
    return { at: now.toISOString() };
  }

  /** Drops raw data past the retention period. */
  async applyRetention(): Promise<{ cutoff: string }> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.retentionDays * DAY_MS);
    await this.retention.removeOlderThan(cutoff, this.options.timescale);
    return { cutoff: cutoff.toISOString() };
  }
}
