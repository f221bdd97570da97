import { BadRequestException, Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MONITOR_ROLES } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { AirNotFoundError, AirQualityService, AirQueryError } from './air-quality.service';
import { AqiQuery, AqiRankingQuery } from './air.dto';


@ApiTags('air')
@ApiBearerAuth()
@Controller('api/v1/air')
export class AirController {
  constructor(private readonly air: AirQualityService) {}

  /** Hourly or daily AQI (HJ 633-2012) of a station, or of a grid area from its stations' mean concentrations. */
  @Get('aqi')
  @Roles(...MONITOR_ROLES)
  aqi(@Query() query: AqiQuery) {
    return this.answer(() =>
      this.air.series({
        kind: query.kind ?? 'hourly',
        ...(query.deviceId ? { deviceId: query.deviceId } : {}),
        ...(query.gridCode ? { gridCode: query.gridCode } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.per ? { per: query.per } : {}),
      }),
    );
  }

  /** Stations or areas (district, street, community, grid) ranked by AQI for one hour or day, best first. */
  @Get('ranking')
  @Roles(...MONITOR_ROLES)
  ranking(@Query() query: AqiRankingQuery) {
    return this.answer(() =>
      this.air.ranking({ kind: query.kind ?? 'hourly', level: query.level ?? 'station', ...(query.at ? { at: query.at } : {}) }),
    );
  }

  private async answer<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AirQueryError) throw new BadRequestException(error.message);
      if (error instanceof AirNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
