import type { TaskMessage } from '@gridhub/contracts';

/** Port to the MQTT broker; the hub implements it over the embedded broker (or an external one). */
export abstract class TaskPublisher {
  abstract publishTask(workerId: string, task: TaskMessage): Promise<void>;
}
