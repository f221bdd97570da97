import { Module } from '@nestjs/common';
import { BasemapController } from './basemap.controller';
import { BasemapRepository } from './basemap.repository';
import { BasemapService } from './basemap.service';

/** `GET /api/v1/basemap`: the offline vector background of the map UI. */
@Module({ controllers: [BasemapController], providers: [BasemapService, BasemapRepository] })
export class BasemapModule {}
