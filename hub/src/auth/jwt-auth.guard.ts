import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ROLES_KEY } from '@gridhub/ingest';
import { Reflector } from '@nestjs/core';
import { Clock } from '@gridhub/ingest';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { Principal } from './account.types';
import { AuditRepository } from './audit.repository';
import { KIOSK_ALLOWED } from './kiosk.decorator';
import { IS_PUBLIC } from './public.decorator';

/**
 * Every HTTP route needs a valid bearer token unless it is marked @Public(), and one of its @Roles() if it names some.
 * A kiosk token is refused (and the refusal audited) on every route not marked @KioskAllowed().
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('a bearer token is required (POST /api/v1/auth/login)');
    const principal = await this.auth.principalOf(token);
    if (!principal) throw new UnauthorizedException('the bearer token is invalid or expired');
    request.user = principal;
    if (principal.role === 'kiosk' && !this.reflector.getAllAndOverride<boolean>(KIOSK_ALLOWED, [context.getHandler(), context.getClass()])) {
      await this.audit.record({
        at: this.clock.now(),
        actor: principal.username,
        action: 'kiosk.refused',
        target: principal.kioskId ?? null,
        ip: request.ip ?? null,
        detail: { method: request.method, path: (request.originalUrl ?? request.url).split('?')[0]!.slice(0, 200) },
      });
      throw new ForbiddenException('a kiosk token opens only the city overview (GET /api/v1/overview)');
    }
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`this needs the role ${roles.join(' or ')}; you are ${principal.role}`);
    }
    return true;
  }
}
