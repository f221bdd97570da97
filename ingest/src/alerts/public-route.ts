import { SetMetadata } from '@nestjs/common';

/**
 * Marks a route that needs no bearer token. The key is the one the hub's auth guard reads (`IS_PUBLIC` in
 * hub/src/auth/public.decorator.ts); ingest cannot import the hub, so the name is repeated here.
 */
export const PublicRoute = () => SetMetadata('gridhub:public', true);
