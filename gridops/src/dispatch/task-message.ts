import { Priority } from '../incidents/incident-status';

/** Sent to `gridhub/v1/workers/{workerId}/tasks` when an incident is dispatched to that worker's tablet. */
export interface TaskMessage {
  type: 'task.assigned';
  incidentId: string;
  code: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  lon: number;
  lat: number;
  gridCode: string | null;
  dispatchedAt: string;
  dueAt: string;
}

/** Port to the MQTT broker; the hub implements it over the embedded broker (or an external one). */
export abstract class TaskPublisher {
  abstract publishTask(workerId: string, task: TaskMessage): Promise<void>;
}
