import { z } from 'zod';

/** A bad or missing environment variable, named in the message. */
export class ConfigError extends Error {}

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(fallback);

const booleanFlag = (name: string) =>
  z.enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` }).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'NODE_ENV must be development, production or test' }).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: port('HTTP_PORT', 8080),
  MQTT_PORT: port('MQTT_PORT', 1883),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'DATABASE_SCHEMA must be a lower-case SQL identifier')
    .default('public'),
  DATABASE_POOL_SIZE: z.coerce.number({ error: 'DATABASE_POOL_SIZE must be a number' }).int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'REDIS_PREFIX may hold letters, digits, :, _ and -').default('gridhub'),
  GRIDHUB_DATA_DIR: z.string().min(1, 'GRIDHUB_DATA_DIR must not be empty').default('./data'),
  GRIDHUB_ADMIN_PASSWORD: z.string().min(8, 'GRIDHUB_ADMIN_PASSWORD must have at least 8 characters').optional(),
  GRIDHUB_JWT_SECRET: z.string().min(32, 'GRIDHUB_JWT_SECRET must have at least 32 characters').optional(),
  GRIDHUB_SEED_DEMO: booleanFlag('GRIDHUB_SEED_DEMO').optional(),
  GRIDHUB_RETENTION_DAYS: z.coerce
    .number({ error: 'GRIDHUB_RETENTION_DAYS must be a number of days' })
    .int('GRIDHUB_RETENTION_DAYS must be a whole number of days')
    .min(1, 'GRIDHUB_RETENTION_DAYS must be at least 1')
    .default(400),
  GRIDHUB_TIMESCALE: z.enum(['auto', 'off'], { error: 'GRIDHUB_TIMESCALE must be auto or off' }).default('auto'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

export interface HubConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  httpPort: number;
  mqttPort: number;
  /** null: the embedded PGlite + TimescaleDB database under the data directory. */
  databaseUrl: string | null;
  databaseSchema: string;
  databasePoolSize: number;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  adminPassword: string | null;
  jwtSecret: string | null;
  /** Seed the demo city into an empty database (default: on unless NODE_ENV=production). */
  seedDemo: boolean;
  timescale: 'auto' | 'off';
  /** Raw readings and events older than this many days are removed; roll-ups are kept. */
  retentionDays: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The one place that reads the environment. Fails fast, naming the variable that is wrong. */
export function loadConfig(env: Record<string, string | undefined>): HubConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    httpPort: c.HTTP_PORT,
    mqttPort: c.MQTT_PORT,
    databaseUrl: c.DATABASE_URL ?? null,
    databaseSchema: c.DATABASE_SCHEMA,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    dataDir: c.GRIDHUB_DATA_DIR,
    adminPassword: c.GRIDHUB_ADMIN_PASSWORD ?? null,
    jwtSecret: c.GRIDHUB_JWT_SECRET ?? null,
    seedDemo: c.GRIDHUB_SEED_DEMO ?? c.NODE_ENV !== 'production',
    timescale: c.GRIDHUB_TIMESCALE,
    retentionDays: c.GRIDHUB_RETENTION_DAYS,
    logLevel: c.LOG_LEVEL,
  };
}
