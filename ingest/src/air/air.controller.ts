import { ApiOk, z } from '../common/api-schema';
import { aqiRankingSchema, aqiSeriesSchema, complianceSchema, recomputationSchema } from './air.schema';
import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MONITOR_ROLES } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { AirNotFoundError, AirQualityService, AirQueryError } from './air-quality.service';
import { AirStationsQuery, AqiQuery, AqiRankingQuery, AqiRecomputeRequest } from './air.dto';

@ApiTags('air')
@ApiBearerAuth()
@Controller('api/v1/air')
export class AirController {
  constructor(private readonly air: AirQualityService) {}

  /**
   * Hourly or daily AQI of a station, or of a grid area from its stations' mean concentrations: each report under the
   * HJ 633 edition in force for its time (2012 before 2026-03-01 +08:00, 2026 from then), a range across the change split.
   */
  @Get('aqi')
  @Roles(...MONITOR_ROLES)
  @ApiOk(aqiSeriesSchema)
  aqi(@Query() query: AqiQuery): Promise<z.infer<typeof aqiSeriesSchema>> {
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
  @ApiOk(aqiRankingSchema)
  ranking(@Query() query: AqiRankingQuery): Promise<z.infer<typeof aqiRankingSchema>> {
    return this.answer(() =>
      this.air.ranking({ kind: query.kind ?? 'hourly', level: query.level ?? 'station', ...(query.at ? { at: query.at } : {}) }),
    );
  }

  /** Compliance (达标) of each station-day with the GB 3095 level-2 24-hour limits in force on the day. */
  @Get('compliance')
  @Roles(...MONITOR_ROLES)
  @ApiOk(complianceSchema)
  compliance(@Query() query: AirStationsQuery): Promise<z.infer<typeof complianceSchema>> {
    return this.answer(() =>
      this.air.compliance({
        ...(query.deviceId ? { deviceId: query.deviceId } : {}),
        ...(query.gridCode ? { gridCode: query.gridCode } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      }),
    );
  }

  /**
   * The one-off recomputation after a change of rules: every stored report from `since` (default 2026-03-01 00:00
   * +08:00, when HJ 633—2026 took effect) is recomputed; the answer says how many changed.
   */
  @Post('aqi/recompute')
  @HttpCode(200)
  @Roles('admin')
  @ApiOk(recomputationSchema)
  recompute(@Body() body: AqiRecomputeRequest): Promise<z.infer<typeof recomputationSchema>> {
    return this.answer(() => this.air.recompute(...(body.since ? [body.since] : [])));
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
