import { z } from 'zod';
import { DEFAULT_WORKING_HOURS, parseCalendarOverrides, parseWorkingHours, SENDER_CODE_PATTERN } from '@gridhub/contracts';

/** A bad or missing environment variable, named in the message. */
export class ConfigError extends Error {}

const portNumber = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`);
const port = (name: string, fallback: number) => portNumber(name).default(fallback);

const booleanFlag = (name: string) =>
  z.enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` }).transform((v) => v === 'true' || v === '1');

const positiveInt = (name: string, unit: string) =>
  z.coerce
    .number({ error: `${name} must be a number of ${unit}` })
    .int(`${name} must be a whole number of ${unit}`)
    .min(1, `${name} must be at least 1`);

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
  GRIDHUB_DEMO_CITY: z.enum(['taiyuan', 'classic'], { error: 'GRIDHUB_DEMO_CITY must be taiyuan or classic' }).default('taiyuan'),
  GRIDHUB_RETENTION_DAYS: z.coerce
    .number({ error: 'GRIDHUB_RETENTION_DAYS must be a number of days' })
    .int('GRIDHUB_RETENTION_DAYS must be a whole number of days')
    .min(1, 'GRIDHUB_RETENTION_DAYS must be at least 1')
    .default(400),
  GRIDHUB_WORKING_HOURS: z
    .string()
    .refine((v) => {
      try {
        parseWorkingHours(v);
        return true;
      } catch {
        return false;
      }
    }, 'GRIDHUB_WORKING_HOURS must be periods like 08:30-12:00,14:00-18:00 (ascending, not overlapping)')
    .default(DEFAULT_WORKING_HOURS),
  GRIDHUB_CALENDAR_OVERRIDES: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseCalendarOverrides(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `GRIDHUB_CALENDAR_OVERRIDES: ${(error as Error).message}` });
      }
    })
    .default(''),
  GRIDHUB_WARNING_SENDER_CODE: z
    .string()
    .regex(SENDER_CODE_PATTERN, 'GRIDHUB_WARNING_SENDER_CODE must be 14 digits: GB/T 2260 area code (6), GB/T 4657 agency code (3), unit code (3), extension (2)')
    .default('14010000000000'),
  GRIDHUB_TIMESCALE: z.enum(['auto', 'off'], { error: 'GRIDHUB_TIMESCALE must be auto or off' }).default('auto'),
  GRIDHUB_ACCESS_TOKEN_TTL: positiveInt('GRIDHUB_ACCESS_TOKEN_TTL', 'seconds').default(3600),
  GRIDHUB_REFRESH_TOKEN_TTL: positiveInt('GRIDHUB_REFRESH_TOKEN_TTL', 'seconds').default(14 * 86_400),
  GRIDHUB_LOGIN_MAX_FAILURES: positiveInt('GRIDHUB_LOGIN_MAX_FAILURES', 'attempts').default(5),
  GRIDHUB_LOCKOUT_MINUTES: positiveInt('GRIDHUB_LOCKOUT_MINUTES', 'minutes').default(15),
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o.length > 0))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'CORS_ORIGINS must be a comma-separated list of origins like https://gis.example.gov.cn')))
    .optional(),
  GRIDHUB_MEDIA_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o.length > 0))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'GRIDHUB_MEDIA_ORIGINS must be a comma-separated list of origins like http://10.1.2.3:8080')))
    .optional(),
  HTTP_BODY_LIMIT_KB: positiveInt('HTTP_BODY_LIMIT_KB', 'KiB').default(1024),
  HTTP_RATE_LIMIT_PER_MINUTE: positiveInt('HTTP_RATE_LIMIT_PER_MINUTE', 'requests').default(1200),
  HTTP_LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt('HTTP_LOGIN_RATE_LIMIT_PER_MINUTE', 'requests').default(30),
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL')
    .optional(),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,48}$/, 'MQTT_CLIENT_ID may hold up to 48 letters, digits, ., _ and -').optional(),
  MQTT_CONSUMERS: positiveInt('MQTT_CONSUMERS', 'connections').max(64, 'MQTT_CONSUMERS must be at most 64').default(8),
  GRIDHUB_BROKER_HOOK_SECRET: z.string().min(24, 'GRIDHUB_BROKER_HOOK_SECRET must have at least 24 characters').optional(),
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/, 'MQTT_SHARE_GROUP may hold letters, digits, _ and -').default('ingest'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/, 'NATS_URL must be a nats:// or tls:// URL (several separated by commas)')
    .optional(),
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'NATS_STREAM may hold up to 64 letters, digits, _ and -').default('GRIDHUB'),
  NATS_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'NATS_CONSUMER may hold up to 64 letters, digits, _ and -').default('ingest'),
  NATS_REPLICAS: positiveInt('NATS_REPLICAS', 'replicas').max(5, 'NATS_REPLICAS must be at most 5').default(1),
  NATS_ACK_WAIT_SECONDS: positiveInt('NATS_ACK_WAIT_SECONDS', 'seconds').default(30),
  NATS_MAX_DELIVER: positiveInt('NATS_MAX_DELIVER', 'deliveries').default(5),
  NATS_ACCOUNTS_FILE: z.string().min(1).optional(),
  NATS_SERVER_PID_FILE: z.string().min(1).optional(),
  MQTT_TLS_PORT: portNumber('MQTT_TLS_PORT').optional(),
  MQTT_TLS_CERT: z.string().optional(),
  MQTT_TLS_KEY: z.string().optional(),
  MQTT_DEVICE_MESSAGES_PER_SECOND: positiveInt('MQTT_DEVICE_MESSAGES_PER_SECOND', 'messages').default(50),
  MQTT_DEVICE_BYTES_PER_SECOND: positiveInt('MQTT_DEVICE_BYTES_PER_SECOND', 'bytes').default(256 * 1024),
  MQTT_MAX_PAYLOAD_BYTES: positiveInt('MQTT_MAX_PAYLOAD_BYTES', 'bytes').default(16 * 1024),
  MQTT_LOGIN_MAX_FAILURES: positiveInt('MQTT_LOGIN_MAX_FAILURES', 'attempts').default(10),
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
  /** Which demo city is seeded: the Taiyuan urban core (default) or the classic 48-grid strip kept for tests. */
  demoCity: 'taiyuan' | 'classic';
  timescale: 'auto' | 'off';
  /** Raw readings and events older than this many days are removed; roll-ups are kept. */
  retentionDays: number;
  /** The city's working hours on a workday (工作时), e.g. 08:30-12:00,14:00-18:00. */
  workingHours: string;
  /** The city's own days off and days worked over the national calendar (`YYYY-MM-DD=off|work,…`). */
  calendarOverrides: string;
  /** GB/T 35965.1 issuing unit code of the hub's early warnings (ZZZZZZDDDUUUXX). */
  warningSenderCode: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    /** Failed logins in a row that lock an account, and for how long. */
    maxFailures: number;
    lockoutMinutes: number;
  };
  http: {
    /** Origins allowed to call the API from a browser; empty: same origin only. */
    corsOrigins: string[];
    /** Video media servers (HLS) the map UI may load camera pictures from besides https ones (e.g. plain http on a LAN). */
    mediaOrigins: string[];
    bodyLimitKb: number;
    rateLimitPerMinute: number;
    loginRateLimitPerMinute: number;
  };
  mqtt: {
    /** An external broker (EMQX, Mosquitto…) to consume from with a shared subscription; null: embedded aedes. */
    url: string | null;
    username: string | null;
    password: string | null;
    shareGroup: string;
    /** Shared secret an external broker presents to /api/v1/broker/authenticate|authorize; null: hooks off. */
    hookSecret: string | null;
    /** Stable client id prefix for this instance on the external broker (persistent sessions); null: random, clean. */
    clientId: string | null;
    /** Ingest connections per instance to the external broker. */
    consumers: number;
    tls: { port: number; certFile: string; keyFile: string } | null;
    deviceMessagesPerSecond: number;
    deviceBytesPerSecond: number;
    maxPayloadBytes: number;
    loginMaxFailures: number;
  };
  /** NATS with JetStream as the ingest path (devices publish to its MQTT listener); null: not used. */
  nats: NatsConfig | null;
}

