import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TimeWindowQuery } from '../common/time-window.dto';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { WATER_QUALITY_KINDS, WaterQualityKind } from './water.service';

export class WaterRangeQuery extends TimeWindowQuery {
  @ApiProperty({ description: 'a water station', example: 'water-001' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId!: string;

}

export class WaterQualityQuery extends WaterRangeQuery {
  @ApiPropertyOptional({ enum: WATER_QUALITY_KINDS, default: 'sample', description: 'each sample, or each China calendar day from daily means' })
  @IsOptional()
  @IsIn(WATER_QUALITY_KINDS, { message: 'kind must be sample or daily' })
  kind?: WaterQualityKind;
}
