import { join } from 'node:path';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { AttachmentRepository } from './attachments/attachment.repository';
import { AttachmentStore } from './attachments/attachment.store';
import { AttachmentController } from './attachments/attachment.controller';
import { AttachmentService } from './attachments/attachment.service';
import { DispatchRepository } from './dispatch/dispatch.repository';
import { DispatchService } from './dispatch/dispatch.service';
import { IncidentNotifier } from './dispatch/incident-notifier';
import { DEFAULT_GRIDOPS_SETTINGS, GRIDOPS_SETTINGS, GridopsSettings } from './gridops.options';
import { DispatchTimers } from './dispatch/dispatch-timers';
import { IncidentTimerProcessor } from './dispatch/incident-timer.processor';
import { INCIDENT_TIMERS_QUEUE } from './dispatch/queues';
import { TaskPublisher } from './dispatch/task-message';
import { GridLocatorService } from './grids/grid-locator.service';
import { GridRepository } from './grids/grid.repository';
import { GridController } from './grids/grid.controller';
import { IncidentCategoryController } from './incidents/incident-category.controller';
import { IncidentCategoryRepository } from './incidents/incident-category.repository';
import { IncidentCategoryService } from './incidents/incident-category.service';
import { IncidentIntakeService } from './incidents/incident-intake.service';
import { IncidentRepository } from './incidents/incident.repository';
import { IncidentService } from './incidents/incident.service';
import { IncidentTimerService } from './incidents/incident-timer.service';
import { StepClock } from './incidents/step-clock';
import { WorkingCalendarService } from './incidents/working-calendar.service';
import { WorkingCalendarController } from './incidents/working-calendar.controller';
import { IncidentController } from './incidents/incident.controller';
import { WorkerRepository } from './workers/worker.repository';
import { WorkerController } from './workers/worker.controller';
import { GridHierarchyService } from './grids/grid-hierarchy.service';
import { WorkerService } from './workers/worker.service';
import { WorkerLocationService } from './workers/worker-location.service';
import { DepartmentRepository } from './departments/department.repository';
import { DepartmentController } from './departments/department.controller';
import { IndicatorRepository } from './indicators/indicator.repository';
import { IndicatorService } from './indicators/indicator.service';
import { IndicatorController } from './indicators/indicator.controller';
import { RoleIndicatorRepository } from './indicators/role-indicator.repository';
import { RoleIndicatorService } from './indicators/role-indicator.service';
import { Open311Repository } from './open311/open311.repository';
import { Open311Service } from './open311/open311.service';
import { Open311Controller } from './open311/open311.controller';
import { ComponentRepository } from './components/component.repository';
import { ComponentService } from './components/component.service';
import { ComponentController } from './components/component.controller';

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
      controllers: [GridController, WorkerController, IncidentController, IncidentCategoryController, AttachmentController, DepartmentController, IndicatorController, Open311Controller, WorkingCalendarController, ComponentController],
      providers: [
        Clock,
        GridRepository,
        GridLocatorService,
        GridHierarchyService,
        WorkerRepository,
        WorkerService,
        WorkerLocationService,
        DepartmentRepository,
        IndicatorRepository,
        IndicatorService,
        RoleIndicatorRepository,
        RoleIndicatorService,
        Open311Repository,
        ComponentRepository,
        ComponentService,
        Open311Service,
        IncidentRepository,
        IncidentService,
        IncidentTimerService,
        WorkingCalendarService,
        StepClock,
        IncidentIntakeService,
        DispatchService,
        DispatchTimers,
        IncidentTimerProcessor,
        IncidentCategoryRepository,
        IncidentCategoryService,
        DispatchRepository,
        IncidentNotifier,
        AttachmentRepository,
        AttachmentStore,
        AttachmentService,
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
      exports: [queues, GridLocatorService, GridRepository, GridHierarchyService, WorkerRepository, WorkerLocationService, DepartmentRepository, IndicatorService, IncidentIntakeService, IncidentService, IncidentCategoryService, DispatchTimers, WorkingCalendarService, ComponentRepository, ComponentService],
    };
  }
}
