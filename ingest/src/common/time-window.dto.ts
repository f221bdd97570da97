import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';

/** `from` and `to` of a time-series query, validated alike everywhere; each endpoint picks its defaults and limits. */
export class TimeWindowQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; when absent, a window before `to` that depends on the request (24 h for raw and hourly data)' })
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
