import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { emptyBatch, ReadingRepository, RollupRepository, TimeseriesRepository } from '@gridhub/ingest';
import { EmbeddedPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { MIGRATIONS_DIR, Migrator } from '../src/database/migrator';
import { DATABASE_PATHS, SERVER_URL } from './support/test-env';

const at = (iso: string) => new Date(iso);

/** timescale/002 as it was before migration 050: on a licensed TimescaleDB the roll-ups became continuous aggregates. */
const CONTINUOUS_AGGREGATES_BEFORE_050 = `do $$
begin
  if current_setting('gridhub.timescale_tsl', true) is distinct from 'on' then
    return;
  end if;
  drop table readings_hourly;
  drop table readings_daily;
  create materialized view readings_hourly with (timescaledb.continuous) as
    select time_bucket('1 hour', time) as bucket, device_id, metric,
           avg(value) as avg, min(value) as min, max(value) as max, count(*)::integer as count, last(value, time) as last
      from readings group by 1, 2, 3 with no data;
  create materialized view readings_daily with (timescaledb.continuous) as
    select time_bucket('1 day', time, '2000-01-01 00:00:00+08'::timestamptz) as bucket, device_id, metric,
           avg(value) as avg, min(value) as min, max(value) as max, count(*)::integer as count, last(value, time) as last
      from readings group by 1, 2, 3 with no data;
end $$;`;

/**
 * The migrations of an install made before readings were stored a row per message (migration 050): the plain ones
 * before it, and the Timescale steps as they were then (readings a hypertable too; continuous roll-ups where
 * licensed, made real-time by 003, which 050 left as it was).
 */
async function migrationsBefore050(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gridhub-migrations-'));
  await mkdir(join(dir, 'timescale'));
  for (const file of await readdir(MIGRATIONS_DIR)) {
    if (/^\d{3}_.*\.sql$/.test(file) && file < '050') await copyFile(join(MIGRATIONS_DIR, file), join(dir, file));
  }
  await writeFile(
    join(dir, 'timescale', '001_hypertables.sql'),
    `select create_hypertable('readings', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);
     select create_hypertable('events', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);
     do $$
     begin
       if current_setting('gridhub.timescale_tsl', true) is distinct from 'on' then
         return;
       end if;
       alter table readings set (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, metric',
                                 timescaledb.compress_orderby = 'time desc');
     end $$;`,
  );
  await writeFile(join(dir, 'timescale', '002_continuous_aggregates.sql'), CONTINUOUS_AGGREGATES_BEFORE_050);
  await copyFile(join(MIGRATIONS_DIR, 'timescale', '003_realtime_aggregates.sql'), join(dir, 'timescale', '003_realtime_aggregates.sql'));
  return dir;
}

describe.each(DATABASE_PATHS)('readings stored a row per message (migration 050), on the %s path', (path) => {
  let pool: Pool;
  let embedded: EmbeddedPostgres | null = null;
  let oldDir: string;
  let dataDir: string;
  const schema = `gh_test_m050_${process.pid}_${path}`;

  beforeAll(async () => {
    oldDir = await migrationsBefore050();
    dataDir = await mkdtemp(join(tmpdir(), 'gridhub-m050-'));
    const options = `-c search_path=${schema},public`;
    if (path === 'server') {
      pool = new Pool({ connectionString: SERVER_URL, max: 2, options });
    } else {
      embedded = await startEmbeddedPostgres(join(dataDir, 'pgdata'));
      pool = new Pool({ host: embedded.host, port: embedded.port, user: 'postgres', database: 'postgres', max: 1, options });
    }
  });

  afterAll(async () => {
    if (path === 'server') await pool?.query(`drop schema if exists ${schema} cascade`);
    await pool?.end();
    await embedded?.stop();
    await rm(oldDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('moves the readings stored a row per metric into a row per message; they read back the same, merged on their device time, and the view still takes writes', async () => {
    const licensed = path === 'embedded' ? 'never' : 'detect';
    const before = await new Migrator(pool, schema, 'auto', licensed, oldDir).run();
    expect(before.applied).not.toContain('050_reading_sets');
    await pool.query(
      `insert into devices (id, family, name, lon, lat, secret_hash, created_at)
       values ('air-old', 'air', 'a', 112.547, 37.855, 'x', '2026-11-01T00:00:00Z'),
              ('water-old', 'water', 'w', 112.546, 37.853, 'x', '2026-11-01T00:00:00Z')`,
    );
    // Stored the old way: two device times of one device, the first sent as two messages (different receive times
    // and flags), and an hourly roll-up already kept.
    await pool.query(
      `insert into readings (time, device_id, metric, value, received_at, flags) values
         ('2026-11-20T02:00:00Z', 'air-old', 'pm25', 41, '2026-11-20T02:00:05Z', 0),
         ('2026-11-20T02:00:00Z', 'air-old', 'no2', 17, '2026-11-20T02:00:05Z', 0),
         ('2026-11-20T02:00:00Z', 'air-old', 'o3', 90, '2026-11-20T02:00:01Z', 2),
         ('2026-11-20T02:01:00Z', 'air-old', 'pm25', 43, '2026-11-20T02:01:02Z', 1),
         ('2026-11-20T02:00:00Z', 'water-old', 'ph', 7.2, '2026-11-20T02:00:09Z', 0)`,
    );
    await pool.query(
      `insert into readings_hourly (bucket, device_id, metric, avg, min, max, count, last)
       values ('2026-11-20T02:00:00Z', 'air-old', 'pm25', 42, 41, 43, 2, 43)`,
    );

    const after = await new Migrator(pool, schema, 'auto', licensed).run();
    expect(after.applied).toContain('050_reading_sets');
    if (path === 'embedded') expect(after.applied).toEqual(['050_reading_sets', 'timescale/004_reading_sets']);

    const sets = await pool.query(
      `select device_id, time, received_at, flags, metrics, metric_values from reading_sets order by device_id, time`);
    expect(sets.rows.map((r) => [r.device_id, r.time.toISOString(), r.received_at.toISOString(), r.flags, r.metrics, r.metric_values])).toEqual([
      ['air-old', '2026-11-20T02:00:00.000Z', '2026-11-20T02:00:01.000Z', 2, ['no2', 'o3', 'pm25'], [17, 90, 41]],
      ['air-old', '2026-11-20T02:01:00.000Z', '2026-11-20T02:01:02.000Z', 1, ['pm25'], [43]],
      ['water-old', '2026-11-20T02:00:00.000Z', '2026-11-20T02:00:09.000Z', 0, ['ph'], [7.2]],
    ]);
    // `readings` answers as before: a row per metric.
    const view = await pool.query(`select device_id, metric, time, value from readings order by device_id, metric, time`);
    expect(view.rows.map((r) => [r.device_id, r.metric, r.time.toISOString(), r.value])).toEqual([
      ['air-old', 'no2', '2026-11-20T02:00:00.000Z', 17],
      ['air-old', 'o3', '2026-11-20T02:00:00.000Z', 90],
      ['air-old', 'pm25', '2026-11-20T02:00:00.000Z', 41],
      ['air-old', 'pm25', '2026-11-20T02:01:00.000Z', 43],
      ['water-old', 'ph', '2026-11-20T02:00:00.000Z', 7.2],
    ]);
    if (after.timescale) {
      const { rows } = await pool.query(`select hypertable_name from timescaledb_information.hypertables order by 1`);
      expect(rows.map((r) => r.hypertable_name)).toEqual(['events', 'reading_sets']);
    }

    // New messages of a stored device time add the metrics it lacks; the stored values stay.
    const repo = new ReadingRepository(pool);
    const message = (iso: string, values: Record<string, number>) =>
      ({ time: at(iso), deviceId: 'air-old', values, receivedAt: at('2026-11-20T03:00:00Z'), flags: 0 });
    await repo.write({ ...emptyBatch(), readings: [message('2026-11-20T02:00:00Z', { pm25: 99, co: 0.8 }), message('2026-11-20T02:02:00Z', { pm25: 45 })] });
    const series = await new TimeseriesRepository(pool).raw({
      deviceIds: ['air-old'], metric: null, from: at('2026-11-20T00:00:00Z'), to: at('2026-11-21T00:00:00Z'), limit: 100,
    });
    expect(series.map((r) => [r.metric, r.time.toISOString(), r.value])).toEqual([
      ['co', '2026-11-20T02:00:00.000Z', 0.8],
      ['no2', '2026-11-20T02:00:00.000Z', 17],
      ['o3', '2026-11-20T02:00:00.000Z', 90],
      ['pm25', '2026-11-20T02:00:00.000Z', 41],
      ['pm25', '2026-11-20T02:01:00.000Z', 43],
      ['pm25', '2026-11-20T02:02:00.000Z', 45],
    ]);
    // A hub of the previous version, still running during a rolling upgrade, writes into `readings` as it did (its
    // statement's shape: message arrays joined to reading arrays in a data-modifying CTE): the view takes it, with
    // the table's rule — a stored value stays, a new metric joins its device time's row, a new time gets a row.
    await pool.query(
      `with m as (select * from unnest($1::timestamptz[], $2::text[], $3::timestamptz[], $4::int2[]) with ordinality as m(t, device_id, r, flags, i)),
       stored as (
         insert into readings (time, device_id, metric, value, received_at, flags)
         select m.t, m.device_id, x.metric, x.value, m.r, m.flags
           from unnest($5::int4[], $6::text[], $7::float8[]) as x(i, metric, value) join m on m.i = x.i
          order by m.device_id, x.metric, m.t)
       select 1`,
      [
        [at('2026-11-20T02:01:00Z'), at('2026-11-20T02:03:00Z')], ['air-old', 'air-old'], [at('2026-11-20T03:00:00Z'), at('2026-11-20T03:00:00Z')], [0, 0],
        [1, 1, 2], ['pm25', 'so2', 'pm25'], [77, 6, 47],
      ],
    );
    const older = await pool.query(
      `select time, metrics, metric_values from reading_sets where device_id = 'air-old' and time in ('2026-11-20T02:01:00Z', '2026-11-20T02:03:00Z') order by time`);
    expect(older.rows.map((r) => [r.time.toISOString(), r.metrics, r.metric_values])).toEqual([
      ['2026-11-20T02:01:00.000Z', ['pm25', 'so2'], [43, 6]],
      ['2026-11-20T02:03:00.000Z', ['pm25'], [47]],
    ]);

    // The roll-up kept before goes on, recomputed from the moved readings with the new one.
    while ((await new RollupRepository(pool).runOnce(100)) > 0);
    const hourly = await pool.query(
      `select metric, avg, count, last from readings_hourly where device_id = 'air-old' order by metric`);
    expect(hourly.rows).toEqual([
      { metric: 'co', avg: 0.8, count: 1, last: 0.8 },
      { metric: 'no2', avg: 17, count: 1, last: 17 },
      { metric: 'o3', avg: 90, count: 1, last: 90 },
      { metric: 'pm25', avg: 44, count: 4, last: 47 },
      { metric: 'so2', avg: 6, count: 1, last: 6 },
    ]);
  });
});

/**
 * A licensed TimescaleDB (the compose deployments) had its roll-ups as continuous aggregates, which cannot be defined
 * over the unnest of `reading_sets`. The embedded build allows them in its first session only (docs/decisions.md),
 * which is enough to run 050 against real continuous aggregates: a fresh database, one connection, both migrations.
 */
describe('readings stored a row per message (migration 050) where the roll-ups were continuous aggregates', () => {
  let pool: Pool;
  let embedded: EmbeddedPostgres;
  let oldDir: string;
  let dataDir: string;
  const schema = `gh_test_m050_cagg_${process.pid}`;

  beforeAll(async () => {
    oldDir = await migrationsBefore050();
    dataDir = await mkdtemp(join(tmpdir(), 'gridhub-m050-'));
    embedded = await startEmbeddedPostgres(join(dataDir, 'pgdata'));
    pool = new Pool({ host: embedded.host, port: embedded.port, user: 'postgres', database: 'postgres', max: 1, idleTimeoutMillis: 0, options: `-c search_path=${schema},public` });
  });

  afterAll(async () => {
    await pool?.end();
    await embedded?.stop();
    await rm(oldDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it("turns them into the hub's tables with their contents, and marks the recent days for the roll-up job", async () => {
    await new Migrator(pool, schema, 'auto', 'detect', oldDir).run();
    const relkind = async () => (await pool.query(`select relkind from pg_class where oid = to_regclass('readings_hourly')`)).rows[0].relkind;
    expect(await relkind()).toBe('v');
    await pool.query(
      `insert into devices (id, family, name, lon, lat, secret_hash, created_at)
       values ('air-cagg', 'air', 'a', 112.547, 37.855, 'x', '2026-11-01T00:00:00Z')`,
    );
    // Readings of a month ago and of the last hours, stored the old way.
    const recent = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000);
    await pool.query(
      `insert into readings (time, device_id, metric, value, received_at, flags) values
         ('2026-11-01T02:10:00Z', 'air-cagg', 'pm25', 10, '2026-11-01T02:10:01Z', 0),
         ('2026-11-01T02:20:00Z', 'air-cagg', 'pm25', 20, '2026-11-01T02:20:01Z', 0),
         ($1, 'air-cagg', 'pm25', 30, $1, 0),
         ($1::timestamptz + interval '10 minutes', 'air-cagg', 'pm25', 50, $1, 0)`,
      [recent],
    );
    // The month-old chunk compressed, as the compression policy would have.
    const compressed = await pool.query(
      `select compress_chunk(c) as c from show_chunks('readings', older_than => timestamptz '2026-11-02T00:00:00Z') c`);
    expect(compressed.rows).toHaveLength(1);
    await pool.query(`call refresh_continuous_aggregate('readings_hourly', null, null)`);
    await pool.query(`call refresh_continuous_aggregate('readings_daily', null, null)`);
    const hourly = async () =>
      (await pool.query(`select bucket, metric, avg, min, max, count, last from readings_hourly where device_id = 'air-cagg' order by bucket`)).rows
        .map((r) => [r.bucket.toISOString(), r.metric, r.avg, r.min, r.max, Number(r.count), r.last]);
    const daily = async () =>
      (await pool.query(`select bucket, avg, count from readings_daily where device_id = 'air-cagg' order by bucket`)).rows
        .map((r) => [r.bucket.toISOString(), r.avg, Number(r.count)]);
    const hourlyBefore = await hourly();
    const dailyBefore = await daily();
    expect(hourlyBefore).toEqual([
      ['2026-11-01T02:00:00.000Z', 'pm25', 15, 10, 20, 2, 20],
      [recent.toISOString(), 'pm25', 40, 30, 50, 2, 50],
    ]);

    const after = await new Migrator(pool, schema, 'auto', 'detect').run();
    expect(after.applied).toEqual(['050_reading_sets', 'timescale/004_reading_sets']);
    expect(await relkind()).toBe('r');
    const hypertables = await pool.query(`select hypertable_name, compression_enabled from timescaledb_information.hypertables order by 1`);
    expect(hypertables.rows).toEqual([
      { hypertable_name: 'events', compression_enabled: false },
      { hypertable_name: 'reading_sets', compression_enabled: true },
    ]);
    const moved = await pool.query(`select count(*)::int as n from readings where device_id = 'air-cagg'`);
    expect(moved.rows[0].n).toBe(4);
    expect(await hourly()).toEqual(hourlyBefore);
    expect(await daily()).toEqual(dailyBefore);
    // Only the last three days are marked for recomputation.
    const marks = await pool.query(`select distinct hour from rollup_dirty where device_id = 'air-cagg'`);
    expect(marks.rows.map((r) => r.hour.toISOString())).toEqual([recent.toISOString()]);

    // From now on the hub keeps them: a new reading of the recent hour lands in its bucket.
    const rollups = new RollupRepository(pool);
    await new ReadingRepository(pool).write({
      ...emptyBatch(),
      readings: [{ time: new Date(recent.getTime() + 20 * 60_000), deviceId: 'air-cagg', values: { pm25: 70 }, receivedAt: new Date(), flags: 0 }],
    });
    while ((await rollups.runOnce(100)) > 0);
    expect(await hourly()).toEqual([
      ['2026-11-01T02:00:00.000Z', 'pm25', 15, 10, 20, 2, 20],
      [recent.toISOString(), 'pm25', 50, 30, 70, 3, 70],
    ]);
  });
});
