import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { Pool } from 'pg';
import {
  AlertRepository,
  DeadLetterRow,
  emptyBatch,
  IngestWriter,
  LatestRepository,
  LivenessRepository,
  MessageWrite,
  ReadingSet,
  ReadingRepository,
  RetentionRepository,
  RollupRepository,
  RuleRepository,
  TimeseriesRepository,
} from '@gridhub/ingest';
import { GridLocatorService, GridRepository, IncidentRepository } from '@gridhub/gridops';
import { Database, openDatabase } from '../src/database/database';
import { Migrator } from '../src/database/migrator';
import { demoGrids } from '../src/seed/demo-city';
import { DATABASE_PATHS, testEnv, TestEnv } from './support/test-env';

const at = (iso: string) => new Date(iso);

/** One message's readings (received at its device time unless said). */
const readingSet = (deviceId: string, time: Date, values: Record<string, number>, receivedAt = time): ReadingSet => ({
  time, deviceId, values, receivedAt, flags: 0,
});
/** The same, as the writer takes it. */
const readings = (deviceId: string, time: Date, values: Record<string, number>, receivedAt = time): MessageWrite => ({
  kind: 'readings',
  row: readingSet(deviceId, time, values, receivedAt),
});
const deadLetterRow = (receivedAt: Date, deviceId: string, topic: string, reason: string): DeadLetterRow => ({
  receivedAt, deviceId, topic, reason, payload: '{}', payloadEncoding: 'utf8',
});

