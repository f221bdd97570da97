import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { ApiOkOrText, CurrentUser, Roles } from '@gridhub/ingest';
import { INDICATOR_PERIODS, INDICATOR_ROLES, INDICATOR_SCOPES, IndicatorPeriod, IndicatorRole, IndicatorScope } from '@gridhub/contracts';
import { AREA_LEVELS, AreaLevel, roleIndicatorsCsv, RoleIndicatorService } from './role-indicator.service';
import { indicatorsCsv, IndicatorService } from './indicator.service';
import { indicatorReportSchema, roleIndicatorReportSchema } from './indicator.schema';

/** A period (from … to, exclusive) and the answer's format, shared by both indicator queries. */
class IndicatorPeriodQuery {
  @ApiPropertyOptional({ description: 'start (incidents reported from then); default: the start of this month (indicators) or of the current period (role indicators), UTC+8' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'end of the period (exclusive); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class IndicatorsQuery extends IndicatorPeriodQuery {
  @ApiProperty({ enum: INDICATOR_SCOPES, description: 'the unit of each row' })
  @IsIn(INDICATOR_SCOPES, { message: `scope must be one of ${INDICATOR_SCOPES.join(', ')}` })
  scope!: IndicatorScope;

  @ApiPropertyOptional({ description: 'restrict to this area (grid code of any level), department code or worker id', example: '140106' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'code must be a grid code, department code or worker id' })
  code?: string;
}

export class RoleIndicatorsQuery extends IndicatorPeriodQuery {
  @ApiProperty({ enum: INDICATOR_ROLES, description: 'whose work: supervisors, intake, dispatch, departments or areas' })
  @IsIn(INDICATOR_ROLES, { message: `role must be one of ${INDICATOR_ROLES.join(', ')}` })
  role!: IndicatorRole;

  @ApiPropertyOptional({ enum: INDICATOR_PERIODS, default: 'month', description: 'rows per China-calendar day, month or quarter' })
  @IsOptional()
  @IsIn(INDICATOR_PERIODS, { message: `period must be one of ${INDICATOR_PERIODS.join(', ')}` })
  period?: IndicatorPeriod;

  @ApiPropertyOptional({ enum: AREA_LEVELS, default: 'district', description: 'role=area: the unit of each row' })
  @IsOptional()
  @IsIn(AREA_LEVELS, { message: `level must be one of ${AREA_LEVELS.join(', ')}` })
  level?: AreaLevel;

  @ApiPropertyOptional({ description: 'only incidents in this area (district, street, community or grid code)', example: '140106' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'code must be a 6, 9, 12 or 15-digit grid code' })
  code?: string;
}

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('api/v1/indicators')
export class IndicatorController {
  constructor(
    private readonly indicators: IndicatorService,
    private readonly roles: RoleIndicatorService,
  ) {}

  /**
   * Role indicators (GB/T 30428.4 style): supervisors (有效上报率, 按时核实率, 按时核查率, 漏报率), intake (按时受理率),
   * dispatch (准确派遣率, 按时派遣率), departments (处置率, 按时处置率, 返工率) and areas, each with its weighted composite
   * score and grade, per day, month or quarter.
   */
  @Get('roles')
  @Roles('admin', 'dispatcher', 'shift_lead', 'bureau_analyst')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkOrText(roleIndicatorReportSchema, 'text/csv', 'the role report, or with format=csv its rows as CSV')
  async roleReport(@Query() query: RoleIndicatorsQuery, @CurrentUser() user: { gridScope?: string | null } | undefined, @Res() res: Response): Promise<void> {
    const period = query.period ?? 'month';
    const report = await this.roles.report(
      {
        role: query.role,
        period,
        ...(query.code ? { code: query.code } : {}),
        ...(query.level ? { level: query.level } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
      },
      { gridScope: user?.gridScope ?? null },
    );
    if (query.format === 'csv') {
      const name = `indicators-${query.role}-${period}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}"`).send(roleIndicatorsCsv(report));
      return;
    }
    res.status(200).json(report);
  }

  /**
   * 综合评价: closure, on-time closure, rework, extension, on-time dispatch/verification/re-inspection rates,
   * mean response and handling times and grades, per unit of the scope, for incidents reported in [from, to).
   */
  @Get()
  @Roles('admin', 'dispatcher', 'shift_lead', 'bureau_analyst')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkOrText(indicatorReportSchema, 'text/csv', 'the report, or with format=csv its rows as CSV')
  async get(@Query() query: IndicatorsQuery, @CurrentUser() user: { gridScope?: string | null } | undefined, @Res() res: Response): Promise<void> {
    const report = await this.indicators.report(
      { scope: query.scope, code: query.code, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined },
      { gridScope: user?.gridScope ?? null },
    );
    if (query.format === 'csv') {
      const name = `indicators-${query.scope}${query.code ? `-${query.code}` : ''}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}"`).send(indicatorsCsv(report));
      return;
    }
    res.status(200).json(report);
  }
}
