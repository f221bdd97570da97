import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { KioskAllowed } from '../auth/kiosk.decorator';
import { ApiOk, Same, z } from '@gridhub/ingest';
import { BasemapService } from './basemap.service';
import type { BasemapProperties } from './demo-city-basemap';

const position = z.array(z.number());
/** A GeoJSON geometry of the background: points, lines or polygons (WGS-84). */
const geometry = z.union([
  z.object({ type: z.enum(['Point']), coordinates: position }),
  z.object({ type: z.enum(['LineString', 'MultiPoint']), coordinates: z.array(position) }),
  z.object({ type: z.enum(['Polygon', 'MultiLineString']), coordinates: z.array(z.array(position)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
]);
const basemapProperties = z.object({
  layer: z.enum(['land', 'district', 'street', 'community', 'water', 'park', 'road', 'bridge']),
  name: z.string(),
  nameEn: z.string(),
  code: z.string().optional(),
  roadClass: z.enum(['expressway', 'arterial', 'secondary']).optional(),
});

/** The offline vector background as one GeoJSON FeatureCollection with its bbox. */
export const basemapSchema = z.object({
  type: z.literal('FeatureCollection'),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  features: z.array(z.object({ type: z.literal('Feature'), id: z.union([z.string(), z.number()]).optional(), geometry, properties: basemapProperties })),
});
const _properties: Same<z.infer<typeof basemapProperties>, BasemapProperties> = true;
void _properties;

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
  @ApiOk(basemapSchema)
  get() {
    return this.basemap.basemap();
  }
}
