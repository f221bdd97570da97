import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import Aedes from 'aedes';
import { Queue } from 'bullmq';
import { INCIDENT_TIMERS_QUEUE } from '@gridhub/gridops';
import { AEDES } from '../broker/broker-core.module';
import { HubRuntime } from '../runtime';

export interface Check {
  status: 'up' | 'down';
  detail?: string;
}

const TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
  ]);
}

async function probe(work: () => Promise<unknown>): Promise<Check> {
  try {
    await withTimeout(work());
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', detail: (error as Error).message };
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly runtime: HubRuntime,
    @Inject(AEDES) private readonly aedes: Aedes,
    @InjectQueue(INCIDENT_TIMERS_QUEUE) private readonly timers: Queue,
  ) {}

  async check(): Promise<Record<'database' | 'redis' | 'broker', Check>> {
    const [database, redis] = await Promise.all([
      probe(() => this.runtime.database.pool.query('select 1')),
      probe(() => this.timers.getJobCounts("delayed")),
    ]);
    const broker: Check =
      this.runtime.mqttServer.listening && !this.aedes.closed
        ? { status: 'up', detail: `${this.aedes.connectedClients} clients` }
        : { status: 'down', detail: 'MQTT listener closed' };
    return { database, redis, broker };
  }
}
