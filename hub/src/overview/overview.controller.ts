import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { KIOSK_ROLE, MONITOR_ROLES } from '@gridhub/contracts';
import { ApiOk, CurrentUser, Roles, z } from '@gridhub/ingest';
import { Principal } from '../auth/account.types';
import { KioskAllowed } from '../auth/kiosk.decorator';
import { OverviewService } from './overview.service';
import { OverviewResponse, overviewSchema } from './overview.schema';

/**
 * The city overview screen's data (`/overview` in the map UI): for the command roles and for kiosk tokens (wall
 * screens), each confined to its grid scope. Live: the `overview.changed` event of the `/live` socket says when to
 * fetch again.
 */
/** The map's areas: each a GeoJSON Feature with its code, name and level. */
export const overviewAreasSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      properties: z.object({ code: z.string(), name: z.string(), level: z.string() }),
      geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }).nullable(),
    }),
  ),
});

@ApiTags('overview')
@ApiBearerAuth()
@Roles(...MONITOR_ROLES, KIOSK_ROLE)
@KioskAllowed()
@Controller('api/v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOk(overviewSchema, 'counters, areas, air ranking, water stations, active warnings, 24 h trends, on-duty workers, latest incidents')
  get(@CurrentUser() user: Principal): Promise<OverviewResponse> {
    return this.overview.overview({ gridScope: user.gridScope });
  }

  /** The map's areas (GeoJSON): the districts, or the children of the viewer's scope. */
  @Get('areas')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOk(overviewAreasSchema)
  areas(@CurrentUser() user: Principal) {
    return this.overview.areas({ gridScope: user.gridScope });
  }
}