export interface NatsConfig {
  /** Server URLs without credentials. */
  servers: string[];
  user: string | null;
  password: string | null;
  stream: string;
  /** The durable pull consumer every hub instance shares. */
  consumer: string;
  replicas: number;
  ackWaitSeconds: number;
  /** Deliveries without an acknowledgement after which a message goes to dead letters instead of being stored. */
  maxDeliver: number;
  /** The NATS users file GridHub writes (device accounts for the MQTT listener); null: not issued. */
  accountsFile: string | null;
  /** The NATS server's PID file: signalled to reload after the accounts file changed. */
  serverPidFile: string | null;
}

/** Whether the hub consumes from an engine outside it (MQTT cluster broker or NATS) instead of running aedes. */
export function usesExternalBroker(config: HubConfig): boolean {
  return config.mqtt.url !== null || config.nats !== null;
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
    demoCity: c.GRIDHUB_DEMO_CITY,
    timescale: c.GRIDHUB_TIMESCALE,
    retentionDays: c.GRIDHUB_RETENTION_DAYS,
    workingHours: c.GRIDHUB_WORKING_HOURS,
    calendarOverrides: c.GRIDHUB_CALENDAR_OVERRIDES,
    warningSenderCode: c.GRIDHUB_WARNING_SENDER_CODE,
    logLevel: c.LOG_LEVEL,
    auth: {
      accessTokenTtlSeconds: c.GRIDHUB_ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: c.GRIDHUB_REFRESH_TOKEN_TTL,
      maxFailures: c.GRIDHUB_LOGIN_MAX_FAILURES,
      lockoutMinutes: c.GRIDHUB_LOCKOUT_MINUTES,
    },
    http: {
      corsOrigins: c.CORS_ORIGINS ?? [],
      mediaOrigins: c.GRIDHUB_MEDIA_ORIGINS ?? [],
      bodyLimitKb: c.HTTP_BODY_LIMIT_KB,
      rateLimitPerMinute: c.HTTP_RATE_LIMIT_PER_MINUTE,
      loginRateLimitPerMinute: c.HTTP_LOGIN_RATE_LIMIT_PER_MINUTE,
    },
    mqtt: {
      url: c.MQTT_URL ?? null,
      username: c.MQTT_USERNAME ?? null,
      password: c.MQTT_PASSWORD ?? null,
      shareGroup: c.MQTT_SHARE_GROUP,
      hookSecret: c.GRIDHUB_BROKER_HOOK_SECRET ?? null,
      clientId: c.MQTT_CLIENT_ID ?? null,
      consumers: c.MQTT_CONSUMERS,
      tls: tlsOf(c.MQTT_TLS_PORT, c.MQTT_TLS_CERT, c.MQTT_TLS_KEY),
      deviceMessagesPerSecond: c.MQTT_DEVICE_MESSAGES_PER_SECOND,
      deviceBytesPerSecond: c.MQTT_DEVICE_BYTES_PER_SECOND,
      maxPayloadBytes: c.MQTT_MAX_PAYLOAD_BYTES,
      loginMaxFailures: c.MQTT_LOGIN_MAX_FAILURES,
    },
    nats: natsOf(c),
  };
}

