import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection, multiPolygon as turfMultiPolygon, polygon as turfPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import union from '@turf/union';
import RBush from 'rbush';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { GridArea } from './grid.types';

/**
 * Cuts an area (a district's outline) into unit grids of about `cellMetres` × `cellMetres` (万米单元网格) clipped to
 * it, and groups them into generated communities and streets, coded 6 + 3 + 3 + 3 digits
 * (docs/demo-city.md, "How the unit grids are cut"):
 *
 * - a lattice of cells anchored at `origin` (shared by neighbouring districts, so cells line up across a boundary);
 *   a cell that no edge of the outline crosses is kept whole when its centre is inside, one that an edge crosses is
 *   clipped to the outline (turf intersect); a clipped piece smaller than `mergeBelow` of a cell is merged into its
 *   largest neighbour of the same community, so no unit grid is a sliver;
 * - communities are blocks of `communityCells` × `communityCells` cells and streets blocks of
 *   `streetCommunities` × `streetCommunities` communities, both clipped to the outline; a block the outline leaves
 *   small (below `minStreetGrids` / `minCommunityGrids` unit grids) joins its largest neighbour (communities only
 *   within their street);
 * - streets are numbered in their district, communities in their street and unit grids in their community,
 *   west→east within a row and rows north→south.
 *
 * Whole cells and clipped pieces are disjoint and together cover the outline, so the unit grids tile it: no overlap,
 * no gap (grid-generator.spec.ts checks this on random outlines).
 */
export interface GridLattice {
  /** North-west corner of cell (0, 0), WGS-84. */
  origin: { lon: number; lat: number };
  cellMetres: number;
  /** Cells per side of a community block. */
  communityCells: number;
  /** Communities per side of a street block. */
  streetCommunities: number;
  /** A clipped piece below this share of a whole cell joins a neighbour in its community (0 keeps every piece). */
  mergeBelow: number;
  /** A community block cut to fewer unit grids than this by the outline joins a neighbouring one of its street. */
  minCommunityGrids?: number;
  /** A street block cut to fewer unit grids than this joins a neighbouring street block. */
  minStreetGrids?: number;
}

export interface GeneratedNames {
  /** Name of the street numbered `n` (1-based) of the district, whose block centre is `centre`. */
  street(n: number, centre: [number, number]): string;
  /** Name of the community numbered `n` in its street. */
  community(streetName: string, n: number, centre: [number, number]): string;
}

export interface DistrictToCut {
  code: string;
  name: string;
  area: Polygon | MultiPolygon;
  names: GeneratedNames;
}

/** A unit grid as generated: its lattice cell and whether it is a whole, unclipped cell. */
export interface GeneratedGrid {
  code: string;
  communityCode: string;
  col: number;
  row: number;
  whole: boolean;
  /** A point well inside the grid: the cell centre of a whole cell, else a point of the piece away from its edges. */
  inside: [number, number];
}

export interface GeneratedCommunity {
  code: string;
  name: string;
  streetCode: string;
  gridCodes: string[];
}

export interface GeneratedDistrict {
  areas: GridArea[];
  grids: GeneratedGrid[];
  communities: GeneratedCommunity[];
}

export const M_PER_DEG_LAT = 111_320;
const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
const pad = (n: number) => String(n).padStart(3, '0');

type Shape = Polygon | MultiPolygon;
const asFeature = (g: Shape): Feature<Shape> => (g.type === 'Polygon' ? turfPolygon(g.coordinates) : turfMultiPolygon(g.coordinates));

/** Cell sizes in degrees at the lattice's latitude. */
export function latticeSteps(lattice: GridLattice): { dLon: number; dLat: number } {
  const dLat = lattice.cellMetres / M_PER_DEG_LAT;
  const dLon = lattice.cellMetres / (M_PER_DEG_LAT * Math.cos((lattice.origin.lat * Math.PI) / 180));
  return { dLon, dLat };
}

