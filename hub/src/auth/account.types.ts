import type { PrincipalRole, Role } from '@gridhub/contracts';

export interface Account {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  gridScope: string | null;
  workerId: string | null;
  /** The department the account works for (its catalogue resources and requests); null for none. */
  departmentCode: string | null;
}

/** An account as administrators see it (never with its password hash). */
export interface AccountDetail extends Account {
  disabled: boolean;
  lockedUntil: Date | null;
  failedLogins: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a verified bearer token says about its holder (attached to the request as `user`). */
export interface Principal {
  sub: string;
  username: string;
  role: PrincipalRole;
  workerId: string | null;
  /** The department the account works for; null for none (and for kiosks). */
  departmentCode?: string | null;
  /** A kiosk principal: the id of its kiosk token (revoking it ends the principal). */
  kioskId?: string;
  /** The grid-hierarchy node the account is confined to (a district, a street…); null = the whole city. */
  gridScope: string | null;
}
