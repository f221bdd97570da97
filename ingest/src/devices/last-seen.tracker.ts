import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { LivenessRepository } from './liveness.repository';

/** How often the last-seen times gathered in memory are written (liveness thresholds are minutes). */
const FLUSH_EVERY_MS = 2000;

/**
 * Last-seen times of devices, gathered in memory and written every two seconds in one statement, instead of
 * one row update per message inside the hot ingest transaction (where concurrent batches would also contend
 * for the same device rows).
 */
@Injectable()
export class LastSeenTracker implements OnModuleDestroy {
  private readonly logger = new Logger(LastSeenTracker.name);
  private seen = new Map<string, Date>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly liveness: LivenessRepository) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  record(deviceId: string, at: Date): void {
    const previous = this.seen.get(deviceId);
    if (!previous || previous < at) this.seen.set(deviceId, at);
  }

  /** Writes what was gathered; a failed write keeps it for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.seen.size === 0) return;
      const batch = this.seen;
      this.seen = new Map();
      try {
        const back = await this.liveness.recordSeen([...batch.keys()], [...batch.values()]);
        if (back.length > 0) this.logger.log(`online again: ${back.join(', ')}`);
      } catch (error) {
        for (const [id, at] of batch) this.record(id, at);
        this.logger.warn(`last-seen times not written yet: ${(error as Error).message}`);
      }
    });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
