import type { MultiPolygon, Polygon } from 'geojson';

/** District → street → community → unit grid (../shared/domain/governance.md, "Grids and codes"). */
export const GRID_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

/** Code length per level: 6-digit district + 3 street + 3 community + 3 grid (DB11/T 2157-2023 style). */
export const GRID_CODE_LENGTH: Readonly<Record<GridLevel, number>> = { district: 6, street: 9, community: 12, grid: 15 };

export interface GridArea {
  code: string;
  name: string;
  level: GridLevel;
  parentCode: string | null;
  geometry: Polygon | MultiPolygon;
}

/** The codes of a grid's ancestors, nearest first (community, street, district for a unit grid). */
export function ancestorCodes(code: string): string[] {
  return [12, 9, 6].filter((length) => length < code.length).map((length) => code.slice(0, length));
}

export function levelOfCode(code: string): GridLevel | null {
  return GRID_LEVELS.find((level) => GRID_CODE_LENGTH[level] === code.length && /^\d+$/.test(code)) ?? null;
}
