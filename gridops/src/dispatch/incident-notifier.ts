import { Injectable, Logger, Optional } from '@nestjs/common';
import { LiveChannel } from '@gridhub/ingest';
import { Incident } from '../incidents/incident.types';
import { TaskPublisher } from './task-message';
import { IncidentChange, IncidentChangeDetail, TaskMessage, TaskStep } from '@gridhub/contracts';

/** Who runs the command centre: they see every incident change of their scope live. */
export const COMMAND_ROLES = ['dispatcher', 'shift_lead', 'admin'] as const;

export interface TaskNotice {
  workerId: string;
  type: TaskMessage['type'];
  step: TaskStep | null;
  reason: string;
  withdrawn?: boolean;
}

/**
 * Tells tablets and consoles what changed: tasks on the worker's MQTT topic and over the websocket
 * (`task.*` to that worker), incident changes to the command roles of the incident's grid (`incident.*`).
 * A failed publish is logged, never undoes the change it reports (the trail has it; tablets resync).
 */
@Injectable()
export class IncidentNotifier {
  private readonly logger = new Logger(IncidentNotifier.name);

  constructor(
    private readonly tasks: TaskPublisher,
    @Optional() private readonly live?: LiveChannel,
  ) {}

  async task(incident: Incident, notice: TaskNotice): Promise<void> {
    const message: TaskMessage = {
      type: notice.type,
      incidentId: incident.id,
      code: incident.code,
      category: incident.category,
      title: incident.title,
      description: incident.description,
      priority: incident.priority,
      status: incident.status,
      step: notice.step,
      lon: incident.lon,
      lat: incident.lat,
      gridCode: incident.gridCode,
      dispatchedAt: incident.dispatchedAt?.toISOString() ?? null,
      dueAt: (notice.step === 'verify' ? incident.verifyDueAt : notice.step === 'reinspect' ? incident.reinspectDueAt : incident.dueAt)?.toISOString() ?? null,
      reason: notice.reason,
      ...(notice.withdrawn ? { withdrawn: true } : {}),
    };
    this.live?.publish(notice.type, message, { workerIds: [notice.workerId] });
    try {
      await this.tasks.publishTask(notice.workerId, message);
    } catch (error) {
      this.logger.warn(`task ${incident.code} to worker ${notice.workerId} not published: ${(error as Error).message}`);
    }
  }

  incident(event: 'incident.created' | 'incident.updated', incident: Incident, extra: IncidentChangeDetail = {}): void {
    const change: IncidentChange = {
        id: incident.id,
        code: incident.code,
        category: incident.category,
        title: incident.title,
        priority: incident.priority,
        status: incident.status,
        lon: incident.lon,
        lat: incident.lat,
        gridCode: incident.gridCode,
        assigneeWorkerId: incident.assigneeWorkerId,
        dueAt: incident.dueAt?.toISOString() ?? null,
        overdue: incident.overdue,
        ...extra,
      };
    this.live?.publish(event, change, { roles: COMMAND_ROLES, gridCode: incident.gridCode });
  }
}
