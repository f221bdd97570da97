import { IncidentStatus, Priority } from '@gridhub/contracts';

/** What the worker is asked to do on site. */
export type TaskStep = 'verify' | 'handle' | 'reinspect';

/**
 * Sent to `gridhub/v1/workers/{workerId}/tasks` (QoS 1) and over the websocket (`task.assigned` /
 * `task.updated`): a new task for the worker's tablet, or a change to one it holds (accepted elsewhere,
 * withdrawn, extended, closed, a supervision warning).
 */
export interface TaskMessage {
  type: 'task.assigned' | 'task.updated';
  incidentId: string;
  code: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  status: IncidentStatus;
  step: TaskStep | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  dispatchedAt: string | null;
  dueAt: string | null;
  /** Why the update was sent: the action or timer behind it (e.g. `reassign`, `supervise`, `close`). */
  reason?: string;
  /** The task is no longer this worker's. */
  withdrawn?: boolean;
}

/** Port to the MQTT broker; the hub implements it over the embedded broker (or an external one). */
export abstract class TaskPublisher {
  abstract publishTask(workerId: string, task: TaskMessage): Promise<void>;
}
