import { ROLES } from '@gridhub/contracts';
import { Same, z } from '@gridhub/ingest';
import type { Account } from './account.types';
import type { KioskSession, Session } from './auth.service';

/** The signed-in account, as login and refresh return it. */
export const accountSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  displayName: z.string(),
  gridScope: z.string().nullable(),
  workerId: z.string().nullable(),
  departmentCode: z.string().nullable(),
});

/** Login and refresh: a bearer token, its refresh token and the account. */
export const sessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  refreshExpiresIn: z.number().int(),
  user: accountSchema,
});

/** A wall screen's session from its kiosk token. */
export const kioskSessionSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  kiosk: z.object({ id: z.string(), name: z.string(), gridScope: z.string().nullable() }),
});

const _account: Same<z.infer<typeof accountSchema>, Account> = true;
const _session: Same<z.infer<typeof sessionSchema>, Session> = true;
const _kiosk: Same<z.infer<typeof kioskSessionSchema>, KioskSession> = true;
void _account;
void _session;
void _kiosk;
