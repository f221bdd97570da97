import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiProperty, ApiResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsLatitude, IsLongitude, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { ApiOk, openApiSchema, Roles, z } from '@gridhub/ingest';
import { gridCollectionSchema, importReportSchema, locateSchema, responsibleSchema } from './grid.schema';
import { GridHierarchyService, IMPORT_MODES, ImportMode } from './grid-hierarchy.service';
import { GRID_LEVELS, GridLevel } from './grid.types';

export const toNumber = ({ value }: { value: unknown }) => (value === '' || value === undefined || value === null ? undefined : Number(value));

export class ListGridsQuery {
  @ApiPropertyOptional({ enum: GRID_LEVELS, default: 'grid' })
  @IsOptional()
  @IsIn(GRID_LEVELS, { message: `level must be one of ${GRID_LEVELS.join(', ')}` })
  level?: GridLevel;

  @ApiPropertyOptional({ description: 'only grids under this code (any depth)', example: '140106001' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'parent must be a grid code (6, 9, 12 or 15 digits)' })
  parent?: string;
}

export class ImportGridsQuery {
  @ApiPropertyOptional({
    enum: IMPORT_MODES,
    default: 'atomic',
    description: 'atomic: nothing stored if any feature is refused; partial: the valid features are stored; validate: check only',
  })
  @IsOptional()
  @IsIn(IMPORT_MODES, { message: `mode must be one of ${IMPORT_MODES.join(', ')}` })
  mode?: ImportMode;
}

export class LocateQuery {
  @ApiProperty({ example: 112.5466 })
  @Transform(toNumber)
  @IsDefined({ message: 'lon is required' })
  @IsLongitude({ message: 'lon must be a longitude in degrees (-180…180)' })
  lon!: number;

  @ApiProperty({ example: 37.8555 })
  @Transform(toNumber)
  @IsDefined({ message: 'lat is required' })
  @IsLatitude({ message: 'lat must be a latitude in degrees (-90…90)' })
  lat!: number;
}

export class GridCodeParam {
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'code must be a grid code (6, 9, 12 or 15 digits)' })
  code!: string;
}

@ApiTags('grids')
@ApiBearerAuth()
@Controller('api/v1/grids')
export class GridController {
  constructor(private readonly hierarchy: GridHierarchyService) {}

  /** The grid hierarchy at one level (and under a parent) as a GeoJSON FeatureCollection (WGS-84); re-importable. */
  @Get()
  @ApiOk(gridCollectionSchema)
  list(@Query() query: ListGridsQuery) {
    return this.hierarchy.export(query.level ?? 'grid', query.parent);
  }

  /**
   * Imports a GeoJSON FeatureCollection of grids (properties: code, name, level?, parentCode?, responsible?).
   * Every feature is checked; refused ones are listed with their reasons. Overlaps and gaps between siblings are
   * reported. With mode=atomic (default) nothing is stored if any feature is refused (answer 422).
   */
  @Post('import')
  @Roles('admin')
  @ApiBody({ description: 'GeoJSON FeatureCollection of Polygon/MultiPolygon features', schema: { type: 'object' } })
  @ApiOk(importReportSchema, 'the report (stored, or checked with mode=validate)')
  @ApiResponse({ status: 422, description: 'mode=atomic and a feature was refused: nothing stored', schema: openApiSchema(importReportSchema) })
  async import(@Body() body: unknown, @Query() query: ImportGridsQuery, @Res() res: Response): Promise<void> {
    const mode = query.mode ?? 'atomic';
    const report: z.infer<typeof importReportSchema> = await this.hierarchy.import(body, mode);
    res.status(mode === 'atomic' && report.problems.length > 0 ? 422 : 200).json(report);
  }

  /** The chain of codes and names from the city down to the unit grid that contains the point (404 outside). */
  @Get('locate')
  @ApiOk(locateSchema)
  locate(@Query() query: LocateQuery): z.infer<typeof locateSchema> {
    return this.hierarchy.locate(query.lon, query.lat);
  }

  /** Who answers for a grid: its own responsible party or, failing that, its nearest ancestor's (属地兜底). */
  @Get(':code/responsible')
  @ApiOk(responsibleSchema)
  responsible(@Param() params: GridCodeParam): Promise<z.infer<typeof responsibleSchema>> {
    return this.hierarchy.responsible(params.code);
  }
}
