import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { MaintenanceOptions } from './maintenance.options';
import { MaintenanceService } from './maintenance.service';
import { INGEST_MAINTENANCE_QUEUE, MAINTENANCE_JOBS, MaintenanceJob } from './queues';

@Processor(INGEST_MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost {
  /** Exactly one handler per declared job name (checked by the compiler through `satisfies`). */
  private readonly handlers = {
    [MAINTENANCE_JOBS.livenessSweep]: () => this.maintenance.sweepLiveness(),
    [MAINTENANCE_JOBS.rollup]: () => this.maintenance.rollup(),
    [MAINTENANCE_JOBS.retention]: () => this.maintenance.applyRetention(),
    [MAINTENANCE_JOBS.silenceSweep]: () => this.maintenance.sweepSilence(),
  } satisfies Record<MaintenanceJob, () => Promise<unknown>>;

  constructor(private readonly maintenance: MaintenanceService) {
    super();
  }

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as MaintenanceJob];
    if (!handler) throw new Error(`no handler for job ${job.name} on ${INGEST_MAINTENANCE_QUEUE}`);
    return handler();
  }
}

/** Registers the repeatable maintenance jobs; BullMQ keeps one schedule per id however many hubs run. */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(INGEST_MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly options: MaintenanceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every: Record<MaintenanceJob, number> = {
      [MAINTENANCE_JOBS.livenessSweep]: this.options.livenessEveryMs,
      [MAINTENANCE_JOBS.rollup]: this.options.rollupEveryMs,
      [MAINTENANCE_JOBS.retention]: this.options.retentionEveryMs,
      [MAINTENANCE_JOBS.silenceSweep]: this.options.silenceEveryMs,
    };
    for (const [name, ms] of Object.entries(every)) {
      await this.queue.upsertJobScheduler(name, { every: ms }, { name, opts: { removeOnComplete: 100, removeOnFail: 1000 } });
    }
  }
}
