import type { Role } from '@gridhub/contracts';

export interface Account {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  gridScope: string | null;
  workerId: string | null;
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
  role: Role;
  workerId: string | null;
  /** The grid-hierarchy node the account is confined to (a district, a street…); null = the whole city. */
  gridScope: string | null;
}
