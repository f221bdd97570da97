import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      httpPort: 8080,
      mqttPort: 1883,
      databaseUrl: null,
      redisUrl: 'redis://127.0.0.1:6379',
      dataDir: './data',
      adminPassword: null,
      logLevel: 'info',
      seedDemo: true,
      workingHours: '08:30-12:00,14:00-18:00',
      demoCity: 'taiyuan',
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HTTP_PORT: '9000',
      MQTT_PORT: '11883',
      DATABASE_URL: 'postgresql://gridhub@db:5432/gridhub',
      REDIS_URL: 'redis://redis:6379/2',
      GRIDHUB_DATA_DIR: '/var/lib/gridhub',
      GRIDHUB_ADMIN_PASSWORD: 'correct horse battery',
      LOG_LEVEL: 'warn',
      GRIDHUB_WORKING_HOURS: '09:00-12:00,13:30-17:30',
      GRIDHUB_WARNING_SENDER_CODE: '14010612300100',
      GRIDHUB_CALENDAR_OVERRIDES: '2027-01-01=off,2027-02-06=work',
    });
    expect(config).toMatchObject({
      env: 'production',
      httpPort: 9000,
      mqttPort: 11883,
      databaseUrl: 'postgresql://gridhub@db:5432/gridhub',
      redisUrl: 'redis://redis:6379/2',
      dataDir: '/var/lib/gridhub',
      adminPassword: 'correct horse battery',
      logLevel: 'warn',
      seedDemo: false,
      workingHours: '09:00-12:00,13:30-17:30',
      warningSenderCode: '14010612300100',
      calendarOverrides: '2027-01-01=off,2027-02-06=work',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', HTTP_PORT: '' }).databaseUrl).toBeNull();
  });

  it('reads NATS settings and refuses those that do not go together, naming the variables', () => {
    const base = { NATS_URL: 'nats://127.0.0.1:4222' };
    expect(loadConfig({}).nats).toBeNull();
    expect(() => loadConfig({ ...base, MQTT_URL: 'mqtt://127.0.0.1:1883' })).toThrow(/MQTT_URL and NATS_URL/);
    expect(() => loadConfig({ ...base, NATS_ACCOUNTS_FILE: '/tmp/users.conf' })).toThrow(/NATS_ACCOUNTS_FILE needs the hub's own NATS login/);
    expect(() => loadConfig({ ...base, NATS_SERVER_PID_FILE: '/run/nats.pid' })).toThrow(/NATS_SERVER_PID_FILE needs NATS_ACCOUNTS_FILE/);
    expect(() => loadConfig({ NATS_ACCOUNTS_FILE: '/tmp/users.conf' })).toThrow(/need NATS_URL/);
    expect(() => loadConfig({ NATS_URL: 'http://x' })).toThrow(/NATS_URL must be/);
    expect(loadConfig({ NATS_URL: 'nats://hub:s%40cret@a:4222,nats://b:4222', NATS_REPLICAS: '3' }).nats).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      user: 'hub',
      password: 's@cret',
      stream: 'GRIDHUB',
      consumer: 'ingest',
      replicas: 3,
      ackWaitSeconds: 30,
      maxDeliver: 5,
      accountsFile: null,
      serverPidFile: null,
    });
  });

  it.each([
    ['HTTP_PORT', 'eighty', /HTTP_PORT/],
    ['HTTP_PORT', '70000', /HTTP_PORT must be between 0 and 65535/],
    ['MQTT_PORT', '-1', /MQTT_PORT/],
    ['DATABASE_URL', 'mysql://root@localhost/db', /DATABASE_URL must be a postgres/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis/],
    ['GRIDHUB_ADMIN_PASSWORD', 'short', /GRIDHUB_ADMIN_PASSWORD must have at least 8/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['NODE_ENV', 'staging', /NODE_ENV must be/],
    ['GRIDHUB_SEED_DEMO', 'maybe', /GRIDHUB_SEED_DEMO must be true or false/],
    ['GRIDHUB_WORKING_HOURS', '14:00-12:00', /GRIDHUB_WORKING_HOURS must be periods like 08:30-12:00/],
    ['GRIDHUB_WORKING_HOURS', '08:30-12:00,11:00-18:00', /GRIDHUB_WORKING_HOURS/],
    ['GRIDHUB_WARNING_SENDER_CODE', '140100', /GRIDHUB_WARNING_SENDER_CODE must be 14 digits/],
    ['GRIDHUB_CALENDAR_OVERRIDES', '2027-02-30=off', /GRIDHUB_CALENDAR_OVERRIDES: calendar override "2027-02-30=off"/],
    ['GRIDHUB_DEMO_CITY', 'beijing', /GRIDHUB_DEMO_CITY must be taiyuan or classic/],
  ])('fails fast naming %s when it is %p', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
