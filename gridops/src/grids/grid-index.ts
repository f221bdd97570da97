import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import RBush, { BBox } from 'rbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { GridArea } from './grid.types';

interface Entry extends BBox {
  code: string;
  geometry: Polygon | MultiPolygon;
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

/**
 * Point-in-unit-grid lookup: an R-tree (rbush) of grid bounding boxes narrows the candidates, turf decides
 * containment. A point on a shared edge belongs to the grid with the lowest code, so the answer is stable.
 */
export class GridIndex {
  private readonly tree = new RBush<Entry>();

  constructor(grids: readonly GridArea[]) {
    const entries = grids
      .map((g) => ({ ...bboxOf(g.geometry), code: g.code, geometry: g.geometry }))
      .sort((a, b) => a.code.localeCompare(b.code));
    this.tree.load(entries);
  }

  get size(): number {
    return this.tree.all().length;
  }

  locate(lon: number, lat: number): string | null {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    const candidates = this.tree.search({ minX: lon, minY: lat, maxX: lon, maxY: lat });
    let found: string | null = null;
    for (const candidate of candidates) {
      if ((found === null || candidate.code < found) && booleanPointInPolygon([lon, lat], candidate.geometry)) {
        found = candidate.code;
      }
    }
    return found;
  }
}