interface Segment {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

interface Piece {
  col: number;
  row: number;
  geometry: Shape;
  whole: boolean;
  m2: number;
}

export function cutDistrict(district: DistrictToCut, lattice: GridLattice): GeneratedDistrict {
  const { dLon, dLat } = latticeSteps(lattice);
  const x = (col: number) => r7(lattice.origin.lon + col * dLon);
  const y = (row: number) => r7(lattice.origin.lat - row * dLat);
  const rect = (col0: number, row0: number, cols: number, rows: number): Polygon => {
    const [w, e, n, s] = [x(col0), x(col0 + cols), y(row0), y(row0 + rows)];
    return { type: 'Polygon', coordinates: [[[w, n], [w, s], [e, s], [e, n], [w, n]]] };
  };
  const outline = asFeature(district.area);
  const polygons: Position[][][] = district.area.type === 'Polygon' ? [district.area.coordinates] : district.area.coordinates;

  // Every edge of the outline in an R-tree: a cell that touches no edge's box is wholly inside or wholly outside.
  const edges = new RBush<Segment>();
  const boxes: Segment[] = [];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i]!;
      const [bx, by] = ring[i + 1]!;
      boxes.push({ minX: Math.min(ax!, bx!), minY: Math.min(ay!, by!), maxX: Math.max(ax!, bx!), maxY: Math.max(ay!, by!) });
      [minX, minY, maxX, maxY] = [Math.min(minX, ax!), Math.min(minY, ay!), Math.max(maxX, ax!), Math.max(maxY, ay!)];
    }
  }
  edges.load(boxes);

  const blocks = new Map<string, Feature<Shape> | null>();
  const blockShape = (cc: number, cr: number): Feature<Shape> | null => {
    const k = `${cc},${cr}`;
    if (!blocks.has(k)) {
      const C = lattice.communityCells;
      blocks.set(k, intersect(featureCollection<Shape>([asFeature(rect(cc * C, cr * C, C, C)), outline])));
    }
    return blocks.get(k)!;
  };
  const fullM2 = lattice.cellMetres * lattice.cellMetres;
  const pieces = new Map<string, Piece>();
  const key = (col: number, row: number) => `${col},${row}`;
  const col0 = Math.floor((minX - lattice.origin.lon) / dLon);
  const col1 = Math.ceil((maxX - lattice.origin.lon) / dLon);
  const row0 = Math.floor((lattice.origin.lat - maxY) / dLat);
  const row1 = Math.ceil((lattice.origin.lat - minY) / dLat);
  for (let row = row0; row < row1; row++) {
    for (let col = col0; col < col1; col++) {
      const box = { minX: x(col), minY: y(row + 1), maxX: x(col + 1), maxY: y(row) };
      const cell = rect(col, row, 1, 1);
      if (!edges.collides(box)) {
        const centre: [number, number] = [(box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2];
        if (booleanPointInPolygon(centre, outline)) pieces.set(key(col, row), { col, row, geometry: cell, whole: true, m2: area(cell) });
        continue;
      }
      // Clipped against its community block's piece of the outline (the same result, a much smaller polygon).
      const block = blockShape(Math.floor(col / lattice.communityCells), Math.floor(row / lattice.communityCells));
      const clipped = block ? intersect(featureCollection<Shape>([asFeature(cell), block])) : null;
      if (!clipped) continue;
      const m2 = area(clipped);
      if (m2 < 0.01) continue; // touches the outline along an edge or at a point only
      pieces.set(key(col, row), { col, row, geometry: clipped.geometry, whole: false, m2 });
    }
  }

  const C = lattice.communityCells;
  const S = lattice.streetCommunities;
  const communityOf = (p: { col: number; row: number }) => [Math.floor(p.col / C), Math.floor(p.row / C)] as const;

  // Slivers join their largest neighbour in the same community (smallest first, so chains settle).
  if (lattice.mergeBelow > 0) {
    const slivers = [...pieces.values()].filter((p) => !p.whole && p.m2 < lattice.mergeBelow * fullM2).sort((a, b) => a.m2 - b.m2);
    for (const sliver of slivers) {
      if (pieces.get(key(sliver.col, sliver.row)) !== sliver) continue;
      const [cc, cr] = communityOf(sliver);
      const neighbours = [
        [sliver.col - 1, sliver.row],
        [sliver.col + 1, sliver.row],
        [sliver.col, sliver.row - 1],
        [sliver.col, sliver.row + 1],
      ]
        .map(([c, r]) => pieces.get(key(c!, r!)))
        .filter((p): p is Piece => !!p && communityOf(p)[0] === cc && communityOf(p)[1] === cr)
        .sort((a, b) => b.m2 - a.m2);
      const into = neighbours[0];
      if (!into) continue;
      const merged = union(featureCollection<Shape>([asFeature(into.geometry), asFeature(sliver.geometry)]));
      if (!merged) continue;
      into.geometry = merged.geometry;
      into.whole = false;
      into.m2 += sliver.m2;
      pieces.delete(key(sliver.col, sliver.row));
    }
  }

  // Group pieces into community blocks, and those into street blocks.
  const communityBlocks = new Map<string, Block>();
  for (const p of pieces.values()) {
    const [cc, cr] = communityOf(p);
    const k = key(cc, cr);
    const entry = communityBlocks.get(k) ?? { col: cc, row: cr, size: 0, pieces: [] };
    entry.pieces.push(p);
    entry.size++;
    communityBlocks.set(k, entry);
  }
  const streetOfBlock = (b: Block) => key(Math.floor(b.col / S), Math.floor(b.row / S));
  const streetBlocks = new Map<string, Block>();
  for (const b of communityBlocks.values()) {
    const k = streetOfBlock(b);
    const entry = streetBlocks.get(k) ?? { col: Math.floor(b.col / S), row: Math.floor(b.row / S), size: 0, pieces: [] };
    entry.size += b.size;
    streetBlocks.set(k, entry);
  }
  // Blocks cut small by the outline join a neighbour: streets first, then communities within their (merged) street.
  const streetRoot = mergeSmall(streetBlocks, lattice.minStreetGrids ?? 0, () => true);
  const communityRoot = mergeSmall(communityBlocks, lattice.minCommunityGrids ?? 0, (a, b) => streetRoot.get(streetOfBlock(a)) === streetRoot.get(streetOfBlock(b)));

  const rowMajor = (a: { col: number; row: number }, b: { col: number; row: number }) => a.row - b.row || a.col - b.col;
  const unionOf = (shapes: Shape[]): Shape => {
    if (shapes.length === 1) return shapes[0]!;
    const merged = union(featureCollection<Shape>(shapes.map(asFeature)));
    if (!merged) throw new Error('empty union of blocks');
    return merged.geometry;
  };
  const clip = (g: Polygon): Shape | null => {
    const out = intersect(featureCollection<Shape>([asFeature(g), outline]));
    return out ? out.geometry : null;
  };
  const centreOf = (col: number, row: number, cols: number): [number, number] => [r7(x(col + cols / 2)), r7(y(row + cols / 2))];
  const middleOf = (blocks: { col: number; row: number }[], cells: number): [number, number] => {
    const [c, r] = [blocks.reduce((s, b) => s + b.col, 0) / blocks.length, blocks.reduce((s, b) => s + b.row, 0) / blocks.length];
    return centreOf(c * cells, r * cells, cells);
  };

  // Streets: groups of street blocks, numbered by their first block (row-major).
  const streetGroups = groupsOf(streetBlocks, streetRoot);
  const communityGroups = groupsOf(communityBlocks, communityRoot);
  const areas: GridArea[] = [{ code: district.code, name: district.name, level: 'district', parentCode: null, geometry: district.area }];
  const grids: GeneratedGrid[] = [];
  const communities: GeneratedCommunity[] = [];
  if (streetGroups.length > 999) throw new Error(`${district.code}: ${streetGroups.length} streets do not fit 3 digits; use larger street blocks`);
  streetGroups.forEach(({ root, members }, s) => {
    const streetCode = district.code + pad(s + 1);
    const streetName = district.names.street(s + 1, middleOf(members, S * C));
    const shapes = members.map((b) => clip(rect(b.col * S * C, b.row * S * C, S * C, S * C))).filter((g): g is Shape => !!g);
    if (shapes.length === 0) throw new Error(`${streetCode}: the street block lies outside the outline`);
    areas.push({ code: streetCode, name: streetName, level: 'street', parentCode: district.code, geometry: unionOf(shapes) });
    const mine = communityGroups.filter((g) => streetRoot.get(streetOfBlock(g.members[0]!)) === root);
    if (mine.length > 999) throw new Error(`${streetCode}: more than 999 communities`);
    mine.forEach(({ members: blocks }, c) => {
      const communityCode = streetCode + pad(c + 1);
      const name = district.names.community(streetName, c + 1, middleOf(blocks, C));
      const blockShapes = blocks.map((b) => blockShape(b.col, b.row)?.geometry ?? clip(rect(b.col * C, b.row * C, C, C))).filter((g): g is Shape => !!g);
      if (blockShapes.length === 0) throw new Error(`${communityCode}: the community block lies outside the outline`);
      areas.push({ code: communityCode, name, level: 'community', parentCode: streetCode, geometry: unionOf(blockShapes) });
      const cells = blocks.flatMap((b) => b.pieces).sort(rowMajor);
      if (cells.length > 999) throw new Error(`${communityCode}: more than 999 unit grids`);
      const gridCodes: string[] = [];
      cells.forEach((p, n) => {
        const code = communityCode + pad(n + 1);
        gridCodes.push(code);
        areas.push({ code, name: `${name}第${n + 1}网格`, level: 'grid', parentCode: communityCode, geometry: p.geometry });
        grids.push({ code, communityCode, col: p.col, row: p.row, whole: p.whole, inside: p.whole ? centreOf(p.col, p.row, 1) : pointInside(p.geometry) });
      });
      communities.push({ code: communityCode, name, streetCode, gridCodes });
    });
  });
  return { areas, grids, communities };
}

