import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ROLES_KEY } from '@gridhub/ingest';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { Principal } from './account.types';
import { IS_PUBLIC } from './public.decorator';

/** Every HTTP route needs a valid bearer token unless it is marked @Public(), and one of its @Roles() if it names some. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
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
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`this needs the role ${roles.join(' or ')}; you are ${principal.role}`);
    }
    return true;
  }
}
