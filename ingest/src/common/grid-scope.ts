import { ForbiddenException } from '@nestjs/common';

/**
 * Accounts are confined to a node of the grid hierarchy (a district, a street…): `gridScope`, null for the whole
 * city. Grid codes are hierarchical (6 + 3 + 3 + 3 digits, `docs/domain/governance.md`), so a grid lies in a
 * scope when its code starts with the scope's code.
 */
export interface ScopedActor {
  gridScope?: string | null;
}

export function withinScope(gridCode: string | null | undefined, scope: string | null | undefined): boolean {
  if (!scope) return true;
  return typeof gridCode === 'string' && gridCode.startsWith(scope);
}

/** Refuses (403) what lies outside the actor's part of the grid hierarchy, naming both. */
export function assertWithinScope(gridCode: string | null | undefined, actor: ScopedActor | undefined, what: string): void {
  const scope = actor?.gridScope ?? null;
  if (!withinScope(gridCode, scope)) {
    throw new ForbiddenException(`${what} lies outside your area: your account is limited to grid ${scope}`);
  }
}

/** The SQL-side filter value: the scope's code, matched as a prefix of a grid code (`like $n || '%'`). */
export function scopeOf(actor: ScopedActor | undefined): string | null {
  return actor?.gridScope ?? null;
}
