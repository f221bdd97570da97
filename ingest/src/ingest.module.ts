import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { AirQualityService } from './air/air-quality.service';
import { AirController } from './air/air.controller';
import { AqiRepository } from './air/aqi.repository';
import { WaterController } from './water/water.controller';
import { WaterRepository } from './water/water.repository';
import { WaterService } from './water/water.service';
import { AlertSink } from './alerts/alert-sink';
import { AlertRepository } from './alerts/alert.repository';
import { AlertController } from './alerts/alert.controller';
import { AlertService } from './alerts/alert.service';
import { EventRuleController } from './rules/event-rule.controller';
import { EventRuleRepository } from './rules/event-rule.repository';
import { EventRuleService } from './rules/event-rule.service';
import { RuleController } from './rules/rule.controller';
import { Clock } from './common/clock';
import { SecretHasher } from './common/secret-hasher';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { DeadLetterController } from './dead-letters/dead-letter.controller';
import { DeviceEvents } from './devices/device-events';
import { DeviceRepository } from './devices/device.repository';
import { DeviceService } from './devices/device.service';
import { DeviceController } from './devices/device.controller';
import { GridResolver } from './devices/grid-resolver';
import { LastSeenTracker } from './devices/last-seen.tracker';
import { LivenessRepository } from './devices/liveness.repository';
import { MaintenanceOptions } from './maintenance/maintenance.options';
import { WarningOptions } from './cap/warning-options';
import { MaintenanceProcessor, MaintenanceScheduler } from './maintenance/maintenance.processor';
import { MaintenanceService } from './maintenance/maintenance.service';
import { INGEST_MAINTENANCE_QUEUE } from './maintenance/queues';
import { IngestWriter, IngestWriterOptions } from './readings/ingest-writer';
import { IngestService } from './readings/ingest.service';
import { LatestRepository } from './readings/latest.repository';
import { ReadingController } from './readings/reading.controller';
import { ReadingRepository } from './readings/reading.repository';
import { RetentionRepository } from './readings/retention.repository';
import { RollupRepository } from './readings/rollup.repository';
import { TimeseriesRepository } from './readings/timeseries.repository';
import { TimeseriesService } from './readings/timeseries.service';
import { RuleRepository } from './rules/rule.repository';
import { RuleEvaluationService } from './rules/rule-evaluation.service';
import { RuleService } from './rules/rule.service';
import { DeviceOptions } from './devices/device.options';

export interface IngestModuleOptions {
  /** Modules that export the two ports below. */
  imports: ModuleMetadata['imports'];
  alertSink: Type<AlertSink>;
  gridResolver: Type<GridResolver>;
  writer?: Partial<IngestWriterOptions>;
  maintenance?: Partial<MaintenanceOptions>;
  warnings?: Partial<WarningOptions>;
  devices?: Partial<DeviceOptions>;
}

/**
 * The sensing half. Needs a `pg.Pool` provider and BullModule.forRoot in scope (the hub's), and the two ports
 * implemented by grid operations.
 */
@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions): DynamicModule {
    const maintenance = Object.assign(new MaintenanceOptions(), options.maintenance);
    return {
      module: IngestModule,
      imports: [...(options.imports ?? []), BullModule.registerQueue({ name: INGEST_MAINTENANCE_QUEUE })],
      controllers: [DeviceController, ReadingController, DeadLetterController, AirController, WaterController, RuleController, EventRuleController, AlertController],
      providers: [
        Clock,
        SecretHasher,
        DeviceEvents,
        DeviceRepository,
        DeviceService,
        LivenessRepository,
        LastSeenTracker,
        ReadingRepository,
        LatestRepository,
        TimeseriesRepository,
        TimeseriesService,
        RollupRepository,
        RetentionRepository,
        DeadLetterRepository,
        RuleRepository,
        RuleService,
        RuleEvaluationService,
        AlertRepository,
        AlertService,
        EventRuleRepository,
        EventRuleService,
        IngestService,
        MaintenanceService,
        AqiRepository,
        AirQualityService,
        WaterRepository,
        WaterService,
        MaintenanceProcessor,
        MaintenanceScheduler,
        { provide: MaintenanceOptions, useValue: maintenance },
        { provide: WarningOptions, useValue: Object.assign(new WarningOptions(), options.warnings) },
        { provide: DeviceOptions, useValue: Object.assign(new DeviceOptions(), options.devices) },
        { provide: IngestWriter, useFactory: (r: ReadingRepository) => new IngestWriter(r, options.writer), inject: [ReadingRepository] },
        { provide: AlertSink, useExisting: options.alertSink },
        { provide: GridResolver, useExisting: options.gridResolver },
      ],
      exports: [AlertService, AlertRepository, EventRuleService, DeviceService, DeviceEvents, IngestService, IngestWriter, LastSeenTracker, LivenessRepository, MaintenanceService, RuleRepository, RuleService, RuleEvaluationService, SecretHasher, Clock],
    };
  }
}
