import pino, { Logger } from 'pino';
import type { HubConfig } from './config/config';

/** JSON logs; human-readable lines when a person watches a terminal outside production. */
export function createLogger(config: Pick<HubConfig, 'logLevel' | 'env'>): Logger {
  const pretty = config.env !== 'production' && process.stdout.isTTY;
  return pino({
    level: config.logLevel,
    base: { service: 'gridhub' },
    // Tokens and cookies never reach the log.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } } : {}),
  });
}
