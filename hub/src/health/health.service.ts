import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { INCIDENT_TIMERS_QUEUE } from '@gridhub/gridops';
import { BrokerLink } from '../broker/broker-link';
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
    private readonly broker: BrokerLink,
    @InjectQueue(INCIDENT_TIMERS_QUEUE) private readonly timers: Queue,
  ) {}

  async check(): Promise<Record<'database' | 'redis' | 'broker', Check>> {
    const [database, redis] = await Promise.all([
      probe(() => this.runtime.database.pool.query('select 1')),
      probe(() => this.timers.getJobCounts("delayed")),
    ]);
    const link = this.broker.health();
    const broker: Check = { status: link.up ? 'up' : 'down', detail: link.detail };
    return { database, redis, broker };
  }
}
