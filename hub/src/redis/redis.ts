import Redis, { RedisOptions } from 'ioredis';

export class RedisUnavailableError extends Error {}

/** ioredis options from a redis:// or rediss:// URL (BullMQ takes options, not a URL). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Pings Redis once at start-up so an unreachable Redis is one clear line, not a stack trace. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: NodeJS.ErrnoException | null = null;
  client.on('error', (error: NodeJS.ErrnoException) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const u = new URL(url);
    const cause = lastError ?? (error as NodeJS.ErrnoException);
    const reason = cause.code ?? cause.message;
    throw new RedisUnavailableError(
      `Redis is not reachable at ${u.hostname}:${u.port || 6379} (${reason}). GridHub needs Redis for its job queues: ` +
        `start one (e.g. \`redis-server --daemonize yes\`) or set REDIS_URL.`,
    );
  } finally {
    client.disconnect();
  }
}
