import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { GRID_LEVELS, GridLevel } from './grid.types';
import { GridRepository } from './grid.repository';

export class ListGridsQuery {
  @ApiPropertyOptional({ enum: GRID_LEVELS, default: 'grid' })
  @IsOptional()
  @IsIn(GRID_LEVELS)
  level?: GridLevel;
}

@ApiTags('grids')
@ApiBearerAuth()
@Controller('api/v1/grids')
export class GridsController {
  constructor(private readonly grids: GridRepository) {}

  /** The grid hierarchy at one level as a GeoJSON FeatureCollection (WGS-84). */
  @Get()
  async list(@Query() query: ListGridsQuery) {
    const areas = await this.grids.list(query.level ?? 'grid');
    return {
      type: 'FeatureCollection',
      features: areas.map((a) => ({
        type: 'Feature',
        id: a.code,
        geometry: a.geometry,
        properties: { code: a.code, name: a.name, level: a.level, parentCode: a.parentCode },
      })),
    };
  }
}
