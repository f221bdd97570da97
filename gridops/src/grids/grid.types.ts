import type { MultiPolygon, Polygon } from 'geojson';

/** City → district → street → community → unit grid (docs/domain/governance.md, "Grids and codes"). */
export const GRID_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

/**
 * Code length per level: a 6-digit administrative division code (GB/T 2260: a prefecture-level city ends in
 * "00", a district does not) + 3 street + 3 community + 3 grid digits (DB11/T 2157-2023 style).
 */
export const GRID_CODE_LENGTH: Readonly<Record<GridLevel, number>> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };

export const GRID_LEVEL_NAMES: Readonly<Record<GridLevel, { zh: string; en: string }>> = {
  city: { zh: '市', en: 'city' },
  district: { zh: '区', en: 'district' },
  street: { zh: '街道', en: 'street' },
  community: { zh: '社区', en: 'community' },
  grid: { zh: '单元网格', en: 'unit grid' },
};

/** The party answerable for a grid (责任主体): a named person or unit, and/or a department. */
export interface ResponsibleParty {
  name: string | null;
  phone: string | null;
  departmentCode: string | null;
}

export interface GridArea {
  code: string;
  name: string;
  level: GridLevel;
  parentCode: string | null;
  geometry: Polygon | MultiPolygon;
  responsible?: ResponsibleParty | null;
}

/** The codes of a grid's ancestors, nearest first (community, street, district for a unit grid). */
export function ancestorCodes(code: string): string[] {
  return [12, 9, 6].filter((length) => length < code.length).map((length) => code.slice(0, length));
}

export function levelOfCode(code: string): GridLevel | null {
  if (!/^\d+$/.test(code)) return null;
  if (code.length === 6) return code.endsWith('00') ? 'city' : 'district';
  return GRID_LEVELS.find((level) => level !== 'city' && level !== 'district' && GRID_CODE_LENGTH[level] === code.length) ?? null;
}

/** The level directly above, or null for a city. A district's parent, when present, is a city. */
export function parentLevel(level: GridLevel): GridLevel | null {
  const i = GRID_LEVELS.indexOf(level);
  return i > 0 ? GRID_LEVELS[i - 1]! : null;
}

/** The parent code a code implies (street → district prefix …); null for a city or a district (given explicitly). */
export function impliedParentCode(code: string): string | null {
  const level = levelOfCode(code);
  if (level === 'street' || level === 'community' || level === 'grid') return code.slice(0, code.length - 3);
  return null;
}

/** Whether `district` lies in `city` by GB/T 2260 prefix (140106 in 140100; 110101 in 110000). */
export function districtInCity(district: string, city: string): boolean {
  // Municipalities (北京 110000) hold districts directly under the province-level prefix.
  const prefix = city.endsWith('0000') ? city.slice(0, 2) : city.slice(0, 4);
  return district !== city && district.startsWith(prefix);
}
