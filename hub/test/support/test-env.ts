import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { HubConfig, loadConfig } from '../../src/config/config';

/** The PostgreSQL 15 server of this machine (and CI): the plain-PostgreSQL path. */
export const SERVER_URL = process.env['GRIDHUB_TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['GRIDHUB_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export type DatabasePath = 'embedded' | 'server';
export const DATABASE_PATHS: DatabasePath[] = ['server', 'embedded'];

export interface TestEnv {
  config: HubConfig;
  /** The same settings as environment variables, for a hub started as a child process. */
  vars: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A hub configuration isolated for one test run: its own data directory, its own schema on the server
 * path, its own Redis key prefix, free ports. `cleanup` removes all three.
 */
export async function testEnv(path: DatabasePath, overrides: Record<string, string> = {}): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const dataDir = await mkdtemp(join(tmpdir(), `gridhub-test-${id}-`));
  const schema = `gh_test_${id}`;
  const vars: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    GRIDHUB_DATA_DIR: dataDir,
    REDIS_URL,
    REDIS_PREFIX: `gh-test-${id}`,
    GRIDHUB_ADMIN_PASSWORD: 'test-admin-password',
    // The tests that rely on the demo city's exact cells, devices and workers use the classic 48-grid city; the
    // Taiyuan city has its own tests (taiyuan-city.e2e.test.ts).
    GRIDHUB_DEMO_CITY: 'classic',
    LOG_LEVEL: 'silent',
    // Tests publish bursts far above a real sensor's rate; the limits have their own tests.
    MQTT_DEVICE_MESSAGES_PER_SECOND: '100000',
    MQTT_DEVICE_BYTES_PER_SECOND: '100000000',
    HTTP_RATE_LIMIT_PER_MINUTE: '100000',
    ...(path === 'server' ? { DATABASE_URL: SERVER_URL, DATABASE_SCHEMA: schema } : {}),
    ...overrides,
  };
  const config = loadConfig(vars);
  return {
    config,
    vars,
    async cleanup() {
      if (path === 'server') {
        const client = new Client({ connectionString: SERVER_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
      await clearRedisPrefix(config.redisPrefix);
    },
  };
}

async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
