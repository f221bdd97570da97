import { join } from 'node:path';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { AttachmentRepository } from './attachments/attachment.repository';
import { AttachmentStore } from './attachments/attachment.store';
import { AttachmentsController } from './attachments/attachments.controller';
import { AttachmentsService } from './attachments/attachments.service';
import { DispatchRepository } from './dispatch/dispatch.repository';
import { DispatchService } from './dispatch/dispatch.service';
import { IncidentNotifier } from './dispatch/incident-notifier';
import { DEFAULT_GRIDOPS_SETTINGS, GRIDOPS_SETTINGS, GridopsSettings } from './gridops.options';
import { DispatchTimers } from './dispatch/dispatch-timers';
import { IncidentTimersProcessor } from './dispatch/incident-timers.processor';
import { INCIDENT_TIMERS_QUEUE } from './dispatch/queues';
import { TaskPublisher } from './dispatch/task-message';
import { GridLocatorService } from './grids/grid-locator.service';
import { GridRepository } from './grids/grid.repository';
import { GridsController } from './grids/grids.controller';
import { IncidentCategoriesController } from './incidents/incident-categories.controller';
import { IncidentCategoryRepository } from './incidents/incident-category.repository';
import { IncidentCategoryService } from './incidents/incident-category.service';
import { IncidentIntakeService } from './incidents/incident-intake.service';
import { IncidentRepository } from './incidents/incident.repository';
import { IncidentService } from './incidents/incident.service';
import { IncidentTimerService } from './incidents/incident-timer.service';
import { StepClock } from './incidents/step-clock';
import { WorkingCalendarService } from './incidents/working-calendar.service';
import { WorkingCalendarController } from './incidents/working-calendar.controller';
import { IncidentsController } from './incidents/incidents.controller';
import { WorkerRepository } from './workers/worker.repository';
import { WorkersController } from './workers/workers.controller';
import { GridHierarchyService } from './grids/grid-hierarchy.service';
import { WorkersService } from './workers/workers.service';
import { WorkerLocationService } from './workers/worker-location.service';
import { DepartmentRepository } from './departments/department.repository';
import { DepartmentsController } from './departments/departments.controller';
import { IndicatorRepository } from './indicators/indicator.repository';
import { IndicatorsService } from './indicators/indicators.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { RoleIndicatorRepository } from './indicators/role-indicator.repository';
import { RoleIndicatorsService } from './indicators/role-indicators.service';
import { Open311Repository } from './open311/open311.repository';
import { Open311Service } from './open311/open311.service';
import { Open311Controller } from './open311/open311.controller';
import { ComponentRepository } from './components/component.repository';
import { ComponentsService } from './components/components.service';
import { ComponentsController } from './components/components.controller';

export interface GridopsModuleOptions {
  /** Modules that export the TaskPublisher implementation. */
  imports: ModuleMetadata['imports'];
  taskPublisher: Type<TaskPublisher>;
  /** Where photos are stored: `<GRIDHUB_DATA_DIR>/attachments` (default `./data/attachments`). */
  attachmentsDir?: string;
  /** Incident-loop settings (check-in radius, duplicate window, upload limit); defaults in gridops.options.ts. */
  incidents?: Partial<Omit<GridopsSettings, 'attachmentsDir'>>;
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
      controllers: [GridsController, WorkersController, IncidentsController, IncidentCategoriesController, AttachmentsController, DepartmentsController, IndicatorsController, Open311Controller, WorkingCalendarController, ComponentsController],
      providers: [
        Clock,
        GridRepository,
        GridLocatorService,
        GridHierarchyService,
        WorkerRepository,
        WorkersService,
        WorkerLocationService,
        DepartmentRepository,
        IndicatorRepository,
        IndicatorsService,
        RoleIndicatorRepository,
        RoleIndicatorsService,
        Open311Repository,
        ComponentRepository,
        ComponentsService,
        Open311Service,
        IncidentRepository,
        IncidentService,
        IncidentTimerService,
        WorkingCalendarService,
        StepClock,
        IncidentIntakeService,
        DispatchService,
        DispatchTimers,
        IncidentTimersProcessor,
        IncidentCategoryRepository,
        IncidentCategoryService,
        DispatchRepository,
        IncidentNotifier,
        AttachmentRepository,
        AttachmentStore,
        AttachmentsService,
        {
          provide: GRIDOPS_SETTINGS,
          useValue: {
            ...DEFAULT_GRIDOPS_SETTINGS,
            ...(options.incidents ?? {}),
            attachmentsDir: options.attachmentsDir ?? join('data', 'attachments'),
          } satisfies GridopsSettings,
        },
        { provide: TaskPublisher, useExisting: options.taskPublisher },
      ],
      exports: [queues, GridLocatorService, GridRepository, GridHierarchyService, WorkerRepository, WorkerLocationService, DepartmentRepository, IndicatorsService, IncidentIntakeService, IncidentService, IncidentCategoryService, DispatchTimers, WorkingCalendarService, ComponentRepository, ComponentsService],
    };
  }
}
