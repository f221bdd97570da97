import { OnWire } from '@gridhub/contracts';
import { isoTime, Same, z } from '@gridhub/ingest';
import { AccountDetail } from './account.types';
import { accountSchema } from './auth.schema';
import { AUDIT_ACTIONS, AuditRecord } from './audit.repository';
import { KioskToken } from './kiosk-token.repository';

/** An account as administrators see it (never with its password hash), and whether it is locked now. */
export const accountDetailSchema = accountSchema.extend({
  disabled: z.boolean(),
  lockedUntil: isoTime.nullable(),
  failedLogins: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const accountViewSchema = accountDetailSchema.extend({ locked: z.boolean() });
export const accountListSchema = z.object({ items: z.array(accountViewSchema) });

/** One entry of the audit log. */
export const auditRecordSchema = z.object({
  id: z.string(),
  at: isoTime,
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const auditListSchema = z.object({ items: z.array(auditRecordSchema) });

/** A kiosk token as administrators see it (never the token itself, but on issue). */
export const kioskTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  gridScope: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: isoTime.nullable(),
  lastUsedIp: z.string().nullable(),
});
export const kioskTokenListSchema = z.object({ items: z.array(kioskTokenSchema) });
/** Issued: the token (in this answer only) and the overview link that uses it. */
export const issuedKioskTokenSchema = kioskTokenSchema.extend({ token: z.string(), url: z.string() });

const _account: Same<z.infer<typeof accountDetailSchema>, OnWire<AccountDetail>> = true;
const _audit: Same<z.infer<typeof auditRecordSchema>, OnWire<AuditRecord>> = true;
const _kiosk: Same<z.infer<typeof kioskTokenSchema>, OnWire<KioskToken>> = true;
void _account;
void _audit;
void _kiosk;
