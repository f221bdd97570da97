import fc from 'fast-check';
import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { polygon as turfPolygon, multiPolygon as turfMultiPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { cutDistrict, DistrictToCut, GridLattice, M_PER_DEG_LAT, pointInside } from './grid-generator';
import { GridIndex } from './grid-index';
import { topologyReport } from './grid-validation';
import { GridArea } from './grid.types';

const CENTRE = { lon: 112.55, lat: 37.85 };
const K = Math.cos((CENTRE.lat * Math.PI) / 180);
const LATTICE: GridLattice = {
  origin: { lon: 112.53, lat: 37.87 },
  cellMetres: 100,
  communityCells: 3,
  streetCommunities: 2,
  mergeBelow: 0.25,
  minCommunityGrids: 4,
  minStreetGrids: 12,
};
const NAMES = { street: (n: number) => `第${n}街道`, community: (street: string, n: number) => `${street}第${n}社区` };

/** A star-shaped ring around CENTRE: one radius (metres) per vertex at evenly spread angles, counter-clockwise. */
function star(radii: number[], dx = 0, dy = 0, turn = 0): Position[] {
  const ring = radii.map((r, i) => {
    const a = turn + (2 * Math.PI * i) / radii.length;
    return [
      Math.round((CENTRE.lon + (dx + r * Math.cos(a)) / (M_PER_DEG_LAT * K)) * 1e6) / 1e6,
      Math.round((CENTRE.lat + (dy + r * Math.sin(a)) / M_PER_DEG_LAT) * 1e6) / 1e6,
    ];
  });
  return [...ring, ring[0]!];
}

const shapeOf = (g: Polygon | MultiPolygon): Feature<Polygon | MultiPolygon> => (g.type === 'Polygon' ? turfPolygon(g.coordinates) : turfMultiPolygon(g.coordinates));

/** Every level tiles its parent: no overlap between siblings, no part of the parent left uncovered. */
function expectTiles(areas: GridArea[]) {
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const groups = new Map<string | null, GridArea[]>();
  for (const a of areas) if (a.parentCode) groups.set(a.parentCode, [...(groups.get(a.parentCode) ?? []), a]);
  const report = topologyReport(groups, byCode);
  expect(report).toEqual({ overlaps: [], gaps: [] });
}

const radii = fc.array(fc.integer({ min: 150, max: 700 }), { minLength: 5, maxLength: 11 });
/** An outline: a star, or a star with a star-shaped hole (a lake), or two stars apart (a district in two parts). */
const outline = fc.oneof(
  radii.map((r): Polygon => ({ type: 'Polygon', coordinates: [star(r)] })),
  fc.tuple(radii, fc.integer({ min: 20, max: 120 })).map(([r, hole]): Polygon => {
    const inner = Math.min(...r) * (hole / 200);
    return { type: 'Polygon', coordinates: [star(r), star([inner, inner, inner, inner, inner, inner]).reverse()] };
  }),
  fc.tuple(radii, radii).map(([a, b]): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [[star(a, -1000)], [star(b, 1000, 0, 0.3)]] })),
);

