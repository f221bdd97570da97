/**
 * Real Taiyuan street names (太原 街路) for the demo city's labels, with APPROXIMATE WGS-84 positions authored from
 * public knowledge of the city's layout (the order and rough spacing of the streets, not surveyed lines): each
 * street is drawn straight, at a latitude (east–west streets) or longitude (north–south streets) within about
 * 100–300 m of where it runs. East–west streets start at 滨河东路 on the Fen River's east bank, which the demo city
 * derives from the river's course (taiyuan-city.ts), so streets and river stay consistent. Good enough to find
 * one's way on a command-centre screen; not for navigation. See docs/demo-city.md.
 */
export type RoadClass = 'expressway' | 'arterial' | 'secondary';

export interface EastWestStreet {
  name: string;
  nameEn: string;
  roadClass: RoadClass;
  lat: number;
  /** East end; the west end is 滨河东路 (or `west` when the street starts further east). */
  east: number;
  west?: number;
  /** The bridge carrying it over the Fen River, if any. */
  bridge?: { name: string; nameEn: string };
}

export interface NorthSouthStreet {
  name: string;
  nameEn: string;
  roadClass: RoadClass;
  lon: number;
  north: number;
  south: number;
}

/** A road given as a polyline (diagonals). */
export interface PolylineStreet {
  name: string;
  nameEn: string;
  roadClass: RoadClass;
  line: [number, number][];
}

/** North → south. */
export const EAST_WEST_STREETS: EastWestStreet[] = [
  { name: '府西街', nameEn: 'Fuxi Street', roadClass: 'arterial', lat: 37.8705, east: 112.5645 },
  { name: '府东街', nameEn: 'Fudong Street', roadClass: 'arterial', lat: 37.8705, west: 112.5645, east: 112.6 },
  { name: '迎泽大街', nameEn: 'Yingze Street', roadClass: 'arterial', lat: 37.8565, east: 112.5775, bridge: { name: '迎泽大桥', nameEn: 'Yingze Bridge' } },
  { name: '迎泽东大街', nameEn: 'Yingze East Street', roadClass: 'arterial', lat: 37.8555, west: 112.5805, east: 112.625 },
  { name: '双塔西街', nameEn: 'Shuangta West Street', roadClass: 'secondary', lat: 37.8465, east: 112.5745 },
  { name: '双塔东街', nameEn: 'Shuangta East Street', roadClass: 'secondary', lat: 37.8465, west: 112.5745, east: 112.61 },
  { name: '南内环街', nameEn: 'South Inner Ring Street', roadClass: 'arterial', lat: 37.8385, east: 112.61 },
  { name: '长风街', nameEn: 'Changfeng Street', roadClass: 'arterial', lat: 37.829, east: 112.5825, bridge: { name: '长风大桥', nameEn: 'Changfeng Bridge' } },
  { name: '亲贤街', nameEn: 'Qinxian Street', roadClass: 'secondary', lat: 37.821, east: 112.5825 },
  { name: '学府街', nameEn: 'Xuefu Street', roadClass: 'secondary', lat: 37.8115, east: 112.5825 },
  { name: '南中环街', nameEn: 'South Middle Ring Street', roadClass: 'arterial', lat: 37.8015, east: 112.63, bridge: { name: '南中环桥', nameEn: 'South Middle Ring Bridge' } },
  { name: '许坦西街', nameEn: 'Xutan West Street', roadClass: 'secondary', lat: 37.791, east: 112.5825 },
];

/** West → east. */
export const NORTH_SOUTH_STREETS: NorthSouthStreet[] = [
  { name: '新建南路', nameEn: 'Xinjian South Road', roadClass: 'secondary', lon: 112.5435, north: 37.8705, south: 37.8385 },
  { name: '平阳路', nameEn: 'Pingyang Road', roadClass: 'arterial', lon: 112.5475, north: 37.8385, south: 37.786 },
  { name: '解放路', nameEn: 'Jiefang Road', roadClass: 'arterial', lon: 112.5525, north: 37.876, south: 37.8465 },
  { name: '体育路', nameEn: 'Tiyu Road', roadClass: 'secondary', lon: 112.5565, north: 37.8385, south: 37.786 },
  { name: '五一路', nameEn: 'Wuyi Road', roadClass: 'arterial', lon: 112.5605, north: 37.88, south: 37.8705 },
  { name: '并州路', nameEn: 'Bingzhou Road', roadClass: 'arterial', lon: 112.5645, north: 37.8705, south: 37.786 },
  { name: '建设路', nameEn: 'Jianshe Road', roadClass: 'arterial', lon: 112.5745, north: 37.876, south: 37.8385 },
  { name: '坞城路', nameEn: 'Wucheng Road', roadClass: 'secondary', lon: 112.5825, north: 37.8385, south: 37.786 },
  { name: '朝阳街', nameEn: 'Chaoyang Street', roadClass: 'secondary', lon: 112.5905, north: 37.8555, south: 37.8385 },
];

export const POLYLINE_STREETS: PolylineStreet[] = [
  // 太榆路 leaves the city south-east towards Yuci.
  { name: '太榆路', nameEn: 'Taiyu Road', roadClass: 'arterial', line: [[112.5825, 37.8385], [112.596, 37.823], [112.612, 37.805], [112.626, 37.79]] },
];
