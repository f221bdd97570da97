import { Injectable, Logger } from '@nestjs/common';
import { AirQualityService } from '../air/air-quality.service';
import { Clock } from '../common/clock';
import { LivenessRepository } from '../devices/liveness.repository';
import { RetentionRepository } from '../readings/retention.repository';
import { RollupRepository } from '../readings/rollup.repository';
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
      const taken = await this.rollups.runOnce(ROLLUP_PAIRS_PER_TRANSACTION, this.options.timescale);
      pairs += taken;
      if (taken < ROLLUP_PAIRS_PER_TRANSACTION) break;
    }
    const { hours: aqiHours } = await this.airQuality.refresh();
    return { pairs, aqiHours };
  }

  /** Drops raw data past the retention period. */
  async applyRetention(): Promise<{ cutoff: string }> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.retentionDays * DAY_MS);
    await this.retention.removeOlderThan(cutoff, this.options.timescale);
    return { cutoff: cutoff.toISOString() };
  }
}
