import { DynamicModule, Module } from '@nestjs/common';
import { CatalogueController } from './catalogue.controller';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';

/** `GET /api/v1/catalogue`: the shared video and sensing resource catalogue. `imports`: the hub's ingest and gridops modules. */
@Module({})
export class CatalogueModule {
  static register(imports: DynamicModule[]): DynamicModule {
    return { module: CatalogueModule, imports, controllers: [CatalogueController], providers: [CatalogueService, CatalogueRepository] };
  }
}
