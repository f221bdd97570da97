import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { ancestorCodes } from '../grids/grid.types';
import { categoryOf } from '../incidents/incident-categories';
import { IncidentRepository } from '../incidents/incident.repository';
import { Incident } from '../incidents/incident.types';
import { WorkerRepository } from '../workers/worker.repository';
import { WorkerLoad } from '../workers/worker.types';
import { chooseWorker } from './dispatch-policy';
import { DispatchTimers } from './dispatch-timers';
import { TaskPublisher } from './task-message';

const DEFAULT_HANDLING_HOURS = 24;

@Injectable()
export class DispatchService {
  private readonly logger = new Logger(DispatchService.name);

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly workers: WorkerRepository,
    private readonly publisher: TaskPublisher,
    private readonly timers: DispatchTimers,
    private readonly clock: Clock,
  ) {}

  /**
   * Dispatches a filed incident to an on-duty worker of its unit grid — or, when none is on duty there, of
   * the community, street, then district around it (属地兜底) — sends the task to the worker's tablet and
   * starts the handling clock. Returns the incident as it now stands.
   */
  async dispatch(incident: Incident): Promise<Incident> {
    if (incident.status !== 'filed' || !incident.gridCode) return incident;
    const worker = await this.findWorker(incident.gridCode);
    if (!worker) {
      this.logger.warn(`incident ${incident.code}: no on-duty worker in or around grid ${incident.gridCode}`);
      return incident;
    }
    const now = this.clock.now();
    const hours = categoryOf(incident.category)?.handlingHours[incident.priority] ?? DEFAULT_HANDLING_HOURS;
    const dueAt = new Date(now.getTime() + hours * 3600_000);
    const assigned = await this.incidents.assign(incident.id, 'filed', worker.id, now, dueAt, {
      action: 'dispatch',
      fromStatus: 'filed',
      toStatus: 'dispatched',
      actor: 'system:dispatch',
      at: now,
      detail: { workerId: worker.id, workerName: worker.name, openTasks: worker.openTasks, dueAt: dueAt.toISOString() },
    });
    if (!assigned) return (await this.incidents.find(incident.id)) ?? incident;
    await this.timers.scheduleHandlingDeadline(incident.id, dueAt.getTime() - now.getTime());
    await this.publisher.publishTask(worker.id, {
      type: 'task.assigned',
      incidentId: incident.id,
      code: incident.code,
      category: incident.category,
      title: incident.title,
      description: incident.description,
      priority: incident.priority,
      lon: incident.lon,
      lat: incident.lat,
      gridCode: incident.gridCode,
      dispatchedAt: now.toISOString(),
      dueAt: dueAt.toISOString(),
    });
    this.logger.log(`incident ${incident.code} dispatched to ${worker.name} (${worker.id})`);
    return (await this.incidents.find(incident.id)) ?? incident;
  }

  private async findWorker(gridCode: string): Promise<WorkerLoad | null> {
    for (const prefix of [gridCode, ...ancestorCodes(gridCode)]) {
      const worker = chooseWorker(await this.workers.onDutyUnder(prefix));
      if (worker) return worker;
    }
    return null;
  }
}