/** The numbered plain-SQL migrations in hub/migrations, in the order they apply. */
const PLAIN_MIGRATIONS = readdirSync(join(__dirname, '..', 'migrations'))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.slice(0, -4))
  .sort();

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
      `insert into devices (id, family, name, lon, lat, secret_hash, created_at)
       values ('air-t1', 'air', 't1', 112.547, 37.855, 'x', '2026-11-01T00:00:00Z'),
              ('air-t2', 'air', 't2', 112.548, 37.855, 'x', '2026-11-01T00:00:00Z'),
              ('water-t1', 'water', 'w1', 112.5462, 37.853, 'x', '2026-11-01T00:00:00Z')`,
    );
  });

  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  const addAirDevice = (id: string, name: string) =>
    pool.query(
      `insert into devices (id, family, name, lon, lat, secret_hash, created_at)
       values ($1, 'air', $2, 112.547, 37.855, 'x', '2026-11-01T00:00:00Z')`, [id, name]);

  it('uses TimescaleDB hypertables only where the extension exists', async () => {
    expect(db.mode).toBe(path);
    expect(db.timescale).toBe(path === 'embedded');
    if (db.timescale) {
      const { rows } = await pool.query(`select hypertable_name from timescaledb_information.hypertables order by 1`);
      expect(rows.map((r) => r.hypertable_name)).toEqual(['events', 'reading_sets']);
    }
  });

  it('uses only what every TimescaleDB edition has: roll-ups stay tables kept by the hub, no compression', async () => {
    // The embedded build reports the community license in its first session only; trusting that once made
    // continuous aggregates whose triggers then refused every insert after a restart.
    const { rows } = await pool.query(`select relkind from pg_class where oid = to_regclass('readings_hourly')`);
    expect(rows[0].relkind).toBe('r');
    if (db.timescale) {
      const hypertables = await pool.query(`select compression_enabled from timescaledb_information.hypertables`);
      expect(hypertables.rows.every((r) => r.compression_enabled === false)).toBe(true);
    }
  });

  it('applies each migration once', async () => {
    const again = await new Migrator(pool, env.config.databaseSchema, env.config.timescale).run();
    expect(again.applied).toEqual([]);
    const { rows } = await pool.query('select id from schema_migrations order by id');
    expect(rows.map((r) => r.id)).toEqual(
      path === 'embedded'
        ? [...PLAIN_MIGRATIONS, 'timescale/001_hypertables', 'timescale/002_continuous_aggregates', 'timescale/003_realtime_aggregates', 'timescale/004_reading_sets']
        : PLAIN_MIGRATIONS,
    );
  });

  it('stores a resent reading once (idempotent on device, metric and time)', async () => {
    const repo = new ReadingRepository(pool);
    const batch = { ...emptyBatch(), readings: [readingSet('air-t1', at('2026-11-20T08:00:00+08:00'), { pm25: 42 }, at('2026-11-20T00:00:01Z'))] };
    await repo.write(batch);
    await repo.write(batch);
    const stored = await new TimeseriesRepository(pool).raw({
      deviceIds: ['air-t1'], metric: null, from: at('2026-11-19T00:00:00Z'), to: at('2026-11-21T00:00:00Z'), limit: 10,
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ metric: 'pm25', value: 42, flags: 0 });
    expect(stored[0]!.time.toISOString()).toBe('2026-11-20T00:00:00.000Z');
  });

  it('stores a device time once however many messages carry it: later ones add the metrics it lacks, the first value wins', async () => {
    const repo = new ReadingRepository(pool);
    const deviceId = 'air-same-time';
    await addAirDevice(deviceId, 'same time');
    const t = at('2026-11-24T03:00:00Z');
    const message = (values: Record<string, number>, flags = 0) => ({ ...readingSet(deviceId, t, values, at('2026-11-24T03:00:02Z')), flags });
    // In one batch (merged by the hub before the statement) …
    await repo.write({ ...emptyBatch(), readings: [message({ pm25: 10, no2: 20 }), message({ no2: 99, o3: 30 }), message({ o3: 98, co: 0.4 })] });
    // … and against the stored row (merged by the statement), a resend of it included.
    await repo.write({ ...emptyBatch(), readings: [message({ pm25: 97, so2: 5 }, 1), message({ pm25: 10, no2: 20 })] });
    const { rows } = await pool.query('select metric, value, flags from readings where device_id = $1 order by metric', [deviceId]);
    expect(rows).toEqual([
      { metric: 'co', value: 0.4, flags: 0 },
      { metric: 'no2', value: 20, flags: 0 },
      { metric: 'o3', value: 30, flags: 0 },
      { metric: 'pm25', value: 10, flags: 0 },
      { metric: 'so2', value: 5, flags: 0 },
    ]);
    const sets = await pool.query('select count(*)::int as n from reading_sets where device_id = $1', [deviceId]);
    expect(sets.rows[0].n).toBe(1);
    const { rows: latest } = await pool.query('select metric, value from latest_readings where device_id = $1 order by metric', [deviceId]);
    expect(latest.map((r) => [r.metric, r.value])).toEqual([['co', 0.4], ['no2', 20], ['o3', 30], ['pm25', 10], ['so2', 5]]);
  });

  it("keeps each message's own metrics when a batch interleaves messages of different metric lists", async () => {
    const repo = new ReadingRepository(pool);
    await addAirDevice('air-lists', 'lists');
    await pool.query(
      `insert into devices (id, family, name, lon, lat, secret_hash, created_at)
       values ('water-lists', 'water', 'lists', 112.5462, 37.853, 'x', '2026-11-01T00:00:00Z')`);
    const t = (minute: number) => at(`2026-11-24T05:${String(minute).padStart(2, '0')}:00Z`);
    await repo.write({
      ...emptyBatch(),
      readings: [
        readingSet('air-lists', t(1), { pm25: 1, no2: 2 }),
        readingSet('water-lists', t(1), { ph: 7.1, do_mg_l: 8 }),
        readingSet('air-lists', t(2), { pm25: 3, no2: 4 }),
        readingSet('air-lists', t(3), { no2: 5, pm25: 6 }), // the same names in another order: another list
        readingSet('water-lists', t(2), { ph: 7.2 }),
        readingSet('water-lists', t(3), { ph: 7.3, do_mg_l: 9 }),
      ],
    });
    const { rows } = await pool.query(
      `select device_id, extract(minute from time)::int as minute, metric, value from readings
        where device_id in ('air-lists', 'water-lists') order by 1, 2, 3`,
    );
    expect(rows.map((r) => `${r.device_id} ${r.minute} ${r.metric}=${r.value}`)).toEqual([
      'air-lists 1 no2=2', 'air-lists 1 pm25=1', 'air-lists 2 no2=4', 'air-lists 2 pm25=3', 'air-lists 3 no2=5', 'air-lists 3 pm25=6',
      'water-lists 1 do_mg_l=8', 'water-lists 1 ph=7.1', 'water-lists 2 ph=7.2', 'water-lists 3 do_mg_l=9', 'water-lists 3 ph=7.3',
    ]);
  });

  it('writes a batch mixing a resent reading with new ones: the new ones land, the newest time is latest, every hour is marked', async () => {
    const repo = new ReadingRepository(pool);
    const deviceId = 'air-mix.1';
    await addAirDevice(deviceId, 'odd');
    const message = (iso: string, values: Record<string, number>) => readingSet(deviceId, at(iso), values, at('2026-11-25T12:00:00Z'));
    await repo.write({ ...emptyBatch(), readings: [message('2026-11-25T09:10:00Z', { pm25: 1 })] });
    await repo.write({
      ...emptyBatch(),
      readings: [
        message('2026-11-25T11:30:00Z', { pm25: 3 }),
        message('2026-11-25T09:10:00Z', { pm25: 99 }), // the resend: the first stored value stays
        message('2026-11-25T10:05:00Z', { pm25: 2, no2: 7 }), // late within the batch: pm25 not latest
      ],
    });
    const { rows: stored } = await pool.query(
      'select metric, value from readings where device_id = $1 order by metric, time', [deviceId]);
    expect(stored).toEqual([{ metric: 'no2', value: 7 }, { metric: 'pm25', value: 1 }, { metric: 'pm25', value: 2 }, { metric: 'pm25', value: 3 }]);
    const { rows: latest } = await pool.query(
      'select metric, value, time from latest_readings where device_id = $1 order by metric', [deviceId]);
    expect(latest.map((r) => [r.metric, r.value, r.time.toISOString()])).toEqual([
      ['no2', 7, '2026-11-25T10:05:00.000Z'],
      ['pm25', 3, '2026-11-25T11:30:00.000Z'],
    ]);
    const { rows: dirty } = await pool.query('select distinct hour from rollup_dirty where device_id = $1 order by hour', [deviceId]);
    expect(dirty.map((r) => r.hour.toISOString())).toEqual(['2026-11-25T09:00:00.000Z', '2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z']);
  });

  it('stores every value and time exactly as sent (binary statement arrays), whatever its text or range', async () => {
    const repo = new ReadingRepository(pool);
    const deviceId = 'air-bin_1.x';
    await addAirDevice(deviceId, 'binary arrays');
    const received = at('2026-11-25T12:00:00.123Z');
    const cases: [string, string, number][] = [
      ['1999-12-31T23:59:59.999Z', 'm_before_2000', 0.1 + 0.2],
      ['1970-01-01T00:00:00.001Z', 'm_epoch', -0.000001],
      ['2000-01-01T00:00:00.000Z', 'm_pg_epoch', 1e-300],
      ['2026-11-25T11:59:59.999Z', 'm_now', Number.MAX_VALUE],
      ['2199-06-30T23:59:59.998Z', 'm_far', -Number.MAX_VALUE],
      ['2026-11-25T11:00:00.000Z', '指标·😀', 12345.678901234567],
    ];
    await repo.write({
      ...emptyBatch(),
      readings: cases.map(([iso, metric, value]) => ({ ...readingSet(deviceId, at(iso), { [metric]: value }, received), flags: 2 })),
    });
    const { rows } = await pool.query(
      'select time, metric, value, received_at, flags from readings where device_id = $1 order by time', [deviceId]);
    expect(rows.map((r) => [r.time.toISOString(), r.metric, r.value])).toEqual(
      [...cases].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0])));
    expect(rows.every((r) => r.received_at.getTime() === received.getTime() && r.flags === 2)).toBe(true);
    const { rows: latest } = await pool.query(
      'select metric, value, time, received_at from latest_readings where device_id = $1 order by metric', [deviceId]);
    expect(latest.map((r) => [r.time.toISOString(), r.metric, r.value])).toEqual(
      [...cases].sort((a, b) => (a[1] < b[1] ? -1 : 1)));
    const { rows: dirty } = await pool.query('select distinct hour from rollup_dirty where device_id = $1 order by hour', [deviceId]);
    expect(dirty.map((r) => r.hour.toISOString())).toEqual(
      ['1970-01-01T00:00:00.000Z', '1999-12-31T23:00:00.000Z', '2000-01-01T00:00:00.000Z', '2026-11-25T11:00:00.000Z', '2199-06-30T23:00:00.000Z']);
  });

  it('refuses a reading whose text the database cannot hold as data: only its message becomes a dead letter', async () => {
    const writer = new IngestWriter(new ReadingRepository(pool), { lingerMs: 20, maxRows: 100, maxPending: 100 });
    const t = at('2026-11-22T06:00:00Z');
    const good = writer.submit(readings('air-t2', t, { so2: 4 }));
    const poisoned = writer.submit(readings('air-t2', t, { 'n\u0000o2': 1 }), (reason) => deadLetterRow(t, 'air-t2', 'poison-text', reason));
    const badTime = writer.submit(readings('air-t2', new Date(NaN), { no2: 1 }, t), (reason) => deadLetterRow(t, 'air-t2', 'poison-time', reason));
    const alsoGood = writer.submit(readings('air-t2', t, { o3: 5 }));
    await Promise.all([good, poisoned, badTime, alsoGood]);
    const { rows } = await pool.query(`select metric from readings where device_id = 'air-t2' and time = $1 order by metric`, [t]);
    expect(rows.map((r) => r.metric)).toEqual(['o3', 'so2']);
    const dead = await pool.query(`select topic, reason from dead_letters where topic like 'poison-%' order by topic`);
    expect(dead.rows.map((r) => r.topic)).toEqual(['poison-text', 'poison-time']);
    expect(dead.rows[0].reason).toMatch(/^invalid byte sequence for encoding "UTF8": 0x00/);
    expect(dead.rows[1].reason).toBe('not a valid time: NaN');
  });

  it('commits every concurrently submitted message through the batching writer', async () => {
    const writer = new IngestWriter(new ReadingRepository(pool), { lingerMs: 5, maxRows: 50, maxPending: 10_000 });
    const base = Date.parse('2026-11-21T00:00:00Z');
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => [
        writer.submit(readings('air-t1', new Date(base + i * 1000), { pm10: i }, new Date(base))),
        ...(i % 100 === 0 ? [writer.submit({ kind: 'dead-letter', row: deadLetterRow(new Date(base), 'air-t1', 't', 'test') })] : []),
      ]).flat(),
    );
    const { rows } = await pool.query(`select count(*)::int as n, sum(value)::int as s from readings where metric = 'pm10'`);
    expect(rows[0]).toEqual({ n: 300, s: (299 * 300) / 2 });
    const dead = await pool.query(`select count(*)::int as n from dead_letters where reason = 'test'`);
    expect(dead.rows[0].n).toBe(3);
  });

  it('isolates a message the database refuses: its neighbours land, it becomes a dead letter', async () => {
    const writer = new IngestWriter(new ReadingRepository(pool), { lingerMs: 20, maxRows: 100, maxPending: 100 });
    const t = at('2026-11-21T06:00:00Z');
    const good = writer.submit(readings('air-t1', t, { so2: 4 }));
    const poisoned = writer.submit(
      { kind: 'event', row: { time: t, deviceId: 'air-t1', type: 'x', receivedAt: t, flags: 0, payload: { note: 'a\u0000b' } } },
      (reason) => deadLetterRow(t, 'air-t1', 'poison', reason),
    );
    const alsoGood = writer.submit(readings('air-t1', t, { o3: 5 }));
    await Promise.all([good, poisoned, alsoGood]);
    const { rows } = await pool.query(`select metric from readings where device_id = 'air-t1' and time = $1 order by metric`, [t]);
    expect(rows.map((r) => r.metric)).toEqual(['o3', 'so2']);
    const dead = await pool.query(`select reason from dead_letters where topic = 'poison'`);
    expect(dead.rows[0].reason).toMatch(/^rejected by the database|unsupported Unicode/);
  });

  it('refuses new messages beyond its bound instead of buffering without limit', async () => {
    const writer = new IngestWriter(new ReadingRepository(pool), { lingerMs: 50, maxRows: 1000, maxPending: 2 });
    const one = (s: number) =>
      writer.submit(readings('air-t1', new Date(Date.UTC(2026, 0, 1, 0, 0, s)), { so2: s }, new Date()));
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
    const ruleId = await new RuleRepository(pool).insert({
      name: 'pm25', family: 'air', metric: 'pm25', operator: 'above', threshold: 150, severity: 'orange', incidentCategory: null, enabled: true,
    });
    const alerts = new AlertRepository(pool);
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

  const reading = (deviceId: string, metric: string, iso: string, value: number) =>
    readingSet(deviceId, at(iso), { [metric]: value }, at('2026-11-22T12:00:00Z'));

  it('advances the latest value only with a newer device time', async () => {
    const repo = new ReadingRepository(pool);
    await repo.write({ ...emptyBatch(), readings: [reading('air-t2', 'no2', '2026-11-22T10:00:00+08:00', 30), reading('air-t2', 'no2', '2026-11-22T10:05:00+08:00', 31)] });
    await repo.write({ ...emptyBatch(), readings: [reading('air-t2', 'no2', '2026-11-22T09:00:00+08:00', 99)] }); // late
    const latest = await new LatestRepository(pool).list({ family: 'air' });
    const t2 = latest.find((d) => d.device.id === 'air-t2')!;
    expect(t2.readings['no2']!.value).toBe(31);
    expect(new Date(t2.readings['no2']!.time).toISOString()).toBe('2026-11-22T02:05:00.000Z');
    expect(latest.some((d) => d.device.family !== 'air')).toBe(false);
    expect((await new LatestRepository(pool).list({ family: 'water' })).find((d) => d.device.id === 'water-t1')!.readings).toEqual({});
    const inBox = await new LatestRepository(pool).list({ bbox: [112.5475, 37.85, 112.549, 37.86] });
    expect(inBox.map((d) => d.device.id)).toEqual(['air-t2']);
  });

  it('keeps the latest value per metric when messages carry different metrics, late ones included', async () => {
    const repo = new ReadingRepository(pool);
    const deviceId = 'air-partial';
    await addAirDevice(deviceId, 'partial sets');
    const set = (iso: string, values: Record<string, number>) => readingSet(deviceId, at(iso), values);
    await repo.write({ ...emptyBatch(), readings: [set('2026-11-23T10:00:00Z', { pm25: 1, no2: 2 })] });
    await repo.write({ ...emptyBatch(), readings: [set('2026-11-23T10:05:00Z', { pm25: 3 })] });
    await repo.write({ ...emptyBatch(), readings: [set('2026-11-23T09:55:00Z', { no2: 9, o3: 4 })] }); // late; o3 is new
    const { rows } = await pool.query('select metric, value, time from latest_readings where device_id = $1 order by metric', [deviceId]);
    expect(rows.map((r) => [r.metric, r.value, r.time.toISOString()])).toEqual([
      ['no2', 2, '2026-11-23T10:00:00.000Z'],
      ['o3', 4, '2026-11-23T09:55:00.000Z'],
      ['pm25', 3, '2026-11-23T10:05:00.000Z'],
    ]);
  });

  it('keeps hourly and daily roll-ups (China days) exact, late data included', async () => {
    const repo = new ReadingRepository(pool);
    const rollups = new RollupRepository(pool);
    await repo.write({
      ...emptyBatch(),
      readings: [
        reading('water-t1', 'ph', '2026-11-20T23:10:00+08:00', 7.0),
        reading('water-t1', 'ph', '2026-11-20T23:50:00+08:00', 8.0),
        reading('water-t1', 'ph', '2026-11-21T00:20:00+08:00', 6.5),
      ],
    });
    while ((await rollups.runOnce(2)) > 0);
    // A late reading for 23:00 arrives afterwards.
    await repo.write({ ...emptyBatch(), readings: [reading('water-t1', 'ph', '2026-11-20T23:30:00+08:00', 9.0)] });
    while ((await rollups.runOnce(100)) > 0);
    const ts = new TimeseriesRepository(pool);
    const q = { deviceIds: ['water-t1'], metric: 'ph', from: at('2026-11-20T00:00:00+08:00'), to: at('2026-11-22T00:00:00+08:00'), limit: 100 };
    const hourly = await ts.rolledUp(q, 'readings_hourly');
    expect(hourly.map((h) => [h.bucket.toISOString(), h.avg, h.min, h.max, h.count, h.last])).toEqual([
      ['2026-11-20T15:00:00.000Z', 8, 7, 9, 3, 8],
      ['2026-11-20T16:00:00.000Z', 6.5, 6.5, 6.5, 1, 6.5],
    ]);
    const daily = await ts.rolledUp(q, 'readings_daily');
    expect(daily.map((d) => [d.bucket.toISOString(), d.avg, d.min, d.max, d.count, d.last])).toEqual([
      ['2026-11-19T16:00:00.000Z', 8, 7, 9, 3, 8],
      ['2026-11-20T16:00:00.000Z', 6.5, 6.5, 6.5, 1, 6.5],
    ]);
    // The same figures computed from raw readings.
    const binned = await ts.binned(q, 3600);
    expect(binned.map((b) => [b.bucket.toISOString(), b.avg, b.count, b.last])).toEqual(hourly.map((h) => [h.bucket.toISOString(), h.avg, h.count, h.last]));
  });

  // The embedded database is one connection: transactions cannot overlap there.
  (path === 'server' ? it : it.skip)('never makes ingest wait for a running roll-up, and keeps the marks written meanwhile', async () => {
    const repo = new ReadingRepository(pool);
    const rollups = new RollupRepository(pool);
    const write = (iso: string, value: number) => repo.write({ ...emptyBatch(), readings: [reading('air-t1', 'so2', iso, value)] });
    await write('2026-11-23T10:05:00Z', 10);
    while ((await rollups.runOnce(100)) > 0);
    // A new reading of the same hour; the roll-up that takes it is held (by a lock on its hourly row) mid-way,
    // after its snapshot and before it commits.
    await write('2026-11-23T10:15:00Z', 20);
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `select 1 from readings_hourly where device_id = 'air-t1' and metric = 'so2' and bucket = '2026-11-23T10:00:00Z' for update`);
      const running = rollups.runOnce(100);
      // Until the roll-up is waiting for that lock, i.e. it has its snapshot and has read the marks.
      for (let waited = 0; ; waited += 20) {
        const { rows: blocked } = await pool.query(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (blocked[0].n > 0) break;
        if (waited > 5000) throw new Error('the roll-up never reached the held row');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Ingest of the same device and hour goes through at once (it used to wait for the roll-up to commit).
      const landed = await Promise.race([write('2026-11-23T10:25:00Z', 60).then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
      expect(landed).toBe(true);
      await holder.query('commit');
      expect(await running).toBeGreaterThan(0);
    } finally {
      holder.release();
    }
    // The mark of the reading that landed meanwhile was kept: the next run takes it.
    while ((await rollups.runOnce(100)) > 0);
    const { rows } = await pool.query(
      `select avg, count from readings_hourly where device_id = 'air-t1' and metric = 'so2' and bucket = '2026-11-23T10:00:00Z'`);
    expect(rows).toEqual([{ avg: 30, count: 3 }]);
  });

  it('removes raw data past retention and keeps the roll-ups', async () => {
    const repo = new ReadingRepository(pool);
    await repo.write({ ...emptyBatch(), readings: [reading('air-t2', 'co', '2025-01-05T12:00:00Z', 1.1), reading('air-t2', 'co', '2026-11-22T01:00:00Z', 0.9)] });
    while ((await new RollupRepository(pool).runOnce(100)) > 0);
    await new RetentionRepository(pool).removeOlderThan(at('2025-10-01T00:00:00Z'), db.timescale);
    const { rows } = await pool.query(`select time from readings where device_id = 'air-t2' and metric = 'co' order by time`);
    expect(rows.map((r) => r.time.toISOString())).toEqual(['2026-11-22T01:00:00.000Z']);
    const kept = await pool.query(`select count(*)::int as n from readings_hourly where device_id = 'air-t2' and metric = 'co'`);
    expect(kept.rows[0].n).toBe(2);
  });

  it('marks silent devices offline with one alert each, and clears it when they are heard from', async () => {
    const liveness = new LivenessRepository(pool);
    await liveness.recordSeen(['air-t1', 'water-t1'], [at('2026-11-22T00:00:00Z'), at('2026-11-22T00:00:00Z')]);
    // air: 60 s interval → offline after 3 min; water: 300 s → after 15 min.
    expect(await liveness.sweep(at('2026-11-22T00:04:00Z'))).toEqual(expect.arrayContaining(['air-t1']));
    expect(await liveness.sweep(at('2026-11-22T00:04:00Z'))).not.toContain('air-t1');
    expect(await liveness.sweep(at('2026-11-22T00:10:00Z'))).not.toContain('water-t1');
    const state = async (id: string) =>
      (await pool.query(`select d.online, (select count(*)::int from alerts a where a.device_id = d.id and a.kind = 'device_offline' and a.status <> 'cleared') as active from devices d where d.id = $1`, [id])).rows[0];
    expect(await state('air-t1')).toEqual({ online: false, active: 1 });
    expect(await liveness.recordSeen(['air-t1'], [at('2026-11-22T00:05:00Z')])).toEqual(['air-t1']);
    expect(await state('air-t1')).toEqual({ online: true, active: 0 });
  });
});
