import area from '@turf/area';
import { featureCollection, polygon as turfPolygon, multiPolygon as turfMultiPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import kinks from '@turf/kinks';
import union from '@turf/union';
import RBush from 'rbush';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import {
  districtInCity,
  GRID_LEVELS,
  GridArea,
  GridLevel,
  impliedParentCode,
  levelOfCode,
  parentLevel,
  ResponsibleParty,
} from './grid.types';

export const FEATURE_PROBLEMS = [
  'not_a_feature',
  'code_format',
  'missing_name',
  'level_mismatch',
  'unknown_parent',
  'duplicate_code',
  'geometry_type',
  'bad_coordinates',
  'unclosed_ring',
  'too_few_points',
  'self_intersection',
  'bad_responsible',
] as const;
export type FeatureProblemKind = (typeof FEATURE_PROBLEMS)[number];

export interface FeatureReason {
  reason: FeatureProblemKind;
  message: string;
}

export interface FeatureProblem {
  /** Position of the feature in the FeatureCollection. */
  index: number;
  code: string | null;
  reasons: FeatureReason[];
}

/** What is already stored, to resolve parents that are not in the import. */
export type KnownGrids = ReadonlyMap<string, { level: GridLevel }>;

const CODE_PATTERN = /^\d{6}(\d{3}){0,3}$/;
const MAX_NAME = 100;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function checkRings(polygons: unknown[], reasons: FeatureReason[]): void {
  polygons.forEach((rings, p) => {
    const where = polygons.length > 1 ? `polygon ${p + 1}, ` : '';
    if (!Array.isArray(rings) || rings.length === 0) {
      reasons.push({ reason: 'geometry_type', message: `${where}a polygon needs at least one ring` });
      return;
    }
    rings.forEach((ring: unknown, r) => {
      const name = `${where}${r === 0 ? 'outer ring' : `hole ${r}`}`;
      if (!Array.isArray(ring)) {
        reasons.push({ reason: 'geometry_type', message: `${name} is not an array of positions` });
        return;
      }
      const bad = ring.findIndex(
        (pos: unknown) =>
          !Array.isArray(pos) ||
          pos.length < 2 ||
          typeof pos[0] !== 'number' ||
          typeof pos[1] !== 'number' ||
          !Number.isFinite(pos[0]) ||
          !Number.isFinite(pos[1]) ||
          Math.abs(pos[0]) > 180 ||
          Math.abs(pos[1]) > 90,
      );
      if (bad >= 0) {
        reasons.push({ reason: 'bad_coordinates', message: `${name}: position ${bad + 1} is not [longitude, latitude] in WGS-84 degrees` });
        return;
      }
      const positions = ring as Position[];
      const distinct = new Set(positions.map((pos) => `${pos[0]},${pos[1]}`)).size;
      if (positions.length < 4 || distinct < 3) {
        reasons.push({ reason: 'too_few_points', message: `${name} has ${distinct} distinct positions; a ring needs at least 3 and 4 positions with the closing one` });
      }
      const first = positions[0]!;
      const last = positions[positions.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        reasons.push({ reason: 'unclosed_ring', message: `${name} is not closed: it starts at [${first[0]}, ${first[1]}] and ends at [${last[0]}, ${last[1]}] (RFC 7946 §3.1.6)` });
      }
    });
  });
}

/**
 * Checks one GeoJSON feature of an import: code format (6 + 3 + 3 + 3 digits), level and parent consistent with
 * the code, a closed, simple (non-self-intersecting) Polygon or MultiPolygon in WGS-84. Returns the grid, or
 * the reasons it is refused. Parents are checked later, against the whole import and the stored grids.
 */
export function parseFeature(feature: unknown, index: number): { area: GridArea | null; problem: FeatureProblem | null } {
  const reasons: FeatureReason[] = [];
  const refuse = () => ({ area: null, problem: { index, code, reasons } });
  let code: string | null = null;
  if (typeof feature !== 'object' || feature === null || (feature as Feature).type !== 'Feature') {
    reasons.push({ reason: 'not_a_feature', message: 'not a GeoJSON Feature ({"type": "Feature", "geometry": …, "properties": …})' });
    return refuse();
  }
  const f = feature as Feature;
  const props = (f.properties ?? {}) as Record<string, unknown>;
  const rawCode = props['code'] ?? f.id;
  code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : null;
  const level = code && CODE_PATTERN.test(code) ? levelOfCode(code) : null;
  if (!code || !level) {
    reasons.push({
      reason: 'code_format',
      message: `code ${JSON.stringify(rawCode ?? null)} is not a grid code: 6 digits (city or district), then 3 more per level (street 9, community 12, unit grid 15)`,
    });
  }
  const name = text(props['name']);
  if (!name || name.length > MAX_NAME) reasons.push({ reason: 'missing_name', message: `properties.name must be a non-empty text of at most ${MAX_NAME} characters` });
  const givenLevel = props['level'];
  if (givenLevel !== undefined && givenLevel !== null && level && givenLevel !== level) {
    reasons.push({
      reason: 'level_mismatch',
      message: `level "${String(givenLevel)}" does not match code ${code}, which is a ${level} code (${GRID_LEVELS.join(' → ')})`,
    });
  }
  let parentCode: string | null = null;
  if (level) {
    const implied = impliedParentCode(code!);
    const given = props['parentCode'] ?? props['parent_code'] ?? null;
    if (given !== null && typeof given !== 'string') {
      reasons.push({ reason: 'unknown_parent', message: 'properties.parentCode must be a code (text)' });
    } else if (implied) {
      if (given !== null && given !== implied) {
        reasons.push({ reason: 'level_mismatch', message: `parentCode ${given} does not match code ${code}: the ${level} code starts with its parent's code ${implied}` });
      }
      parentCode = implied;
    } else if (level === 'city') {
      if (given !== null) reasons.push({ reason: 'level_mismatch', message: `a city (${code}) has no parent, but parentCode ${given} was given` });
    } else if (given !== null) {
      if (levelOfCode(given) !== 'city' || !districtInCity(code!, given)) {
        reasons.push({ reason: 'level_mismatch', message: `district ${code} cannot lie in ${given}: a district's parent is its city (GB/T 2260, e.g. 140106 in 140100)` });
      }
      parentCode = given;
    }
  }
  const geometry = f.geometry as Polygon | MultiPolygon | null;
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') || !Array.isArray(geometry.coordinates)) {
    reasons.push({ reason: 'geometry_type', message: `geometry must be a Polygon or MultiPolygon, not ${geometry ? JSON.stringify(geometry.type) : 'null'}` });
  } else {
    const before = reasons.length;
    checkRings(geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates, reasons);
    if (reasons.length === before) {
      const crossings = kinks(geometry as Polygon).features; // kinks takes MultiPolygons too (its types say Polygon only)
      if (crossings.length > 0) {
        const at = crossings
          .slice(0, 3)
          .map((k) => `[${k.geometry.coordinates.map((v) => Math.round(v * 1e7) / 1e7).join(', ')}]`)
          .join(', ');
        reasons.push({ reason: 'self_intersection', message: `the boundary crosses itself at ${crossings.length} point(s): ${at}${crossings.length > 3 ? ' …' : ''}` });
      }
    }
  }
  const responsible = parseResponsible(props['responsible'], reasons);
  if (reasons.length > 0) return refuse();
  return { area: { code: code!, name: name!, level: level!, parentCode, geometry: geometry!, responsible }, problem: null };
}

