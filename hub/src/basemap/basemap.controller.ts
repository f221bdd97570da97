import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { KioskAllowed } from '../auth/kiosk.decorator';
import { BasemapService } from './basemap.service';

@ApiTags('basemap')
@ApiBearerAuth()
@Controller('api/v1/basemap')
export class BasemapController {
  constructor(private readonly basemap: BasemapService) {}

  /**
   * The offline vector background as one GeoJSON FeatureCollection (WGS-84): `properties.layer` is district, street,
   * community, water, park, road or bridge; roads carry `roadClass`. Any signed-in role, and the overview's kiosk
   * screens (the background of their map).
   */
  @Get()
  @KioskAllowed()
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOkResponse({ description: 'GeoJSON FeatureCollection with bbox' })
  get() {
    return this.basemap.basemap();
  }
}