function natsOf(c: z.infer<typeof schema>): NatsConfig | null {
  if (!c.NATS_URL) {
    if (c.NATS_ACCOUNTS_FILE || c.NATS_SERVER_PID_FILE) throw new ConfigError('NATS_ACCOUNTS_FILE and NATS_SERVER_PID_FILE need NATS_URL');
    return null;
  }
  if (c.MQTT_URL) throw new ConfigError('MQTT_URL and NATS_URL exclude each other: set one external ingest path');
  if (c.NATS_SERVER_PID_FILE && !c.NATS_ACCOUNTS_FILE) throw new ConfigError('NATS_SERVER_PID_FILE needs NATS_ACCOUNTS_FILE (the file whose changes it signals)');
  let user: string | null = null;
  let password: string | null = null;
  const servers = c.NATS_URL.split(',').map((raw) => {
    const url = new URL(raw);
    if (url.username) user = decodeURIComponent(url.username);
    if (url.password) password = decodeURIComponent(url.password);
    return `${url.protocol}//${url.host}`;
  });
  if (c.NATS_ACCOUNTS_FILE && (!user || !password)) {
    throw new ConfigError('NATS_ACCOUNTS_FILE needs the hub\'s own NATS login in NATS_URL (nats://user:password@host:4222): the file replaces the server\'s users');
  }
  return {
    servers,
    user,
    password,
    stream: c.NATS_STREAM,
    consumer: c.NATS_CONSUMER,
    replicas: c.NATS_REPLICAS,
    ackWaitSeconds: c.NATS_ACK_WAIT_SECONDS,
    maxDeliver: c.NATS_MAX_DELIVER,
    accountsFile: c.NATS_ACCOUNTS_FILE ?? null,
    serverPidFile: c.NATS_SERVER_PID_FILE ?? null,
  };
}

function tlsOf(port: number | undefined, certFile: string | undefined, keyFile: string | undefined): HubConfig['mqtt']['tls'] {
  if (port === undefined && certFile === undefined && keyFile === undefined) return null;
  if (port === undefined || !certFile || !keyFile) {
    throw new ConfigError('MQTT_TLS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY go together: set all three for the TLS listener, or none');
  }
  return { port, certFile, keyFile };
}
