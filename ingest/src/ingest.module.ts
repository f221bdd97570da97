import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { AlertSink } from './alerts/alert-sink';
import { AlertsRepository } from './alerts/alerts.repository';
import { Clock } from './common/clock';
import { SecretHasher } from './common/secret-hasher';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeviceRepository } from './devices/device.repository';
import { DeviceService } from './devices/device.service';
import { DevicesController } from './devices/devices.controller';
import { GridResolver } from './devices/grid-resolver';
import { DEFAULT_WRITER_OPTIONS, IngestWriter, IngestWriterOptions } from './readings/ingest-writer';
import { IngestService } from './readings/ingest.service';
import { ReadingsController } from './readings/readings.controller';
import { ReadingsRepository } from './readings/readings.repository';
import { RulesRepository } from './rules/rules.repository';
import { RulesService } from './rules/rules.service';

export interface IngestModuleOptions {
  /** Modules that export the two ports below. */
  imports: ModuleMetadata['imports'];
  alertSink: Type<AlertSink>;
  gridResolver: Type<GridResolver>;
  writer?: Partial<IngestWriterOptions>;
}

/**
 * The sensing half. Needs a `pg.Pool` provider in scope (the hub's global database module) and the two
 * ports implemented by grid operations.
 */
@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions): DynamicModule {
    const writerOptions = { ...DEFAULT_WRITER_OPTIONS, ...options.writer };
    return {
      module: IngestModule,
      imports: options.imports ?? [],
      controllers: [DevicesController, ReadingsController, DeadLettersController],
      providers: [
        Clock,
        SecretHasher,
        DeviceRepository,
        DeviceService,
        ReadingsRepository,
        DeadLetterRepository,
        RulesRepository,
        RulesService,
        AlertsRepository,
        IngestService,
        { provide: IngestWriter, useFactory: (r: ReadingsRepository) => new IngestWriter(r, writerOptions), inject: [ReadingsRepository] },
        { provide: AlertSink, useExisting: options.alertSink },
        { provide: GridResolver, useExisting: options.gridResolver },
      ],
      exports: [DeviceService, IngestService, RulesRepository, RulesService, SecretHasher, Clock],
    };
  }
}
