import { DynamicModule, Module } from '@nestjs/common';
import { OverviewController } from './overview.controller';
import { OverviewRepository } from './overview.repository';
import { OverviewService } from './overview.service';

/** `GET /api/v1/overview`: the city overview screen's data. `imports`: the hub's ingest and gridops modules. */
@Module({})
export class OverviewModule {
  static register(imports: DynamicModule[]): DynamicModule {
    return { module: OverviewModule, imports, controllers: [OverviewController], providers: [OverviewService, OverviewRepository] };
  }
}