interface Block {
  col: number;
  row: number;
  /** Unit grids in the block. */
  size: number;
  pieces: Piece[];
}

/**
 * Joins every block with fewer than `min` unit grids (with what it has joined so far) to the adjacent group that is
 * largest, where `allowed`; smallest first. Returns each block's group root (a block key).
 */
function mergeSmall(blocks: ReadonlyMap<string, Block>, min: number, allowed: (a: Block, b: Block) => boolean): Map<string, string> {
  const parent = new Map([...blocks.keys()].map((k) => [k, k]));
  const size = new Map([...blocks].map(([k, b]) => [k, b.size]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  if (min > 0) {
    const order = [...blocks.keys()].sort((a, b) => size.get(a)! - size.get(b)!);
    for (const k of order) {
      const root = find(k);
      if (size.get(root)! >= min) continue;
      const members = [...blocks.keys()].filter((m) => find(m) === root);
      let best: string | null = null;
      for (const m of members) {
        const b = blocks.get(m)!;
        for (const [dc, dr] of [[-1, 0], [1, 0], [0, -1], [0, 1]] as const) {
          const n = `${b.col + dc},${b.row + dr}`;
          const other = blocks.get(n);
          if (!other || find(n) === root || !allowed(b, other)) continue;
          if (best === null || size.get(find(n))! > size.get(best)!) best = find(n);
        }
      }
      if (best === null) continue;
      parent.set(root, best);
      size.set(best, size.get(best)! + size.get(root)!);
    }
  }
  return new Map([...blocks.keys()].map((k) => [k, find(k)]));
}

/** The groups of blocks by root, each with its blocks in row-major order, groups ordered by their first block. */
function groupsOf(blocks: ReadonlyMap<string, Block>, roots: ReadonlyMap<string, string>): { root: string; members: Block[] }[] {
  const groups = new Map<string, Block[]>();
  for (const [k, b] of blocks) groups.set(roots.get(k)!, [...(groups.get(roots.get(k)!) ?? []), b]);
  const rowMajor = (a: Block, b: Block) => a.row - b.row || a.col - b.col;
  return [...groups]
    .map(([root, members]) => ({ root, members: members.sort(rowMajor) }))
    .sort((a, b) => rowMajor(a.members[0]!, b.members[0]!));
}

/**
 * A point inside a polygon away from its edges: the midpoint of the widest inside run of a horizontal line through
 * the middle of the largest part (a centroid can fall outside an L-shaped piece).
 */
export function pointInside(shape: Shape): [number, number] {
  const parts = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates;
  const largest = parts.map((rings) => ({ rings, m2: area(turfPolygon(rings)) })).sort((a, b) => b.m2 - a.m2)[0]!.rings;
  const ys = largest[0]!.map((p) => p[1]!);
  const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  let best: [number, number] | null = null;
  let bestWidth = -1;
  for (const f of [0.5, 0.3, 0.7, 0.15, 0.85]) {
    const yy = lo + (hi - lo) * f;
    const xs: number[] = [];
    for (const ring of largest) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i]!;
        const [bx, by] = ring[i + 1]!;
        if (ay! > yy !== by! > yy) xs.push(ax! + ((yy - ay!) * (bx! - ax!)) / (by! - ay!));
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (xs[i + 1]! - xs[i]! > bestWidth) {
        bestWidth = xs[i + 1]! - xs[i]!;
        best = [r7((xs[i]! + xs[i + 1]!) / 2), r7(yy)];
      }
    }
  }
  if (!best) throw new Error('no point inside a degenerate polygon');
  return best;
}