function parseResponsible(value: unknown, reasons: FeatureReason[]): ResponsibleParty | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    reasons.push({ reason: 'bad_responsible', message: 'properties.responsible must be an object {name, phone, departmentCode}' });
    return null;
  }
  const r = value as Record<string, unknown>;
  const field = (key: string, max: number) => {
    const v = r[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.length > max) {
      reasons.push({ reason: 'bad_responsible', message: `properties.responsible.${key} must be a text of at most ${max} characters` });
      return null;
    }
    return v.trim() || null;
  };
  const party = { name: field('name', 100), phone: field('phone', 32), departmentCode: field('departmentCode', 32) };
  return party.name || party.phone || party.departmentCode ? party : null;
}

/**
 * Parents: each grid's parent must be in the import or already stored, one level up. Features whose parent is
 * refused are refused too (their parent would not exist).
 */
export function checkParents(
  areas: GridArea[],
  known: KnownGrids,
  problems: FeatureProblem[],
  indexOf: Map<string, number>,
  refusedInImport: ReadonlySet<string> = new Set(),
): GridArea[] {
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const refused = new Set<string>(refusedInImport);
  const ordered = [...areas].sort((a, b) => GRID_LEVELS.indexOf(a.level) - GRID_LEVELS.indexOf(b.level));
  for (const a of ordered) {
    if (!a.parentCode) continue;
    const parentLevelHere = byCode.get(a.parentCode)?.level ?? known.get(a.parentCode)?.level;
    let message: string | null = null;
    if (refused.has(a.parentCode)) message = `its parent ${a.parentCode} is refused in this import`;
    else if (!parentLevelHere) message = `parent ${a.parentCode} is neither stored nor in this import`;
    else if (parentLevelHere !== parentLevel(a.level)) message = `parent ${a.parentCode} is a ${parentLevelHere}, but a ${a.level}'s parent must be a ${parentLevel(a.level)}`;
    if (message) {
      refused.add(a.code);
      problems.push({ index: indexOf.get(a.code) ?? -1, code: a.code, reasons: [{ reason: 'unknown_parent', message }] });
    }
  }
  return areas.filter((a) => !refused.has(a.code));
}

