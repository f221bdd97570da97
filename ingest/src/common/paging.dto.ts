import { Type as ClassType } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export interface PageParams {
  limit?: number;
  offset?: number;
}

/** `limit` (1…max) and `offset` of a listing, validated with the same messages everywhere; extend it per endpoint. */
export function PageQuery(max: number, defaultLimit = 100): ClassType<PageParams> {
  class Page implements PageParams {
    @ApiPropertyOptional({ default: defaultLimit, maximum: max })
    @IsOptional()
    @Type(() => Number)
    @IsInt({ message: 'limit must be a whole number' })
    @Min(1, { message: 'limit must be at least 1' })
    @Max(max, { message: `limit must be at most ${max}` })
    limit?: number;

    @ApiPropertyOptional({ default: 0 })
    @IsOptional()
    @Type(() => Number)
    @IsInt({ message: 'offset must be a whole number' })
    @Min(0, { message: 'offset must be ≥ 0' })
    offset?: number;
  }
  return Page;
}
