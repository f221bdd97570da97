import { Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import Aedes, { createBroker } from 'aedes';
import { workerTasksTopic } from '@gridhub/contracts';
import { TaskPublisher } from '@gridhub/gridops';
import { TaskMessage } from '@gridhub/contracts';
import { HubRuntime } from '../runtime';
import { BrokerLink } from './broker-link';

export const AEDES = Symbol('AEDES');

/**
 * Publishes tasks to worker tablets through whichever broker the hub uses (QoS 1, so an offline persistent
 * session gets it later). The link is looked up on first use: it lives in the application module, which
 * itself depends on grid operations, the user of this publisher.
 */
@Injectable()
export class MqttTaskPublisher extends TaskPublisher {
  private link: BrokerLink | null = null;

  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  publishTask(workerId: string, task: TaskMessage): Promise<void> {
    const link: BrokerLink = this.link ?? this.moduleRef.get<BrokerLink, BrokerLink>(BrokerLink, { strict: false });
    this.link = link;
    return link.publish(workerTasksTopic(workerId), Buffer.from(JSON.stringify(task)), 1);
  }
}

/** The embedded aedes broker as the hub's broker link. */
@Injectable()
export class AedesLink extends BrokerLink {
  constructor(
    @Inject(AEDES) private readonly aedes: Aedes,
    private readonly runtime: HubRuntime,
  ) {
    super();
  }

  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    return new Promise((resolve, reject) =>
      this.aedes.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (error?: Error) => (error ? reject(error) : resolve())),
    );
  }

  health(): { up: boolean; detail: string } {
    const listening = this.runtime.mqttServer?.listening ?? false;
    return listening && !this.aedes.closed
      ? { up: true, detail: `embedded broker: ${this.aedes.connectedClients} clients` }
      : { up: false, detail: 'MQTT listener closed' };
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
  // The broker link itself (AedesLink or ExternalBroker) is chosen by the application module.
  exports: [AEDES, MqttTaskPublisher],
})
export class BrokerCoreModule {}
