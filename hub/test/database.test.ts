import { Pool } from 'pg';
import { AlertsRepository, emptyBatch, IngestWriter, ReadingRow, ReadingsRepository, RulesRepository } from '@gridhub/ingest';
import { GridLocatorService, GridRepository, IncidentRepository } from '@gridhub/gridops';
import { Database, openDatabase } from '../src/database/database';
import { Migrator } from '../src/database/migrator';
import { demoGrids } from '../src/seed/demo-city';
import { DATABASE_PATHS, testEnv, TestEnv } from './support/test-env';

const at = (iso: string) => new Date(iso);

describe.each(DATABASE_PATHS)('database on the %s path', (path) => {
  let env: TestEnv;
  let db: Database;
  let pool: Pool;

  beforeAll(async () => {
    env = await testEnv(path);
    db = await openDatabase(env.config, () => undefined);
    pool = db.pool;
    await new GridRepository(pool).insertMany(demoGrids().areas);
    await pool.query(
      `insert into devices (id, family, name, lon, lat, secret_hash) values ('air-t1', 'air', 't1', 112.547, 37.855, 'x')`,
    );
  });

  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  it('uses TimescaleDB hypertables only where the extension exists', async () => {
    expect(db.mode).toBe(path);
    expect(db.timescale).toBe(path === 'embedded');
    if (db.timescale) {
      const { rows } = await pool.query(`select hypertable_name from timescaledb_information.hypertables order by 1`);
      expect(rows.map((r) => r.hypertable_name)).toEqual(['events', 'readings']);
    }
  });

  it('applies each migration once', async () => {
    const again = await new Migrator(pool, env.config.databaseSchema, env.config.timescale).run();
    expect(again.applied).toEqual([]);
    const { rows } = await pool.query('select id from schema_migrations order by id');
    expect(rows.map((r) => r.id)).toEqual(path === 'embedded' ? ['001_foundation', 'timescale/001_hypertables'] : ['001_foundation']);
  });

  it('stores a resent reading once (idempotent on device, metric and time)', async () => {
    const repo = new ReadingsRepository(pool);
    const reading: ReadingRow = {
      time: at('2026-11-20T08:00:00+08:00'),
      deviceId: 'air-t1',
      metric: 'pm25',
      value: 42,
      receivedAt: at('2026-11-20T00:00:01Z'),
      flags: 0,
    };
    const batch = { ...emptyBatch(), readings: [reading], seen: [{ deviceId: 'air-t1', at: reading.receivedAt }] };
    await repo.write(batch);
    await repo.write(batch);
    const stored = await repo.query({ deviceId: 'air-t1', from: at('2026-11-19T00:00:00Z'), to: at('2026-11-21T00:00:00Z'), limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ metric: 'pm25', value: 42, flags: 0 });
    expect(stored[0]!.time.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    const { rows } = await pool.query(`select last_seen_at from devices where id = 'air-t1'`);
    expect(rows[0].last_seen_at.toISOString()).toBe('2026-11-20T00:00:01.000Z');
  });

  it('commits every concurrently submitted message through the batching writer', async () => {
    const writer = new IngestWriter(new ReadingsRepository(pool), { lingerMs: 5, maxRows: 50, maxPending: 10_000 });
    const base = Date.parse('2026-11-21T00:00:00Z');
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        writer.submit({
          ...emptyBatch(),
          readings: [{ time: new Date(base + i * 1000), deviceId: 'air-t1', metric: 'pm10', value: i, receivedAt: new Date(base), flags: 0 }],
          deadLetters: i % 100 === 0 ? [{ receivedAt: new Date(base), deviceId: 'air-t1', topic: 't', reason: 'test', payload: 'x' }] : [],
        }),
      ),
    );
    const { rows } = await pool.query(`select count(*)::int as n, sum(value)::int as s from readings where metric = 'pm10'`);
    expect(rows[0]).toEqual({ n: 300, s: (299 * 300) / 2 });
    const dead = await pool.query(`select count(*)::int as n from dead_letters where reason = 'test'`);
    expect(dead.rows[0].n).toBe(3);
  });

  it('refuses new messages beyond its bound instead of buffering without limit', async () => {
    const writer = new IngestWriter(new ReadingsRepository(pool), { lingerMs: 50, maxRows: 1000, maxPending: 2 });
    const one = (s: number) =>
      writer.submit({ ...emptyBatch(), readings: [{ time: new Date(Date.UTC(2026, 0, 1, 0, 0, s)), deviceId: 'air-t1', metric: 'so2', value: s, receivedAt: new Date(), flags: 0 }] });
    const accepted = [one(1), one(2)];
    await expect(one(3)).rejects.toThrow(/ingest buffer full/);
    await Promise.all(accepted);
  });

  it('locates points in the seeded unit grids', async () => {
    const locator = new GridLocatorService(new GridRepository(pool));
    await locator.reload();
    expect(locator.locate(112.5466, 37.8555)).toBe('140106001001001');
    expect(locator.locate(112.5550, 37.8510)).toBe('140105002002006');
    expect(locator.locate(112.50, 37.80)).toBeNull();
  });

  it('keeps one active alert per rule and device, and raises anew after a clear', async () => {
    const ruleId = await new RulesRepository(pool).insert({
      name: 'pm25', family: 'air', metric: 'pm25', operator: 'above', threshold: 150, severity: 'orange', incidentCategory: null, enabled: true,
    });
    const alerts = new AlertsRepository(pool);
    const first = await alerts.raise(ruleId, 'air-t1', 200, at('2026-11-22T00:00:00Z'));
    const repeat = await alerts.raise(ruleId, 'air-t1', 220, at('2026-11-22T00:01:00Z'));
    expect(first.raised).toBe(true);
    expect(repeat).toEqual({ id: first.id, raised: false });
    expect(await alerts.clear(ruleId, 'air-t1', at('2026-11-22T00:02:00Z'))).toBe(true);
    const next = await alerts.raise(ruleId, 'air-t1', 300, at('2026-11-22T00:03:00Z'));
    expect(next.raised).toBe(true);
    expect(next.id).not.toBe(first.id);
  });

  it('files one incident per source, however often it is reported', async () => {
    const incidents = new IncidentRepository(pool);
    const incident = {
      code: 'GH-T-1', category: 'air_pollution', title: 't', description: '', priority: 'high' as const, status: 'filed' as const,
      source: 'sensor', sourceRef: 'alert:test-1', lon: 112.5466, lat: 37.8555, gridCode: '140106001001001', createdAt: at('2026-11-22T00:00:00Z'),
    };
    const event = { action: 'file', fromStatus: null, toStatus: 'filed' as const, actor: 'test', at: incident.createdAt, detail: {} };
    const first = await incidents.insert(incident, event);
    const second = await incidents.insert({ ...incident, code: 'GH-T-2' }, event);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, incident: { id: first.incident.id, code: 'GH-T-1' } });
    expect(await incidents.events(first.incident.id)).toHaveLength(1);
  });
});