describe('cutDistrict: unit grids of ~100 m cut from an outline', () => {
  it('tiles any outline: no overlaps, no gaps, every point inside in exactly one unit grid and outside in none', () => {
    fc.assert(
      fc.property(outline, fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 50, maxLength: 50 }), (geometry, samples) => {
        const district: DistrictToCut = { code: '140106', name: '迎泽区', area: geometry, names: NAMES };
        const { areas, grids } = cutDistrict(district, LATTICE);
        const units = areas.filter((a) => a.level === 'grid');
        expect(units.length).toBe(grids.length);
        expect(new Set(areas.map((a) => a.code)).size).toBe(areas.length);
        for (const a of areas) expect(a.parentCode === null || a.code.startsWith(a.parentCode)).toBe(true);
        expectTiles(areas);
        // Areas add up: the unit grids cover exactly the outline.
        const total = units.reduce((s, g) => s + area(shapeOf(g.geometry)), 0);
        const whole = area(shapeOf(geometry));
        expect(Math.abs(total - whole)).toBeLessThan(Math.max(5, whole * 1e-5)); // a missing cell would be ~10,000 m²
        // Every sampled point: inside the outline ⇔ in exactly one unit grid, and the index finds that grid.
        const index = new GridIndex(units);
        const shape = shapeOf(geometry);
        const span = 2200;
        for (const [u, v] of samples) {
          const p: [number, number] = [CENTRE.lon + (u * span) / (M_PER_DEG_LAT * K), CENTRE.lat + (v * span) / M_PER_DEG_LAT];
          const containing = units.filter((g) => booleanPointInPolygon(p, shapeOf(g.geometry), { ignoreBoundary: true }));
          const inside = booleanPointInPolygon(p, shape, { ignoreBoundary: true });
          const onEdge = !inside && booleanPointInPolygon(p, shape);
          if (onEdge) continue;
          expect(containing.length).toBe(inside ? 1 : 0);
          expect(index.locate(p[0], p[1])).toBe(inside ? containing[0]!.code : null);
        }
      }),
      { numRuns: 12, seed: 19 },
    );
  });

  it('codes 6 + 3 + 3 + 3 digits, numbered west→east within a row and rows north→south', () => {
    const square: Polygon = { type: 'Polygon', coordinates: [star([1200, 1200, 1200, 1200], 0, 0, Math.PI / 4)] };
    const { areas, grids, communities } = cutDistrict({ code: '140105', name: '小店区', area: square, names: NAMES }, LATTICE);
    const levels = new Map(areas.map((a) => [a.code, a.level]));
    for (const [code, level] of levels) expect(code.length).toBe({ city: 6, district: 6, street: 9, community: 12, grid: 15 }[level]);
    expect(grids.every((g) => /^140105\d{9}$/.test(g.code))).toBe(true);
    for (const community of communities) {
      const cells = grids.filter((g) => g.communityCode === community.code);
      const order = [...cells].sort((a, b) => a.row - b.row || a.col - b.col);
      expect(cells.map((g) => g.code)).toEqual(order.map((g) => g.code));
      expect(cells[0]!.code.endsWith('001')).toBe(true);
    }
    // Street 001 is the north-west block; the next one lies east of it.
    const firstCells = (street: string) => grids.filter((g) => g.code.startsWith(street));
    const s1 = firstCells('140105001');
    const s2 = firstCells('140105002');
    expect(Math.min(...s2.map((g) => g.col))).toBeGreaterThan(Math.max(...s1.map((g) => g.col)));
    // A whole cell is about 100 m × 100 m.
    const whole = areas.find((a) => a.code === grids.find((g) => g.whole)!.code)!;
    expect(area(shapeOf(whole.geometry))).toBeCloseTo(10_000, -2);
    // Every generated grid's inner point lies in that grid.
    const index = new GridIndex(areas.filter((a) => a.level === 'grid'));
    for (const g of grids) expect(index.locate(g.inside[0], g.inside[1])).toBe(g.code);
  });

  it('joins blocks the outline cut small to a neighbour: a small community or street is left only with none beside it', () => {
    fc.assert(
      fc.property(outline, (geometry) => {
        const { grids, communities } = cutDistrict({ code: '140106', name: '迎泽区', area: geometry, names: NAMES }, LATTICE);
        const C = LATTICE.communityCells;
        const S = C * LATTICE.streetCommunities;
        /** Blocks (of `cells` cells) holding a grid of the group, and the groups holding a grid in each block. */
        const check = (groupOf: (g: (typeof grids)[number]) => string, cells: number, min: number, sameParent: (a: string, b: string) => boolean) => {
          const blockOf = (g: (typeof grids)[number]) => `${Math.floor(g.col / cells)},${Math.floor(g.row / cells)}`;
          const groupsInBlock = new Map<string, Set<string>>();
          const size = new Map<string, number>();
          for (const g of grids) {
            groupsInBlock.set(blockOf(g), (groupsInBlock.get(blockOf(g)) ?? new Set()).add(groupOf(g)));
            size.set(groupOf(g), (size.get(groupOf(g)) ?? 0) + 1);
          }
          for (const [group, n] of size) {
            if (n >= min) continue;
            for (const g of grids.filter((x) => groupOf(x) === group)) {
              const [bc, br] = blockOf(g).split(',').map(Number);
              for (const [dc, dr] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
                for (const other of groupsInBlock.get(`${bc! + dc!},${br! + dr!}`) ?? []) {
                  if (other !== group) expect({ small: group, besideIt: sameParent(group, other) ? other : null }).toEqual({ small: group, besideIt: null });
                }
              }
            }
          }
        };
        check((g) => g.code.slice(0, 9), S, LATTICE.minStreetGrids!, () => true);
        check((g) => g.communityCode, C, LATTICE.minCommunityGrids!, (a, b) => a.slice(0, 9) === b.slice(0, 9));
        // Merging moves no unit grid in or out.
        const without = cutDistrict({ code: '140106', name: '迎泽区', area: geometry, names: NAMES }, { ...LATTICE, minCommunityGrids: 0, minStreetGrids: 0 });
        expect(without.communities.length).toBeGreaterThanOrEqual(communities.length);
        expect(without.grids.length).toBe(grids.length);
      }),
      { numRuns: 10, seed: 7 },
    );
  });

  it('finds a point inside an L-shaped piece, where the centroid is outside', () => {
    const l: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
    const p = pointInside(l);
    expect(booleanPointInPolygon(p, turfPolygon(l.coordinates), { ignoreBoundary: true })).toBe(true);
  });
});
