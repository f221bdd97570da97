import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { Clock } from '@gridhub/ingest';
import { Principal } from './account.types';
import { AuditRepository } from './audit.repository';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Configuration that changes what the system does, whoever may change it. */
const CONFIGURATION = /^\/api\/v1\/(rules|event-rules|incident-categories|departments|grids\/import|devices)(\/|$|\?)/;
/** Already audited in detail where they happen. */
const AUDITED_ELSEWHERE = /^\/api\/v1\/(auth|accounts|kiosk-tokens|kiosk|catalogue)(\/|$)/;

/**
 * The audit log's administrative changes: every successful create, change or delete by an administrator, and
 * every change of configuration (rules, event rules, categories, departments, grids, devices) by anyone allowed
 * to make it — who, when, from where, which route. Bodies are not logged (they may hold secrets); the route and
 * its parameters say what was changed, and the changed records keep their own history.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const user = request.user;
    const path = request.originalUrl ?? request.url;
    const relevant =
      user !== undefined && MUTATING.has(request.method) && !AUDITED_ELSEWHERE.test(path) && (user.role === 'admin' || CONFIGURATION.test(path));
    if (!relevant) return next.handle();
    return next.handle().pipe(
      tap(() => {
        const status = context.switchToHttp().getResponse<Response>().statusCode;
        void this.audit.record({
          at: this.clock.now(),
          actor: `account:${user.username}`,
          action: 'admin.change',
          target: path.split('?')[0]!.slice(0, 200),
          ip: request.ip ?? null,
          detail: { method: request.method, status, role: user.role },
        });
      }),
    );
  }
}