export interface Overlap {
  parentCode: string | null;
  level: GridLevel;
  codes: [string, string];
  areaM2: number;
}

export interface Gap {
  parentCode: string;
  level: GridLevel;
  /** Part of the parent not covered by any child, or a hole enclosed by the children (no parent shape). */
  kind: 'uncovered' | 'hole';
  areaM2: number;
}

/** Below this, an overlap or gap is floating-point noise along shared edges (a unit grid is ~10,000 m²). */
export const TOPOLOGY_TOLERANCE_M2 = 1;

const m2 = (v: number) => Math.round(v * 10) / 10;
type Shape = Feature<Polygon | MultiPolygon>;
const asFeature = (g: Polygon | MultiPolygon): Shape => (g.type === 'Polygon' ? turfPolygon(g.coordinates) : turfMultiPolygon(g.coordinates));

/**
 * Overlaps between siblings (pairs of codes with the shared area) and gaps (the parent's area not covered by
 * its children, or holes the children enclose), per group of siblings (docs/domain/governance.md: unit grids
 * tile their community with clean topology). Areas in m² on the WGS-84 ellipsoid approximation of turf.
 */
export function topologyReport(groups: ReadonlyMap<string | null, GridArea[]>, parents: ReadonlyMap<string, GridArea>): { overlaps: Overlap[]; gaps: Gap[] } {
  const overlaps: Overlap[] = [];
  const gaps: Gap[] = [];
  for (const [parentCode, siblings] of groups) {
    if (siblings.length === 0) continue;
    const level = siblings[0]!.level;
    const tree = new RBush<{ minX: number; minY: number; maxX: number; maxY: number; i: number }>();
    const boxes = siblings.map((s, i) => {
      const pts = (s.geometry.type === 'Polygon' ? s.geometry.coordinates : s.geometry.coordinates.flat()).flat();
      const xs = pts.map((p) => p[0]!);
      const ys = pts.map((p) => p[1]!);
      return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys), i };
    });
    tree.load(boxes);
    for (const box of boxes) {
      for (const other of tree.search(box)) {
        if (other.i <= box.i) continue;
        const a = siblings[box.i]!;
        const b = siblings[other.i]!;
        const shared = intersect(featureCollection<Polygon | MultiPolygon>([asFeature(a.geometry), asFeature(b.geometry)]));
        const size = shared ? area(shared) : 0;
        if (size > TOPOLOGY_TOLERANCE_M2) {
          const codes = [a.code, b.code].sort() as [string, string];
          overlaps.push({ parentCode, level, codes, areaM2: m2(size) });
        }
      }
    }
    if (!parentCode) continue;
    const covered = siblings.length === 1 ? asFeature(siblings[0]!.geometry) : union(featureCollection<Polygon | MultiPolygon>(siblings.map((s) => asFeature(s.geometry))));
    if (!covered) continue;
    const parent = parents.get(parentCode);
    if (parent) {
      const inside = intersect(featureCollection<Polygon | MultiPolygon>([asFeature(parent.geometry), covered]));
      const uncovered = area(asFeature(parent.geometry)) - (inside ? area(inside) : 0);
      if (uncovered > TOPOLOGY_TOLERANCE_M2) gaps.push({ parentCode, level, kind: 'uncovered', areaM2: m2(uncovered) });
    } else {
      const polygons = covered.geometry.type === 'Polygon' ? [covered.geometry.coordinates] : covered.geometry.coordinates;
      for (const rings of polygons) {
        for (const hole of rings.slice(1)) {
          const size = area(turfPolygon([hole]));
          if (size > TOPOLOGY_TOLERANCE_M2) gaps.push({ parentCode, level, kind: 'hole', areaM2: m2(size) });
        }
      }
    }
  }
  overlaps.sort((x, y) => x.codes[0].localeCompare(y.codes[0]) || x.codes[1].localeCompare(y.codes[1]));
  return { overlaps, gaps };
}
