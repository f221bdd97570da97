import { Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import Aedes, { createBroker } from 'aedes';
import { workerTasksTopic } from '@gridhub/ingest';
import { TaskMessage, TaskPublisher } from '@gridhub/gridops';

export const AEDES = Symbol('AEDES');

/** Publishes tasks to worker tablets through the broker (QoS 1, so an offline persistent session gets it later). */
@Injectable()
export class MqttTaskPublisher extends TaskPublisher {
  constructor(@Inject(AEDES) private readonly aedes: Aedes) {
    super();
  }

  publishTask(workerId: string, task: TaskMessage): Promise<void> {
    return new Promise((resolve, reject) =>
      this.aedes.publish(
        { cmd: 'publish', topic: workerTasksTopic(workerId), payload: Buffer.from(JSON.stringify(task)), qos: 1, retain: false, dup: false },
        (error?: Error) => (error ? reject(error) : resolve()),
      ),
    );
  }
}

@Injectable()
class AedesLifecycle implements OnModuleDestroy {
  constructor(@Inject(AEDES) private readonly aedes: Aedes) {}

  onModuleDestroy(): Promise<void> {
    return new Promise((resolve) => this.aedes.close(() => resolve()));
  }
}

/** The embedded aedes broker instance and the publisher over it; BrokerModule adds listeners and ACLs. */
@Global()
@Module({
  providers: [{ provide: AEDES, useFactory: () => createBroker({ id: 'gridhub' }) }, MqttTaskPublisher, AedesLifecycle],
  exports: [AEDES, MqttTaskPublisher],
})
export class BrokerCoreModule {}
