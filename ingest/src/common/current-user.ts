import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * The signed-in account of an HTTP request (what the auth guard put on `request.user`; undefined on a public
 * route without a token): `@CurrentUser() user: Actor` instead of reading `req.user` from a request type per
 * controller. The parameter's type is the caller's word for what the guard sets.
 */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<{ user?: unknown }>().user);
