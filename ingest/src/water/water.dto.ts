import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, Matches } from 'class-validator';
import { WATER_QUALITY_KINDS, WaterQualityKind } from './water.service';

export class WaterRangeQuery {
  @ApiProperty({ description: 'a water station', example: 'water-001' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId!: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default 24 h (samples, levels) or 30 days (daily) before `to`' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 time' })
  from?: Date;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive; default now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 time' })
  to?: Date;
}

export class WaterQualityQuery extends WaterRangeQuery {
  @ApiPropertyOptional({ enum: WATER_QUALITY_KINDS, default: 'sample', description: 'each sample, or each China calendar day from daily means' })
  @IsOptional()
  @IsIn(WATER_QUALITY_KINDS, { message: 'kind must be sample or daily' })
  kind?: WaterQualityKind;
}
