import type { Feature, LineString, Polygon } from 'geojson';

/**
 * The classic demo city's static background (hub/src/seed/demo-city.ts, GRIDHUB_DEMO_CITY=classic; the Taiyuan
 * city's is built in hub/src/seed/taiyuan/taiyuan-city.ts): the Fen River (汾河) west of the grid strip and
 * the main roads around it, in WGS-84. The grid strip spans lon 112.5460–112.5551, lat 37.8506–37.8560; the river's
 * east bank runs just west of it, where the three water stations stand (cellPoint(0, row, 0.08)). Names are
 * real Taiyuan names; the geometry is simplified to what a 1:5,000–1:20,000 command-centre view needs.
 */
/** `land`: a whole administrative area drawn as the ground beneath everything (the Taiyuan demo's districts and neighbours). */
export type BasemapLayer = 'land' | 'district' | 'street' | 'community' | 'water' | 'park' | 'road' | 'bridge';
export type RoadClass = 'expressway' | 'arterial' | 'secondary';

export interface BasemapProperties {
  layer: BasemapLayer;
  name: string;
  nameEn: string;
  code?: string;
  roadClass?: RoadClass;
}

/** [minLon, minLat, maxLon, maxLat]: the area the background covers (the strip plus ~1.5 km around it). */
export const DEMO_BASEMAP_EXTENT: [number, number, number, number] = [112.528, 37.838, 112.572, 37.868];

const f = <G extends Polygon | LineString>(geometry: G, properties: BasemapProperties): Feature<G, BasemapProperties> => ({
  type: 'Feature',
  geometry,
  properties,
});

// The river as a polygon: west bank then east bank back north; a gentle bend like the real Fen River here.
const EAST_BANK: [number, number][] = [
  [112.5452, 37.868],
  [112.5455, 37.862],
  [112.5457, 37.857],
  [112.5458, 37.853],
  [112.5457, 37.849],
  [112.5452, 37.844],
  [112.5446, 37.838],
];
const WEST_BANK: [number, number][] = EAST_BANK.map(([lon, lat], i) => [Math.round((lon - 0.0042 - (i % 3) * 0.0002) * 1e5) / 1e5, lat]);
const riverRing: [number, number][] = [...WEST_BANK, ...[...EAST_BANK].reverse(), WEST_BANK[0]!];
// Riverside parks (滨河公园) on both banks.
const eastPark: [number, number][] = [...EAST_BANK, ...[...EAST_BANK].reverse().map(([lon, lat]) => [lon + 0.0004, lat] as [number, number]), EAST_BANK[0]!];
const westPark: [number, number][] = [
  ...WEST_BANK.map(([lon, lat]) => [lon - 0.0009, lat] as [number, number]),
  ...[...WEST_BANK].reverse(),
  [WEST_BANK[0]![0] - 0.0009, WEST_BANK[0]![1]],
];

const line = (coordinates: [number, number][]): LineString => ({ type: 'LineString', coordinates });
const poly = (ring: [number, number][]): Polygon => ({ type: 'Polygon', coordinates: [ring] });

export const DEMO_BASEMAP_FEATURES: Feature<Polygon | LineString, BasemapProperties>[] = [
  f(poly(westPark), { layer: 'park', name: '汾河公园（西岸）', nameEn: 'Fen River Park (west bank)' }),
  f(poly(eastPark), { layer: 'park', name: '汾河公园（东岸）', nameEn: 'Fen River Park (east bank)' }),
  f(poly(riverRing), { layer: 'water', name: '汾河', nameEn: 'Fen River' }),
  // Riverside roads on both banks.
  f(line(EAST_BANK.map(([lon, lat]) => [lon + 0.0006, lat])), { layer: 'road', name: '滨河东路', nameEn: 'Binhe East Road', roadClass: 'expressway' }),
  f(line(WEST_BANK.map(([lon, lat]) => [lon - 0.0013, lat])), { layer: 'road', name: '滨河西路', nameEn: 'Binhe West Road', roadClass: 'expressway' }),
  // East–west arterials; the two that cross the river do so on bridges.
  f(line([[112.528, 37.8569], [112.572, 37.8569]]), { layer: 'road', name: '迎泽大街', nameEn: 'Yingze Street', roadClass: 'arterial' }),
  f(line([[112.5462, 37.8533], [112.572, 37.8533]]), { layer: 'road', name: '双塔西街', nameEn: 'Shuangta West Street', roadClass: 'secondary' }),
  f(line([[112.528, 37.8497], [112.572, 37.8497]]), { layer: 'road', name: '长风街', nameEn: 'Changfeng Street', roadClass: 'arterial' }),
  f(line([[112.5462, 37.8455], [112.572, 37.8455]]), { layer: 'road', name: '南内环街', nameEn: 'South Inner Ring Street', roadClass: 'secondary' }),
  // North–south.
  f(line([[112.5506, 37.868], [112.5506, 37.838]]), { layer: 'road', name: '建设南路', nameEn: 'Jianshe South Road', roadClass: 'arterial' }),
  f(line([[112.5585, 37.868], [112.5585, 37.838]]), { layer: 'road', name: '并州南路', nameEn: 'Bingzhou South Road', roadClass: 'arterial' }),
  f(line([[112.5652, 37.868], [112.5652, 37.838]]), { layer: 'road', name: '朝阳街', nameEn: 'Chaoyang Street', roadClass: 'secondary' }),
  f(line([[112.5362, 37.868], [112.5362, 37.838]]), { layer: 'road', name: '新晋祠路', nameEn: 'Xinjinci Road', roadClass: 'arterial' }),
  f(line([[112.5368, 37.8569], [112.5464, 37.8569]]), { layer: 'bridge', name: '迎泽大桥', nameEn: 'Yingze Bridge', roadClass: 'arterial' }),
  f(line([[112.5368, 37.8497], [112.5464, 37.8497]]), { layer: 'bridge', name: '长风大桥', nameEn: 'Changfeng Bridge', roadClass: 'arterial' }),
];
