/**
 * SQLSTATE codes the ingest code reacts to (node-postgres puts the server's code on `error.code`; the binary
 * array encoder gives its refusals one too, see binary-array.ts).
 */
export const SQLSTATE = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  serializationFailure: '40001',
} as const;

/** The SQLSTATE of a database error, or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
