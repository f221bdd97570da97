import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'gridhub:roles';
/** Only accounts with one of these roles may call the route (checked by the hub's auth guard). */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);
