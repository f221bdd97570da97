import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { IncidentTimerService } from '../incidents/incident-timer.service';
import { INCIDENT_TIMER_JOBS, INCIDENT_TIMERS_QUEUE, IncidentTimerData, IncidentTimerJob } from './queues';

type Handlers = { [K in IncidentTimerJob]: (data: IncidentTimerData[K]) => Promise<boolean> };

@Processor(INCIDENT_TIMERS_QUEUE)
export class IncidentTimerProcessor extends WorkerHost {
  private readonly logger = new Logger(IncidentTimerProcessor.name);
  /** Exactly one handler per declared job name (checked by the compiler through the mapped type). */
  private readonly handlers: Handlers = {
    [INCIDENT_TIMER_JOBS.stepDeadline]: (data) => this.incidents.onStepDeadline(data),
    [INCIDENT_TIMER_JOBS.acceptanceTimeout]: (data) => this.incidents.onAcceptanceTimeout(data),
  };

  constructor(private readonly incidents: IncidentTimerService) {
    super();
  }

  async process(job: Job): Promise<{ changed: boolean }> {
    const handler = this.handlers[job.name as IncidentTimerJob] as ((data: unknown) => Promise<boolean>) | undefined;
    if (!handler) throw new Error(`no handler for job ${job.name} on ${INCIDENT_TIMERS_QUEUE}`);
    const changed = await handler(job.data);
    if (changed) this.logger.log(`${job.name} ${job.id}: applied`);
    return { changed };
  }
}
