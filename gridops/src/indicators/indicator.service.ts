import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { districtInCity, levelOfCode } from '../grids/grid.types';
import { gradeOf, ratesOf, sumCounts } from '@gridhub/contracts';
import { CountsRow, IndicatorRepository } from './indicator.repository';
import { IndicatorReport, IndicatorRow, IndicatorScope, SCOPE_CODE_LENGTH } from '@gridhub/contracts';

/** A period longer than this is refused (a year and a leap day, with room for a time-zone edge). */
const MAX_PERIOD_MS = 367 * 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IndicatorRequest {
  scope: IndicatorScope;
  code?: string;
  from?: Date;
  to?: Date;
}

/** Who asks: an account confined to a part of the hierarchy sees only that part. */
export interface IndicatorViewer {
  gridScope: string | null;
}

/** China Standard Time: the first instant of the month containing `at`. */
function monthStartCst(at: Date): Date {
  const cst = new Date(at.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), 1) - 8 * 3600_000);
}

/** The grid-code prefix of the incidents under an area code (a city's districts share its GB/T 2260 prefix). */
function areaPrefix(code: string): string {
  if (levelOfCode(code) !== 'city') return code;
  return code.endsWith('0000') ? code.slice(0, 2) : code.slice(0, 4);
}

@Injectable()
export class IndicatorService {
  constructor(
    private readonly indicators: IndicatorRepository,
    private readonly clock: Clock,
  ) {}

  async report(request: IndicatorRequest, viewer: IndicatorViewer): Promise<IndicatorReport> {
    const now = this.clock.now();
    const from = request.from ?? monthStartCst(now);
    const to = request.to ?? now;
    if (from >= to) throw new BadRequestException(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
    if (to.getTime() - from.getTime() > MAX_PERIOD_MS) throw new BadRequestException('the period may span at most a year (367 days)');
    const { scope } = request;
    let gridPrefix: string | null = null;
    let departmentCode: string | null = null;
    let workerId: string | null = null;
    const code = request.code ?? null;
    if (code !== null) {
      if (scope === 'department' && !levelOfCode(code)) departmentCode = code;
      else if (scope === 'worker' && UUID.test(code)) workerId = code;
      else {
        const level = levelOfCode(code);
        if (!level) throw new BadRequestException(`code ${code} is not a grid code${scope === 'department' ? ' or department code' : scope === 'worker' ? ' or worker id' : ''}`);
        if (scope in SCOPE_CODE_LENGTH && level !== 'city' && code.length > SCOPE_CODE_LENGTH[scope as keyof typeof SCOPE_CODE_LENGTH]) {
          throw new BadRequestException(`code ${code} is a ${level}, below the ${scope} level: ask for scope=${level} or a wider code`);
        }
        gridPrefix = areaPrefix(code);
      }
    }
    if (viewer.gridScope) {
      // A confined account: its own part of the hierarchy by default, never outside it.
      const own = areaPrefix(viewer.gridScope);
      if (gridPrefix === null) gridPrefix = own;
      else if (!gridPrefix.startsWith(own) && !(levelOfCode(viewer.gridScope) === 'city' && districtInCity(gridPrefix.slice(0, 6), viewer.gridScope))) {
        throw new ForbiddenException(`your account is confined to ${viewer.gridScope}; ${code} is outside it`);
      }
    }
    const asOf = to < now ? to : now;
    const rows = await this.indicators.counts({ scope, from, to, asOf, gridPrefix, departmentCode, workerId });
    return {
      scope,
      code,
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: asOf.toISOString(),
      rows: rows.map((r) => this.row(scope, r)),
      total: this.row(scope, { ...sumCounts(rows), code: code ?? viewer.gridScope ?? '*', name: null, responded: 0, handled: 0 }),
    };
  }

  private row(scope: IndicatorScope, r: CountsRow): IndicatorRow {
    const { code, name, responded: _responded, handled: _handled, ...counts } = r;
    const rates = ratesOf(counts);
    const score = rates.onTimeClosureRate;
    return { scope, code, name, counts, rates, score, grade: gradeOf(score) };
  }
}

const CSV_COLUMNS: [string, (r: IndicatorRow) => unknown][] = [
  ['单元 unit', (r) => r.code],
  ['名称 name', (r) => r.name ?? ''],
  ['上报数 reported', (r) => r.counts.reported],
  ['立案数 filed', (r) => r.counts.filed],
  ['派遣数 dispatched', (r) => r.counts.dispatched],
  ['应结案数 due to close', (r) => r.counts.dueToClose],
  ['结案数 closed', (r) => r.counts.closed],
  ['按期结案数 closed on time', (r) => r.counts.closedOnTime],
  ['结案率 closure rate %', (r) => r.rates.closureRate],
  ['按期结案率 on-time closure rate %', (r) => r.rates.onTimeClosureRate],
  ['返工率 rework rate %', (r) => r.rates.reworkRate],
  ['延期率 extension rate %', (r) => r.rates.extensionRate],
  ['按时派遣率 on-time dispatch rate %', (r) => r.rates.onTimeDispatchRate],
  ['准确派遣率 accurate dispatch rate %', (r) => r.rates.accurateDispatchRate],
  ['按时核实率 on-time verification rate %', (r) => r.rates.onTimeVerificationRate],
  ['按时核查率 on-time re-inspection rate %', (r) => r.rates.onTimeReinspectionRate],
  ['有效上报率 valid report rate %', (r) => r.rates.validReportRate],
  ['漏报率 missed-report rate %', (r) => r.rates.missedReportRate],
  ['平均响应时间(分) mean response min', (r) => r.counts.meanResponseMinutes],
  ['平均处置时间(分) mean handling min', (r) => r.counts.meanHandlingMinutes],
  ['等级 grade', (r) => r.grade ?? ''],
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote what needs it; a leading = + - @ is neutralised so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese headers). */
export function indicatorsCsv(report: IndicatorReport): string {
  const lines = [CSV_COLUMNS.map(([h]) => csvCell(h)).join(',')];
  for (const row of [...report.rows, { ...report.total, code: '合计 total' }]) lines.push(CSV_COLUMNS.map(([, f]) => csvCell(f(row))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
