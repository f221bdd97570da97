import { SetMetadata } from '@nestjs/common';
import type { PrincipalRole } from '@gridhub/contracts';

export const ROLES_KEY = 'gridhub:roles';
/** Only accounts with one of these roles may call the route (checked by the hub's auth guard). */
export const Roles = (...roles: PrincipalRole[]) => SetMetadata(ROLES_KEY, roles);
