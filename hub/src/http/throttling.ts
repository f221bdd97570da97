import { ExecutionContext } from '@nestjs/common';
import { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { HubConfig } from '../config/config';
import type { Principal } from '../auth/account.types';

const MINUTE_MS = 60_000;

const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<Request & { user?: Principal }>();
const isLogin = (context: ExecutionContext) => /\/api\/v1\/(auth\/(login|refresh)|kiosk\/session)$/.test(requestOf(context).path);

/**
 * Rate limits over a one-minute window: per client address, per signed-in account (so one account cannot
 * spread its load over addresses), and a much lower one on logins (and kiosk-token exchanges) per address. Counters live in this hub's
 * memory: behind a load balancer, each instance limits what reaches it.
 */
export function throttlerOptions(config: HubConfig): ThrottlerModuleOptions {
  const { rateLimitPerMinute, loginRateLimitPerMinute } = config.http;
  return {
    errorMessage: (_context, detail) => `too many requests: at most ${detail.limit} per minute; retry in ${Math.ceil(detail.timeToBlockExpire)} s`,
    throttlers: [
      { name: 'address', ttl: MINUTE_MS, limit: rateLimitPerMinute, getTracker: (req) => (req as Request).ip ?? 'unknown' },
      {
        name: 'account',
        ttl: MINUTE_MS,
        limit: rateLimitPerMinute,
        skipIf: (context) => !requestOf(context).user,
        getTracker: (req) => (req as { user?: Principal }).user?.sub ?? 'anonymous',
      },
      {
        name: 'login',
        ttl: MINUTE_MS,
        limit: loginRateLimitPerMinute,
        skipIf: (context) => !isLogin(context),
        getTracker: (req) => (req as Request).ip ?? 'unknown',
      },
    ],
  };
}
