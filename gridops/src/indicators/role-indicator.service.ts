import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import {
  IndicatorPeriod,
  IndicatorRole,
  nextPeriod,
  periodLabel,
  periodStart,
  ROLE_MEASURES,
  RoleIndicatorReport,
  RoleIndicatorRow,
  roleScore,
  SCOPE_CODE_LENGTH,
} from '@gridhub/contracts';
import { levelOfCode } from '../grids/grid.types';
import { RoleIndicatorRepository } from './role-indicator.repository';
import { IndicatorViewer } from './indicator.service';

export const AREA_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export interface RoleIndicatorRequest {
  role: IndicatorRole;
  period: IndicatorPeriod;
  from?: Date;
  to?: Date;
  /** Only incidents in this area (a grid code of any level). */
  code?: string;
  /** The area role's unit. */
  level?: AreaLevel;
}

/** At most this many periods in one answer (a year of days and a leap day). */
const MAX_PERIODS = 367;

/** Role indicators (GB/T 30428.4 style) per unit and per day, month or quarter (docs/domain/indicators.md). */
@Injectable()
export class RoleIndicatorService {
  constructor(
    private readonly repository: RoleIndicatorRepository,
    private readonly clock: Clock,
  ) {}

  async report(request: RoleIndicatorRequest, viewer: IndicatorViewer): Promise<RoleIndicatorReport> {
    const now = this.clock.now();
    const { role, period } = request;
    const to = request.to ?? now;
    const from = request.from ?? periodStart(to, period);
    if (from >= to) throw new BadRequestException(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
    let periods = 0;
    for (let p = periodStart(from, period); p < to && periods <= MAX_PERIODS; p = nextPeriod(p, period)) periods++;
    if (periods > MAX_PERIODS) throw new BadRequestException(`at most ${MAX_PERIODS} ${period}s in one request`);
    let gridPrefix: string | null = null;
    if (request.code) {
      const level = levelOfCode(request.code);
      if (!level || level === 'city') throw new BadRequestException(`code ${request.code} is not a district, street, community or grid code`);
      gridPrefix = request.code;
    }
    if (viewer.gridScope) {
      if (gridPrefix === null || viewer.gridScope.startsWith(gridPrefix)) gridPrefix = viewer.gridScope;
      else if (!gridPrefix.startsWith(viewer.gridScope)) throw new ForbiddenException(`your account is confined to ${viewer.gridScope}; ${request.code} is outside it`);
    }
    const asOf = to < now ? to : now;
    const level = request.level ?? 'district';
    const rows = await this.repository.counts({ role, period, from, to, asOf, gridPrefix, areaLength: SCOPE_CODE_LENGTH[level] });
    return {
      role,
      period,
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: asOf.toISOString(),
      measures: ROLE_MEASURES[role],
      rows: rows.map((r): RoleIndicatorRow => ({
        period: periodLabel(r.bucket, period),
        periodStart: r.bucket.toISOString(),
        code: r.code,
        name: r.name,
        counts: r.counts,
        ...roleScore(role, r.counts),
      })),
    };
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV (UTF-8 with a byte-order mark): per measure its numerator, denominator and rate. */
export function roleIndicatorsCsv(report: RoleIndicatorReport): string {
  const header = ['周期 period', '单元 unit', '名称 name'];
  for (const m of report.measures) header.push(`${m.zh} ${m.en} % (权重 weight ${m.weight})`, `${m.numerator}`, `${m.denominator}`);
  header.push('综合得分 score', '等级 grade');
  const lines = [header.map(csvCell).join(',')];
  for (const r of report.rows) {
    const cells: unknown[] = [r.period, r.code, r.name ?? ''];
    for (const m of report.measures) cells.push(r.rates[m.key], r.counts[m.numerator] ?? 0, r.counts[m.denominator] ?? 0);
    cells.push(r.score, r.grade ?? '');
    lines.push(cells.map(csvCell).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
