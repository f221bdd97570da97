import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { ApiOk, AreaQuery, CurrentUser, openApiSchema, PageQuery, Roles, z } from '@gridhub/ingest';
import { componentClassSchema, componentCollectionSchema, componentFeatureSchema, componentImportReportSchema } from './component.schema';
import { IMPORT_MODES, ImportMode } from '../grids/grid-hierarchy.service';
import { COMPONENT_STATES, ComponentState } from './component.types';
import { ComponentService } from './component.service';

const list = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : String(value).split(',')).map((v) => String(v).trim()).filter(Boolean);

export class ListComponentsQuery extends IntersectionType(PickType(AreaQuery, ['gridCode', 'bbox'] as const), PageQuery(20000, 5000)) {
  @ApiPropertyOptional({ description: 'comma-separated four-digit class codes (GET /api/v1/component-classes)', example: '0103,0201' })
  @IsOptional()
  @Transform(list)
  @Matches(/^\d{4}$/, { each: true, message: 'class must be four-digit class codes' })
  class?: string[];

  @ApiPropertyOptional({ description: 'two-digit major class (大类)', example: '01' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'major must be a two-digit major class code' })
  major?: string;

  @ApiPropertyOptional({ description: `comma-separated: ${COMPONENT_STATES.join(', ')}` })
  @IsOptional()
  @Transform(list)
  @IsIn(COMPONENT_STATES, { each: true, message: `state must be one of ${COMPONENT_STATES.join(', ')}` })
  state?: ComponentState[];

  @ApiPropertyOptional({ description: 'owner department code' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'departmentCode must be a department code' })
  departmentCode?: string;
}

export class ImportComponentsQuery {
  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'atomic' })
  @IsOptional()
  @IsIn(IMPORT_MODES, { message: `mode must be one of ${IMPORT_MODES.join(', ')}` })
  mode?: ImportMode;
}

export class ComponentIdParam {
  @Matches(/^\d{16}$/, { message: 'id must be a 16-digit component identifier' })
  id!: string;
}

export class ComponentStateDto {
  @ApiProperty({ enum: COMPONENT_STATES })
  @IsIn(COMPONENT_STATES, { message: `state must be one of ${COMPONENT_STATES.join(', ')}` })
  state!: ComponentState;
}

type Scoped = { user?: { gridScope?: string | null } };
const READERS = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker', 'supervisor'] as const;

@ApiTags('components')
@ApiBearerAuth()
@Controller('api/v1')
export class ComponentController {
  constructor(private readonly components: ComponentService) {}

  /** The component class table (大类/小类, GB/T 30428.2 pattern; docs/domain/components.md). */
  @Get('component-classes')
  @Roles(...READERS)
  @ApiOk(z.object({ items: z.array(componentClassSchema) }))
  async classes() {
    return { items: [...(await this.components.classes()).values()] };
  }

  /** Components as a GeoJSON FeatureCollection (with `total`), filtered by class, state, owner, grid or bbox. */
  @Get('components')
  @Roles(...READERS)
  @ApiOk(componentCollectionSchema)
  list(@Query() q: ListComponentsQuery, @CurrentUser() user: Scoped['user']) {
    const bbox = q.bbox ? (q.bbox.split(',').map(Number) as [number, number, number, number]) : undefined;
    return this.components.list(
      {
        limit: q.limit ?? 5000,
        offset: q.offset ?? 0,
        ...(q.class?.length ? { classCode: q.class } : {}),
        ...(q.major ? { majorCode: q.major } : {}),
        ...(q.state?.length ? { state: q.state } : {}),
        ...(q.departmentCode ? { departmentCode: q.departmentCode } : {}),
        ...(q.gridCode ? { gridPrefix: q.gridCode } : {}),
        ...(bbox ? { bbox } : {}),
      },
      user?.gridScope ?? null,
    );
  }

  @Get('components/:id')
  @Roles(...READERS)
  @ApiOk(componentFeatureSchema)
  get(@Param() p: ComponentIdParam, @CurrentUser() user: Scoped['user']) {
    return this.components.feature(p.id, user?.gridScope ?? null);
  }

  /** Records a component's state (damaged, missing…), e.g. after an inspection. */
  @Patch('components/:id')
  @Roles('admin', 'dispatcher', 'shift_lead')
  @ApiOk(componentFeatureSchema)
  setState(@Param() p: ComponentIdParam, @Body() body: ComponentStateDto, @CurrentUser() user: Scoped['user']) {
    return this.components.setState(p.id, body.state, user?.gridScope ?? null);
  }

  /**
   * Imports a GeoJSON FeatureCollection of Point features (properties: id, name?, classCode?, departmentCode?,
   * state?, address?). Refused features are listed with every reason; mode=atomic (default) stores nothing if any
   * is refused (422).
   */
  @Post('components/import')
  @Roles('admin')
  @ApiBody({ description: 'GeoJSON FeatureCollection of Point features', schema: { type: 'object' } })
  @ApiOk(componentImportReportSchema, 'the report (stored, or checked with mode=validate)')
  @ApiResponse({ status: 422, description: 'mode=atomic and a feature was refused: nothing stored', schema: openApiSchema(componentImportReportSchema) })
  async import(@Body() body: unknown, @Query() q: ImportComponentsQuery, @Res() res: Response): Promise<void> {
    const mode = q.mode ?? 'atomic';
    const report = await this.components.import(body, mode);
    res.status(mode === 'atomic' && report.problems.length > 0 ? 422 : 200).json(report);
  }
}
