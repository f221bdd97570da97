import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { AreaQuery } from '../devices/device.dto';
import { TimeWindowQuery } from '../common/time-window.dto';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { BUCKETS, Bucket } from './timeseries';

export class SeriesQuery extends TimeWindowQuery {
  @ApiPropertyOptional({ description: 'one metric (required when several devices are asked for)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{1,40}$/, { message: 'metric must be a metric name such as pm25' })
  metric?: string;


  @ApiPropertyOptional({ enum: BUCKETS, default: 'raw', description: '1h and 1d are served from the roll-ups' })
  @IsOptional()
  @IsIn(BUCKETS, { message: `bucket must be one of ${BUCKETS.join(', ')}` })
  bucket?: Bucket;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class AreaSeriesQuery extends IntersectionType(SeriesQuery, PickType(AreaQuery, ['gridCode', 'bbox'] as const)) {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId?: string;
}
