import RBush, { BBox } from 'rbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { GridArea } from './grid.types';

interface Entry extends BBox {
  /** Rank by code: a lower rank is a lower code. */
  rank: number;
}

/** A polygon's rings flattened to [x0, y0, x1, y1, …] (closing point included), for a tight point-in-polygon loop. */
interface Shape {
  /** Outer rings and holes of every polygon part; `outer[i]` tells which is which. */
  rings: Float64Array[];
  /** Index of the first ring of each polygon part, plus rings.length at the end. */
  parts: Int32Array;
}

function bboxOf(geometry: Polygon | MultiPolygon): BBox {
  const rings: Position[][] = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x! < minX) minX = x!;
      if (y! < minY) minY = y!;
      if (x! > maxX) maxX = x!;
      if (y! > maxY) maxY = y!;
    }
  }
  return { minX, minY, maxX, maxY };
}

function shapeOf(geometry: Polygon | MultiPolygon): Shape {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Float64Array[] = [];
  const parts: number[] = [];
  for (const polygon of polygons) {
    parts.push(rings.length);
    for (const ring of polygon) {
      const flat = new Float64Array(ring.length * 2);
      ring.forEach(([x, y], i) => {
        flat[2 * i] = x!;
        flat[2 * i + 1] = y!;
      });
      rings.push(flat);
    }
  }
  parts.push(rings.length);
  return { rings, parts: Int32Array.from(parts) };
}

const INSIDE = 1;
const OUTSIDE = 0;
const ON_EDGE = 2;

/**
 * Crossing number of a closed ring, with points on an edge or vertex reported as ON_EDGE (turf's
 * booleanPointInPolygon counts the boundary as inside; so do we, so a shared edge is found in both grids).
 */
function ringTest(ring: Float64Array, x: number, y: number): number {
  let inside = false;
  const n = ring.length - 2;
  for (let i = 0; i < n; i += 2) {
    const x1 = ring[i]!;
    const y1 = ring[i + 1]!;
    const x2 = ring[i + 2]!;
    const y2 = ring[i + 3]!;
    // On the segment: collinear and within its bounding box.
    if ((x - x1) * (y2 - y1) === (y - y1) * (x2 - x1) && x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2)) {
      return ON_EDGE;
    }
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside ? INSIDE : OUTSIDE;
}

/** Inside the outer ring (or on its edge) and not strictly inside a hole of the same part. */
export function shapeContains(shape: Shape, x: number, y: number): boolean {
  const { rings, parts } = shape;
  for (let p = 0; p < parts.length - 1; p++) {
    const first = parts[p]!;
    const outer = ringTest(rings[first]!, x, y);
    if (outer === OUTSIDE) continue;
    if (outer === ON_EDGE) return true;
    let inHole = false;
    for (let h = first + 1; h < parts[p + 1]!; h++) {
      if (ringTest(rings[h]!, x, y) === INSIDE) {
        inHole = true;
        break;
      }
    }
    if (!inHole) return true;
  }
  return false;
}

/**
 * Point-in-unit-grid lookup. Unit grids are many (a city has thousands), similar in size and tile the city, so
 * the candidates come from a uniform bucket grid over their bounding boxes (cells about one unit grid in size;
 * each cell lists the grids whose box touches it, in code order) instead of a tree walk, and containment is a
 * point-in-polygon test over rings pre-flattened into typed arrays (turf's booleanPointInPolygon re-reads the
 * GeoJSON and its bbox on every call). An rbush + turf lookup ran at ~0.7 M lookups/s over 10,000 grids, this
 * at several M/s (bench/grid-lookup.js). A point on a shared edge belongs to the grid with the lowest code —
 * the first hit in a cell's list — so the answer is stable whatever the input order.
 */
export class GridIndex {
  private readonly codes: string[];
  private readonly shapes: Shape[];
  /** minX, minY, maxX, maxY per grid, by rank. */
  private readonly boxes: Float64Array;
  private readonly tree = new RBush<Entry>();
  private minX = 0;
  private minY = 0;
  private maxX = -1;
  private maxY = -1;
  private cellW = 1;
  private cellH = 1;
  private cols = 0;
  private rows = 0;
  /** Cell c lists ranks items[offsets[c]] … items[offsets[c + 1] - 1], ascending. */
  private offsets = new Int32Array(1);
  private items = new Int32Array(0);

