import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { KIOSK_ROLE, MONITOR_ROLES } from '@gridhub/contracts';
import { CurrentUser, Roles } from '@gridhub/ingest';
import { Principal } from '../auth/account.types';
import { KioskAllowed } from '../auth/kiosk.decorator';
import { OverviewService } from './overview.service';

/**
 * The city overview screen's data (`/overview` in the map UI): for the command roles and for kiosk tokens (wall
 * screens), each confined to its grid scope. Live: the `overview.changed` event of the `/live` socket says when to
 * fetch again.
 */
@ApiTags('overview')
@ApiBearerAuth()
@Roles(...MONITOR_ROLES, KIOSK_ROLE)
@KioskAllowed()
@Controller('api/v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'counters, areas, air ranking, water stations, active warnings, 24 h trends, on-duty workers, latest incidents' })
  get(@CurrentUser() user: Principal) {
    return this.overview.overview({ gridScope: user.gridScope });
  }

  /** The map's areas (GeoJSON): the districts, or the children of the viewer's scope. */
  @Get('areas')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOkResponse({ description: 'GeoJSON FeatureCollection of the areas the overview map colours' })
  areas(@CurrentUser() user: Principal) {
    return this.overview.areas({ gridScope: user.gridScope });
  }
}
