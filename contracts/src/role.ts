/**
 * Who uses GridHub (docs/domain/governance.md): one union for the server's guards, the live channel's scoping,
 * the action rules and the browser.
 */
export const ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The roles that watch sensors, alerts and the city's state (everyone but grid workers). */
export const MONITOR_ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst'] as const satisfies readonly Role[];
