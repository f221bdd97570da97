import { randomUUID } from 'node:crypto';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Role indicators through the API on the PostgreSQL server path, against figures worked by hand from a fixed
 * November 2026 (China calendar) written into the incident tables: supervisors, intake, dispatch, departments and
 * areas, their composite scores and grades, per day, month and quarter, and the CSV.
 */
describe('role indicators (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let dispatcher: Api;
  const FROM = '2026-11-01T00:00:00+08:00';
  const TO = '2026-12-01T00:00:00+08:00';
  let supervisorId: string;
  let grid: string;

  const at = (base: string, minutes: number) => new Date(new Date(base).getTime() + minutes * 60_000).toISOString();

  async function incident(fields: Record<string, unknown>, events: { action: string; actor: string; at: string }[] = []): Promise<string> {
    const id = randomUUID();
    const row: Record<string, unknown> = {
      id,
      code: `T${id.slice(0, 8)}`,
      category: 'garbage_exposed',
      title: 'fixture',
      priority: 'normal',
      lon: 112.55,
      lat: 37.85,
      grid_code: grid,
      ...fields,
    };
    row['updated_at'] ??= row['created_at'];
    const columns = Object.keys(row);
    await hub.database.pool.query(
      `insert into incidents (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
    for (const e of events) {
      await hub.database.pool.query(`insert into incident_events (incident_id, action, actor, at) values ($1, $2, $3, $4)`, [id, e.action, e.actor, e.at]);
    }
    return id;
  }

  beforeAll(async () => {
    env = await testEnv('server', { LOG_LEVEL: 'error' });
    hub = await startHub(env.config);
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const pool = hub.database.pool;
    const s = await pool.query(`select w.id, min(wg.grid_code) as grid from workers w join accounts a on a.worker_id = w.id
                                  join worker_grids wg on wg.worker_id = w.id where a.username = 'supervisor01' group by w.id`);
    supervisorId = s.rows[0].id;
    grid = s.rows[0].grid;
    const w = await pool.query(`select wg.worker_id as id from worker_grids wg join workers w on w.id = wg.worker_id
                                 where wg.grid_code = $1 and w.duty = 'grid_worker' limit 1`, [grid]);
    const worker = w.rows[0].id;
    const gasWorker = randomUUID();
    await pool.query(`insert into workers (id, name, on_duty, department_code) values ($1, '燃气抢修', false, 'gas_company')`, [gasWorker]);
    const limit = Number((await pool.query(`select dispatch_minutes from incident_categories where code = 'garbage_exposed'`)).rows[0].dispatch_minutes);
    const T = '2026-11-10T10:00:00+08:00';
    const early = at(T, limit / 2);
    const late = at(T, limit * 2);

    // A, B, C: the supervisor's own patrol reports — filed, voided, still waiting (past the intake limit).
    await incident({ status: 'filed', source: 'patrol', reported_by: 'supervisor01', created_at: T, verified_at: T, filed_at: early }, [
      { action: 'report', actor: 'supervisor01', at: T },
      { action: 'file', actor: 'shiftlead', at: early },
    ]);
    await incident({ status: 'voided', source: 'patrol', reported_by: 'supervisor01', created_at: T, voided_at: early }, [
      { action: 'report', actor: 'supervisor01', at: T },
      { action: 'void', actor: 'shiftlead', at: early },
    ]);
    await incident({ status: 'reported', source: 'patrol', reported_by: 'supervisor01', created_at: T }, [{ action: 'report', actor: 'supervisor01', at: T }]);
    // D: a 12345 report verified, dispatched, handled, re-inspected and closed on time.
    await incident(
      {
        status: 'closed', source: 'hotline', created_at: T, intake_due_at: at(T, limit), verifier_worker_id: supervisorId, verification_requested_at: early,
        verify_due_at: at(T, 600), verified_at: at(T, 300), filed_at: at(T, 310), dispatch_due_at: at(T, 400), dispatched_at: at(T, 320),
        assignee_worker_id: worker, due_at: at(T, 2000), handled_at: at(T, 1000), reinspector_worker_id: supervisorId,
        reinspect_due_at: at(T, 1500), reinspected_at: at(T, 1100), closed_at: at(T, 1200),
      },
      [
        { action: 'report', actor: 'dispatcher', at: T },
        { action: 'request_verification', actor: 'dispatcher', at: early },
        { action: 'dispatch', actor: 'dispatcher', at: at(T, 320) },
      ],
    );
    // E: a public report taken up late, verified late, dispatched late by the system, reworked, handled and re-inspected late.
    await incident(
      {
        status: 'closed', source: 'public', created_at: T, intake_due_at: at(T, limit), verifier_worker_id: supervisorId, verification_requested_at: late,
        verify_due_at: at(T, 600), verified_at: at(T, 700), filed_at: at(T, 710), dispatch_due_at: at(T, 720), dispatched_at: at(T, 800),
        assignee_worker_id: worker, due_at: at(T, 2000), handled_at: at(T, 2500), rework_count: 1, reinspector_worker_id: supervisorId,
        reinspect_due_at: at(T, 2600), reinspected_at: at(T, 2700), closed_at: at(T, 2800),
      },
      [
        { action: 'report', actor: 'dispatcher', at: T },
        { action: 'request_verification', actor: 'dispatcher', at: late },
        { action: 'dispatch', actor: 'system', at: at(T, 800) },
      ],
    );
    // F: a public report nobody took up.
    await incident({ status: 'reported', source: 'public', created_at: T }, [{ action: 'report', actor: 'dispatcher', at: T }]);
    // H (ten days later): a task from above dispatched by the system to the gas company, past its deadline, not handled.
    const H = '2026-11-20T09:00:00+08:00';
    await incident(
      { status: 'dispatched', source: 'superior', created_at: H, verified_at: H, filed_at: H, dispatch_due_at: at(H, 60), dispatched_at: H, assignee_worker_id: gasWorker, due_at: at(H, 600) },
      [{ action: 'file', actor: 'analyst', at: H }, { action: 'dispatch', actor: 'system', at: H }],
    );
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  const report = async (query: string) => {
    const res = await dispatcher.get(`/api/v1/indicators/roles?${query}&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const byCode = (rows: any[]) => Object.fromEntries(rows.map((r) => [r.code, r]));

  it('scores the supervisor: 有效上报 1/2, 按时核实 1/2, 按时核查 1/2, 漏报 2/4 (D, E of A, D, E, H filed in the grid) → (1500 + 1250 + 1250 + 1000)/100 = 50, D', async () => {
    const body = await report('role=supervisor&period=month');
    const row = byCode(body.rows)[supervisorId];
    expect(row).toMatchObject({ period: '2026-11', periodStart: '2026-10-31T16:00:00.000Z', name: expect.any(String) });
    expect(row.counts).toEqual({ reportsValid: 1, reportsJudged: 2, verified: 2, verifiedOnTime: 1, reinspected: 2, reinspectedOnTime: 1, gridFiled: 4, missed: 2 });
    expect(row.rates).toEqual({ validReportRate: 50, onTimeVerificationRate: 50, onTimeReinspectionRate: 50, missedReportRate: 50 });
    expect(row.score).toBe(50);
    expect(row.grade).toBe('D');
    expect(body.measures.map((m: any) => m.weight)).toEqual([30, 25, 25, 20]);
  });

  it('scores intake: dispatcher 1/2 on time (D), shift lead 2/2 (A), two reports nobody took up (E)', async () => {
    const rows = byCode((await report('role=intake&period=month')).rows);
    expect(rows['dispatcher']).toMatchObject({ counts: { toTake: 2, takenOnTime: 1 }, score: 50, grade: 'D' });
    expect(rows['shiftlead']).toMatchObject({ counts: { toTake: 2, takenOnTime: 2 }, score: 100, grade: 'A' });
    expect(rows['(pending)']).toMatchObject({ counts: { toTake: 2, takenOnTime: 0 }, score: 0, grade: 'E' });
  });

  it('scores dispatch: the dispatcher 100 (A); automatic dispatch 1 of 2 on time, 1 of 2 not reworked → 50 (D)', async () => {
    const rows = byCode((await report('role=dispatch&period=month')).rows);
    expect(rows['dispatcher']).toMatchObject({ counts: { dispatched: 1, dispatchedOnTime: 1, dispatchedAccurately: 1 }, score: 100, grade: 'A' });
    expect(rows['system']).toMatchObject({ counts: { dispatched: 2, dispatchedOnTime: 1, dispatchedAccurately: 1 }, rates: { onTimeDispatchRate: 50, accurateDispatchRate: 50 }, score: 50, grade: 'D' });
  });

  it('scores departments: locality 处置 2/2, 按时 1/2, 返工 1/2 → (3000 + 2500 + 1000)/100 = 65 (C); the gas company 0/1 (E)', async () => {
    const rows = byCode((await report('role=department&period=month')).rows);
    expect(rows['locality']).toMatchObject({ name: '属地网格', counts: { dueToHandle: 2, handled: 2, handledOnTime: 1, reworked: 1 }, score: 65, grade: 'C' });
    expect(rows['gas_company']).toMatchObject({ name: '燃气公司', counts: { dueToHandle: 1, handled: 0, handledOnTime: 0, reworked: 0 }, rates: { reworkRate: null }, score: 0, grade: 'E' });
  });

  it('scores the area: 结案 2/3, 按期 1/3, 返工 1/3, 漏报 2/4 → 5083.35/100 = 50.83 (D); per day and per quarter', async () => {
    const month = await report('role=area&period=month&level=district');
    expect(month.rows).toHaveLength(1);
    expect(month.rows[0]).toMatchObject({
      code: grid.slice(0, 6),
      counts: { filed: 4, dispatched: 3, dueToClose: 3, closed: 2, closedOnTime: 1, reworked: 1, publicFound: 2 },
      rates: { closureRate: 66.67, onTimeClosureRate: 33.33, reworkRate: 33.33, missedReportRate: 50 },
      score: 50.83,
      grade: 'D',
    });
    const days = await report('role=area&period=day&level=grid');
    expect(days.rows.map((r: any) => [r.period, r.code])).toEqual([['2026-11-10', grid], ['2026-11-20', grid]]);
    // 20 November alone: H due, not closed → 结案率 0, 按期 0, 返工 0 → 100, 漏报 0/1 → 100: (0 + 0 + 1500 + 1500)/100 = 30, E.
    expect(days.rows[1]).toMatchObject({ score: 30, grade: 'E' });
    const quarter = await report('role=area&period=quarter');
    expect(quarter.rows.map((r: any) => r.period)).toEqual(['2026-Q4']);
    expect(quarter.rows[0].score).toBe(50.83);
  });

  it('answers CSV with each measure’s numerator, denominator, rate, the score and grade', async () => {
    const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/indicators/roles?role=department&period=month&format=csv&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`, {
      headers: { authorization: `Bearer ${dispatcher.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('周期 period,单元 unit,名称 name,处置率 handling rate % (权重 weight 30),handled,dueToHandle,按时处置率 on-time handling rate % (权重 weight 50),handledOnTime,dueToHandle,返工率 rework rate % (权重 weight 20),reworked,handled,综合得分 score,等级 grade');
    expect(lines).toContain('2026-11,locality,属地网格,100,2,2,50,1,2,50,1,2,65,C');
    expect(lines).toContain('2026-11,gas_company,燃气公司,0,0,1,0,0,1,,0,0,0,E');
  });

  it('refuses what it cannot answer', async () => {
    expect((await dispatcher.get('/api/v1/indicators/roles?role=everyone')).status).toBe(400);
    expect((await dispatcher.get('/api/v1/indicators/roles?role=area&period=week')).status).toBe(400);
    expect((await dispatcher.get('/api/v1/indicators/roles?role=area&period=day&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
    const worker = await Api.of(hub).login('worker01', 'Worker-2026');
    expect((await worker.get('/api/v1/indicators/roles?role=area')).status).toBe(403);
  });
});
