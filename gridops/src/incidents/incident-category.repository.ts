import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PRIORITIES, Priority, TimeBasis } from '@gridhub/contracts';
import { IncidentCategory, LIMIT_STEPS, LimitStep, StepLimits } from './incident-categories';

interface Row {
  code: string;
  kind: 'event' | 'component';
  major_code: string;
  major_name_zh: string;
  major_name_en: string;
  name_zh: string;
  name_en: string;
  default_priority: Priority;
  department_code: string | null;
  skill: string | null;
  emergency: boolean;
  verify_minutes: string;
  dispatch_minutes: string;
  accept_minutes: string;
  handle_urgent_minutes: string;
  handle_high_minutes: string;
  handle_normal_minutes: string;
  handle_low_minutes: string;
  reinspect_minutes: string;
  verify_basis: TimeBasis;
  dispatch_basis: TimeBasis;
  accept_basis: TimeBasis;
  handle_basis: TimeBasis;
  reinspect_basis: TimeBasis;
  around_the_clock: boolean;
  enabled: boolean;
}

const toCategory = (r: Row): IncidentCategory => ({
  code: r.code,
  kind: r.kind,
  majorCode: r.major_code,
  majorNameZh: r.major_name_zh,
  majorNameEn: r.major_name_en,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  defaultPriority: r.default_priority,
  departmentCode: r.department_code,
  skill: r.skill,
  emergency: r.emergency,
  limits: {
    verifyMinutes: Number(r.verify_minutes),
    dispatchMinutes: Number(r.dispatch_minutes),
    acceptMinutes: Number(r.accept_minutes),
    handleMinutes: {
      urgent: Number(r.handle_urgent_minutes),
      high: Number(r.handle_high_minutes),
      normal: Number(r.handle_normal_minutes),
      low: Number(r.handle_low_minutes),
    },
    reinspectMinutes: Number(r.reinspect_minutes),
  },
  basis: { verify: r.verify_basis, dispatch: r.dispatch_basis, accept: r.accept_basis, handle: r.handle_basis, reinspect: r.reinspect_basis },
  aroundTheClock: r.around_the_clock,
  enabled: r.enabled,
});

@Injectable()
export class IncidentCategoryRepository {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<IncidentCategory[]> {
    const { rows } = await this.pool.query<Row>('select * from incident_categories order by major_code, code');
    return rows.map(toCategory);
  }

  /**
   * Changes a category's time limits, their bases, its 24 h mode (and whether it is offered); returns it, or null
   * if unknown.
   */
  async updateLimits(
    code: string,
    limits: Partial<Omit<StepLimits, 'handleMinutes'>> & { handleMinutes?: Partial<Record<Priority, number>> },
    enabled?: boolean,
    clock: { basis?: Partial<Record<LimitStep, TimeBasis>>; aroundTheClock?: boolean } = {},
  ): Promise<IncidentCategory | null> {
    const h = limits.handleMinutes ?? {};
    const b = clock.basis ?? {};
    const { rows } = await this.pool.query<Row>(
      `update incident_categories set
         verify_minutes = coalesce($2, verify_minutes),
         dispatch_minutes = coalesce($3, dispatch_minutes),
         accept_minutes = coalesce($4, accept_minutes),
         reinspect_minutes = coalesce($5, reinspect_minutes),
         handle_urgent_minutes = coalesce($6, handle_urgent_minutes),
         handle_high_minutes = coalesce($7, handle_high_minutes),
         handle_normal_minutes = coalesce($8, handle_normal_minutes),
         handle_low_minutes = coalesce($9, handle_low_minutes),
         enabled = coalesce($10, enabled),
         verify_basis = coalesce($11, verify_basis),
         dispatch_basis = coalesce($12, dispatch_basis),
         accept_basis = coalesce($13, accept_basis),
         handle_basis = coalesce($14, handle_basis),
         reinspect_basis = coalesce($15, reinspect_basis),
         around_the_clock = coalesce($16, around_the_clock)
       where code = $1 returning *`,
      [
        code,
        limits.verifyMinutes ?? null,
        limits.dispatchMinutes ?? null,
        limits.acceptMinutes ?? null,
        limits.reinspectMinutes ?? null,
        ...PRIORITIES.slice().reverse().map((p) => h[p] ?? null),
        enabled ?? null,
        ...LIMIT_STEPS.map((step) => b[step] ?? null),
        clock.aroundTheClock ?? null,
      ],
    );
    return rows[0] ? toCategory(rows[0]) : null;
  }
}
