import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { DispatchService } from './dispatch/dispatch.service';
import { DispatchTimers } from './dispatch/dispatch-timers';
import { IncidentTimersProcessor } from './dispatch/incident-timers.processor';
import { INCIDENT_TIMERS_QUEUE } from './dispatch/queues';
import { TaskPublisher } from './dispatch/task-message';
import { GridLocatorService } from './grids/grid-locator.service';
import { GridRepository } from './grids/grid.repository';
import { GridsController } from './grids/grids.controller';
import { IncidentIntakeService } from './incidents/incident-intake.service';
import { IncidentRepository } from './incidents/incident.repository';
import { IncidentService } from './incidents/incident.service';
import { IncidentsController } from './incidents/incidents.controller';
import { WorkerRepository } from './workers/worker.repository';
import { WorkersController } from './workers/workers.controller';

export interface GridopsModuleOptions {
  /** Modules that export the TaskPublisher implementation. */
  imports: ModuleMetadata['imports'];
  taskPublisher: Type<TaskPublisher>;
}

/**
 * The governance half. Needs a `pg.Pool` provider in scope and BullModule.forRoot (both from the hub).
 */
@Module({})
export class GridopsModule {
  static register(options: GridopsModuleOptions): DynamicModule {
    const queues = BullModule.registerQueue({ name: INCIDENT_TIMERS_QUEUE });
    return {
      module: GridopsModule,
      imports: [...(options.imports ?? []), queues],
      controllers: [GridsController, WorkersController, IncidentsController],
      providers: [
        Clock,
        GridRepository,
        GridLocatorService,
        WorkerRepository,
        IncidentRepository,
        IncidentService,
        IncidentIntakeService,
        DispatchService,
        DispatchTimers,
        IncidentTimersProcessor,
        { provide: TaskPublisher, useExisting: options.taskPublisher },
      ],
      exports: [queues, GridLocatorService, GridRepository, WorkerRepository, IncidentIntakeService, IncidentService],
    };
  }
}
