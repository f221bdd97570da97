import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { IncidentService } from '../incidents/incident.service';
import { HandlingDeadlineData, INCIDENT_TIMER_JOBS, INCIDENT_TIMERS_QUEUE, IncidentTimerJob } from './queues';

@Processor(INCIDENT_TIMERS_QUEUE)
export class IncidentTimersProcessor extends WorkerHost {
  private readonly logger = new Logger(IncidentTimersProcessor.name);
  /** Exactly one handler per declared job name (checked by the compiler through `satisfies`). */
  private readonly handlers = {
    [INCIDENT_TIMER_JOBS.handlingDeadline]: (data: HandlingDeadlineData) => this.incidents.markOverdue(data.incidentId),
  } satisfies Record<IncidentTimerJob, (data: HandlingDeadlineData) => Promise<boolean>>;

  constructor(private readonly incidents: IncidentService) {
    super();
  }

  async process(job: Job<HandlingDeadlineData>): Promise<{ changed: boolean }> {
    const handler = this.handlers[job.name as IncidentTimerJob];
    if (!handler) throw new Error(`no handler for job ${job.name} on ${INCIDENT_TIMERS_QUEUE}`);
    const changed = await handler(job.data);
    if (changed) this.logger.warn(`incident ${job.data.incidentId} is overdue`);
    return { changed };
  }
}
