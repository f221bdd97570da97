import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { TimeWindowQuery } from '../common/time-window.dto';
import { IsDate, IsIn, IsOptional, Matches } from 'class-validator';
import { AREA_LEVELS, AreaLevel } from './air-quality.service';

export const AQI_KINDS = ['hourly', 'daily'] as const;
export const RANKING_LEVELS = ['station', ...AREA_LEVELS] as const;

/** One station, or the stations of an area, over a time window. */
export class AirStationsQuery extends TimeWindowQuery {
  @ApiPropertyOptional({ description: 'one air station (or give gridCode)', example: 'air-001' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId?: string;

  @ApiPropertyOptional({ description: 'a grid, community, street or district: its stations (for the AQI, their mean concentrations indexed)', example: '140106' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'gridCode must be a 6, 9, 12 or 15-digit grid code' })
  gridCode?: string;
}

export class AqiQuery extends AirStationsQuery {
  @ApiPropertyOptional({ enum: AQI_KINDS, default: 'hourly', description: 'hourly (1-hour values) or daily (24-hour means, China calendar days)' })
  @IsOptional()
  @IsIn(AQI_KINDS, { message: 'kind must be hourly or daily' })
  kind?: (typeof AQI_KINDS)[number];


  @ApiPropertyOptional({ enum: ['area', 'station'], default: 'area', description: 'with gridCode: the area’s AQI, or every station’s' })
  @IsOptional()
  @IsIn(['area', 'station'], { message: 'per must be area or station' })
  per?: 'area' | 'station';
}

export class AqiRankingQuery {
  @ApiPropertyOptional({ enum: AQI_KINDS, default: 'hourly' })
  @IsOptional()
  @IsIn(AQI_KINDS, { message: 'kind must be hourly or daily' })
  kind?: (typeof AQI_KINDS)[number];

  @ApiPropertyOptional({ enum: RANKING_LEVELS, default: 'station' })
  @IsOptional()
  @IsIn(RANKING_LEVELS, { message: `level must be one of ${RANKING_LEVELS.join(', ')}` })
  level?: 'station' | AreaLevel;

  @ApiPropertyOptional({ description: 'the hour or day to rank (ISO 8601, any time inside it); default the latest reported' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'at must be an ISO 8601 time' })
  at?: Date;
}

export class AqiRecomputeRequest {
  @ApiPropertyOptional({ description: 'recompute stored reports from this time on (default 2026-03-01T00:00:00+08:00, when HJ 633—2026 took effect)', example: '2026-03-01T00:00:00+08:00' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 time' })
  since?: Date;
}
