import type { MultiPolygon, Polygon } from 'geojson';
import type { ComponentClass, ComponentState, GridArea, NewComponent } from '@gridhub/gridops';

/**
 * The demo city's components (部件), placed relative to whatever unit grids were seeded (so it follows any
 * demo geometry): in each unit grid a storm-drain cover, a street lamp and a litter bin at fixed fractions of
 * the grid's bounding box, a hydrant in every third grid and a gas cover in every fifth; a few damaged or
 * missing. A point that falls outside its grid (a concave grid) is left out. Identifiers follow GB/T 30428.2:
 * district code + class code + serial.
 */
const LAYOUT: { classCode: string; dx: number; dy: number; every: number }[] = [
  { classCode: '0103', dx: 0.3, dy: 0.35, every: 1 },
  { classCode: '0201', dx: 0.72, dy: 0.64, every: 1 },
  { classCode: '0302', dx: 0.45, dy: 0.75, every: 1 },
  { classCode: '0116', dx: 0.2, dy: 0.7, every: 3 },
  { classCode: '0111', dx: 0.8, dy: 0.2, every: 5 },
];

function bounds(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  const rings = geometry.type === 'Polygon' ? [geometry.coordinates[0]!] : geometry.coordinates.map((p) => p[0]!);
  const xs = rings.flat().map((p) => p[0]!);
  const ys = rings.flat().map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function stateOf(n: number): ComponentState {
  if (n % 11 === 5) return 'damaged';
  if (n % 17 === 8) return 'missing';
  return 'normal';
}

export function demoComponents(
  areas: readonly GridArea[],
  classes: ReadonlyMap<string, ComponentClass>,
  locate: (lon: number, lat: number) => string | null,
): NewComponent[] {
  const grids = areas.filter((a) => a.level === 'grid').sort((a, b) => a.code.localeCompare(b.code));
  const serials = new Map<string, number>();
  const out: NewComponent[] = [];
  grids.forEach((grid, g) => {
    const [minLon, minLat, maxLon, maxLat] = bounds(grid.geometry);
    for (const item of LAYOUT) {
      const cls = classes.get(item.classCode);
      if (!cls || g % item.every !== 0) continue;
      const lon = Math.round((minLon + (maxLon - minLon) * item.dx) * 1e6) / 1e6;
      const lat = Math.round((maxLat - (maxLat - minLat) * item.dy) * 1e6) / 1e6;
      if (locate(lon, lat) !== grid.code) continue;
      const prefix = grid.code.slice(0, 6) + item.classCode;
      const serial = (serials.get(prefix) ?? 0) + 1;
      serials.set(prefix, serial);
      out.push({
        id: prefix + String(serial).padStart(6, '0'),
        classCode: item.classCode,
        name: `${cls.nameZh} ${grid.name}-${serial}`,
        departmentCode: cls.defaultDepartment,
        lon,
        lat,
        gridCode: grid.code,
        state: stateOf(out.length),
        address: grid.name,
      });
    }
  });
  return out;
}
