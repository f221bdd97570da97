import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { INCIDENT_TIMER_JOBS, INCIDENT_TIMERS_QUEUE } from '@gridhub/gridops';
import type { RunningHub } from '../../src/bootstrap';
import { eventually } from './clients';

/**
 * Waits until none of the incident timers `which` selects is delayed, waiting or running in BullMQ: from then on none
 * of them can fire, so a test can assert that something happened exactly once without sleeping.
 */
export async function timersSettled(hub: RunningHub, which: (job: Job) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const queue = hub.app.get<Queue>(getQueueToken(INCIDENT_TIMERS_QUEUE));
  await eventually(
    async () => {
      const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'prioritized']);
      return jobs.some(which) ? undefined : true;
    },
    timeoutMs,
    what,
  );
}

/** The timers of one incident's step (or its acceptance), whatever their percent. */
export const stepTimersOf = (incidentId: string, step: 'verify' | 'dispatch' | 'handle' | 'reinspect') => (job: Job) =>
  job.data?.incidentId === incidentId && job.data?.step === step;
export const acceptanceTimersOf = (incidentId: string) => (job: Job) =>
  job.name === INCIDENT_TIMER_JOBS.acceptanceTimeout && job.data?.incidentId === incidentId;
