/**
 * Who uses GridHub (docs/domain/governance.md): one union for the server's guards, the live channel's scoping,
 * the action rules and the browser.
 */
export const ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Field roles: an account bound to a worker record, with a tablet and a task topic. The grid worker (网格员)
 * handles; the supervisor (监督员, supervision centre) verifies reports on site (核实) and re-inspects (核查).
 */
export const FIELD_ROLES = ['grid_worker', 'supervisor'] as const satisfies readonly Role[];
export type FieldRole = (typeof FIELD_ROLES)[number];

export function isFieldRole(role: string): role is FieldRole {
  return (FIELD_ROLES as readonly string[]).includes(role);
}

/** The roles that watch sensors, alerts and the city's state (everyone but field accounts). */
export const MONITOR_ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst'] as const satisfies readonly Role[];

/**
 * The read-only wall screen (a kiosk token on the overview page): a principal, never an account's role; only routes
 * that allow it accept it.
 */
export const KIOSK_ROLE = 'kiosk' as const;
/** Who a verified token speaks for: an account's role, or the kiosk. */
export type PrincipalRole = Role | typeof KIOSK_ROLE;
