import { BadRequestException, Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MONITOR_ROLES } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { ApiOk } from '../common/api-schema';
import { WaterQualityQuery, WaterRangeQuery } from './water.dto';
import { WaterLevelResponse, waterLevelSchema, WaterQualityResponse, waterQualitySchema } from './water.schema';
import { WaterNotFoundError, WaterQueryError, WaterService } from './water.service';

@ApiTags('water')
@ApiBearerAuth()
@Controller('api/v1/water')
export class WaterController {
  constructor(private readonly water: WaterService) {}

  /** GB 3838-2002 class per sample or per day, the limiting items, the station's target class and whether it is missed. */
  @Get('quality')
  @Roles(...MONITOR_ROLES)
  @ApiOk(waterQualitySchema)
  quality(@Query() query: WaterQualityQuery): Promise<WaterQualityResponse> {
    return this.answer(() =>
      this.water.quality({
        deviceId: query.deviceId,
        kind: query.kind ?? 'sample',
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      }),
    );
  }

  /** Water level against the warning and guaranteed levels, with interval and hourly rainfall. */
  @Get('level')
  @Roles(...MONITOR_ROLES)
  @ApiOk(waterLevelSchema)
  level(@Query() query: WaterRangeQuery): Promise<WaterLevelResponse> {
    return this.answer(() =>
      this.water.level({ deviceId: query.deviceId, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }),
    );
  }

  private async answer<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof WaterQueryError) throw new BadRequestException(error.message);
      if (error instanceof WaterNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
