import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { HandlingDeadlineData, INCIDENT_TIMER_JOBS, INCIDENT_TIMERS_QUEUE } from './queues';

/** Incident timers as delayed BullMQ jobs in Redis: they survive a hub restart and fire once. */
@Injectable()
export class DispatchTimers {
  constructor(@InjectQueue(INCIDENT_TIMERS_QUEUE) private readonly queue: Queue<HandlingDeadlineData>) {}

  /** Drops an incident's pending deadline (closed or re-dispatched); true if there was one. */
  async cancelHandlingDeadline(incidentId: string): Promise<boolean> {
    return (await this.queue.remove(`deadline-${incidentId}`)) === 1;
  }

  async scheduleHandlingDeadline(incidentId: string, delayMs: number): Promise<void> {
    await this.queue.add(
      INCIDENT_TIMER_JOBS.handlingDeadline,
      { incidentId },
      {
        // One timer per incident: a retried dispatch does not schedule a second one.
        jobId: `deadline-${incidentId}`,
        delay: Math.max(0, delayMs),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { count: 10000 },
        removeOnFail: { count: 10000 },
      },
    );
  }
}