  constructor(grids: readonly GridArea[]) {
    const sorted = [...grids].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    this.codes = sorted.map((g) => g.code);
    this.shapes = sorted.map((g) => shapeOf(g.geometry));
    this.boxes = new Float64Array(sorted.length * 4);
    const entries: Entry[] = [];
    sorted.forEach((g, rank) => {
      const { minX, minY, maxX, maxY } = bboxOf(g.geometry);
      this.boxes.set([minX, minY, maxX, maxY], rank * 4);
      // Plain literals of one shape: rbush reads them on every node visit (spread-built entries were 10× slower).
      entries.push({ minX, minY, maxX, maxY, rank });
    });
    this.tree.load(entries);
    if (sorted.length > 0) this.buildBuckets();
  }

  get size(): number {
    return this.codes.length;
  }

  /** Codes of the grids whose bounding box intersects the given one (for overlap checks and map queries). */
  search(minX: number, minY: number, maxX: number, maxY: number): string[] {
    return this.tree
      .search({ minX, minY, maxX, maxY })
      .map((e) => e.rank)
      .sort((a, b) => a - b)
      .map((rank) => this.codes[rank]!);
  }

  locate(lon: number, lat: number): string | null {
    if (!(lon >= this.minX && lon <= this.maxX && lat >= this.minY && lat <= this.maxY)) return null; // NaN too
    let cx = Math.floor((lon - this.minX) / this.cellW);
    let cy = Math.floor((lat - this.minY) / this.cellH);
    if (cx >= this.cols) cx = this.cols - 1;
    if (cy >= this.rows) cy = this.rows - 1;
    const cell = cy * this.cols + cx;
    const boxes = this.boxes;
    for (let k = this.offsets[cell]!, end = this.offsets[cell + 1]!; k < end; k++) {
      const rank = this.items[k]!;
      const b = rank * 4;
      if (lon < boxes[b]! || lat < boxes[b + 1]! || lon > boxes[b + 2]! || lat > boxes[b + 3]!) continue;
      if (shapeContains(this.shapes[rank]!, lon, lat)) return this.codes[rank]!;
    }
    return null;
  }

  private buildBuckets(): void {
    const n = this.codes.length;
    const boxes = this.boxes;
    const widths: number[] = [];
    const heights: number[] = [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let r = 0; r < n; r++) {
      minX = Math.min(minX, boxes[4 * r]!);
      minY = Math.min(minY, boxes[4 * r + 1]!);
      maxX = Math.max(maxX, boxes[4 * r + 2]!);
      maxY = Math.max(maxY, boxes[4 * r + 3]!);
      widths.push(boxes[4 * r + 2]! - boxes[4 * r]!);
      heights.push(boxes[4 * r + 3]! - boxes[4 * r + 1]!);
    }
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
    const spanX = Math.max(maxX - minX, 1e-9);
    const spanY = Math.max(maxY - minY, 1e-9);
    // Cells about the size of a typical grid, but never more than ~4 per grid in all.
    let cellW = Math.max(median(widths), spanX / 4096, 1e-9);
    let cellH = Math.max(median(heights), spanY / 4096, 1e-9);
    while ((spanX / cellW) * (spanY / cellH) > 4 * n + 16) {
      cellW *= 1.5;
      cellH *= 1.5;
    }
    for (;;) {
      const cols = Math.max(1, Math.ceil(spanX / cellW));
      const rows = Math.max(1, Math.ceil(spanY / cellH));
      const cellRange = (r: number) => [
        Math.min(cols - 1, Math.floor((boxes[4 * r]! - minX) / cellW)),
        Math.min(rows - 1, Math.floor((boxes[4 * r + 1]! - minY) / cellH)),
        Math.min(cols - 1, Math.floor((boxes[4 * r + 2]! - minX) / cellW)),
        Math.min(rows - 1, Math.floor((boxes[4 * r + 3]! - minY) / cellH)),
      ] as const;
      const counts = new Int32Array(cols * rows + 1);
      let total = 0;
      for (let r = 0; r < n; r++) {
        const [x0, y0, x1, y1] = cellRange(r);
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) counts[y * cols + x]!++;
        total += (x1 - x0 + 1) * (y1 - y0 + 1);
      }
      // A few huge grids (a district-sized MultiPolygon) would be listed in most cells: coarsen instead.
      if (total > 32 * n + 1024) {
        cellW *= 2;
        cellH *= 2;
        continue;
      }
      const offsets = new Int32Array(cols * rows + 1);
      for (let c = 0; c < cols * rows; c++) offsets[c + 1] = offsets[c]! + counts[c]!;
      const fill = offsets.slice(0, cols * rows);
      const items = new Int32Array(total);
      for (let r = 0; r < n; r++) {
        const [x0, y0, x1, y1] = cellRange(r);
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) items[fill[y * cols + x]!++] = r;
      }
      Object.assign(this, { minX, minY, maxX, maxY, cellW, cellH, cols, rows, offsets, items });
      return;
    }
  }
}
