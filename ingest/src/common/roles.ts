import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'gridhub:roles';
/** Only accounts with one of these roles may call the route (checked by the hub's auth guard). */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);

/** The roles that watch sensors, alerts and the city's state (everyone but grid workers). */
export const MONITOR_ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst'] as const;
export const KIOSK_ROLE = 'kiosk' as const; // the wall screen's role (kiosk tokens): only routes marked @KioskAllowed() in the hub accept it
