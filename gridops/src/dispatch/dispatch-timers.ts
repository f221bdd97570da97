import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { Clock } from '@gridhub/ingest';
import { INCIDENT_TIMER_JOBS, INCIDENT_TIMERS_QUEUE, IncidentTimerData, StepDeadlineData } from './queues';
import { TimerSpec } from './timer-plan';

type TimerJob = { name: string; data: unknown; opts: JobsOptions };

const OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 10000 },
  removeOnFail: { count: 10000 },
};

/**
 * Incident timers as delayed BullMQ jobs in Redis: they survive a hub restart, and their deterministic job ids
 * (incident, step, step number, percent) make adding one twice a no-op, so each fires once.
 */
@Injectable()
export class DispatchTimers {
  private readonly logger = new Logger(DispatchTimers.name);
  /** Timers asked for in this turn of the event loop, added together at its end. */
  private readonly batch: { jobs: TimerJob[]; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(
    @InjectQueue(INCIDENT_TIMERS_QUEUE) private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds the timers. Calls made in the same turn of the event loop (several incidents at once under load) are
   * added together, in one `addBulk` — one round trip to Redis, and one wake-up of the timer worker — and each
   * call resolves once its timers are in Redis.
   */
  schedule(timers: readonly TimerSpec[]): Promise<void> {
    if (timers.length === 0) return Promise.resolve();
    const now = this.clock.now().getTime();
    const jobs = timers.map((t) => {
      const delay = Math.max(0, t.at.getTime() - now);
      if (t.kind === 'step') {
        const data: StepDeadlineData = { incidentId: t.incidentId, step: t.step, seq: t.seq, percent: t.percent, dueAt: t.dueAt.toISOString() };
        return { name: INCIDENT_TIMER_JOBS.stepDeadline, data, opts: { ...OPTIONS, jobId: t.id, delay } };
      }
      const data: IncidentTimerData['acceptance-timeout'] = { incidentId: t.incidentId, seq: t.seq, workerId: t.workerId };
      return { name: INCIDENT_TIMER_JOBS.acceptanceTimeout, data, opts: { ...OPTIONS, jobId: t.id, delay } };
    });
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ jobs, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.batch.splice(0);
    this.queue.addBulk(batch.flatMap((b) => b.jobs)).then(
      () => batch.forEach((b) => b.resolve()),
      (error: Error) => batch.forEach((b) => b.reject(error)),
    );
  }

  /** Removes pending timers (a finished or cancelled step); one that is running right now finds its step gone. */
  async cancel(timers: readonly TimerSpec[]): Promise<number> {
    let removed = 0;
    for (const t of timers) {
      try {
        removed += await this.queue.remove(t.id);
      } catch (error) {
        this.logger.debug(`timer ${t.id} not removed: ${(error as Error).message}`);
      }
    }
    return removed;
  }

  /** Whether a timer is waiting in Redis (delayed or due). */
  async pending(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const state = await job.getState();
    return state === 'delayed' || state === 'waiting' || state === 'prioritized';
  }

}
