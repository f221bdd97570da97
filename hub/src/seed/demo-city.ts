import type { Polygon } from 'geojson';
import type { GridArea } from '@gridhub/gridops';
import type { NewDevice } from '@gridhub/ingest';

/**
 * The classic demo city (GRIDHUB_DEMO_CITY=classic, the one the tests use; the default is the Taiyuan city in
 * ./taiyuan/): a strip of the Fen River's east bank in Taiyuan where Yingze district (140106) meets
 * Xiaodian district (140105). 8 × 6 unit grids of about 100 m × 100 m (万米单元网格), numbered west→east,
 * north→south inside each community; codes 6 district + 3 street + 3 community + 3 grid digits.
 * Street names are real; community names are made up for the demo.
 */
const WEST = 112.546;
const NORTH = 37.856;
/** ≈ 100 m at latitude 37.85° (1° of longitude ≈ 87.9 km there). */
const CELL_LON = 0.00114;
const CELL_LAT = 0.0009;
const COLS = 8;

interface DistrictSpec {
  code: string;
  name: string;
  firstRow: number;
  streets: [StreetSpec, StreetSpec];
}
interface StreetSpec {
  name: string;
  communities: [string, string];
}

const DISTRICTS: DistrictSpec[] = [
  {
    code: '140106',
    name: '迎泽区',
    firstRow: 0,
    streets: [
      { name: '迎泽街道', communities: ['滨河西社区', '新建路社区'] },
      { name: '桥东街道', communities: ['桥东社区', '双塔社区'] },
    ],
  },
  {
    code: '140105',
    name: '小店区',
    firstRow: 3,
    streets: [
      { name: '亲贤街道', communities: ['亲贤北社区', '汾东社区'] },
      { name: '坞城街道', communities: ['坞城社区', '长风社区'] },
    ],
  },
];

function rectangle(col0: number, row0: number, cols: number, rows: number): Polygon {
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  const w = r(WEST + col0 * CELL_LON);
  const e = r(WEST + (col0 + cols) * CELL_LON);
  const n = r(NORTH - row0 * CELL_LAT);
  const s = r(NORTH - (row0 + rows) * CELL_LAT);
  return { type: 'Polygon', coordinates: [[[w, n], [e, n], [e, s], [w, s], [w, n]]] };
}

/** Centre of cell (col, row), nudged by fractions of a cell so markers do not sit on one spot. */
export function cellPoint(col: number, row: number, dx = 0.5, dy = 0.5): { lon: number; lat: number } {
  return {
    lon: Math.round((WEST + (col + dx) * CELL_LON) * 1e7) / 1e7,
    lat: Math.round((NORTH - (row + dy) * CELL_LAT) * 1e7) / 1e7,
  };
}

const pad = (n: number) => String(n).padStart(3, '0');

export interface DemoCommunity {
  code: string;
  name: string;
  gridCodes: string[];
  /** Where its worker stands at the start of the demo: inside the community's middle grid. */
  patrolPoint: { lon: number; lat: number };
}

export function demoGrids(): { areas: GridArea[]; communities: DemoCommunity[] } {
  const areas: GridArea[] = [];
  const communities: DemoCommunity[] = [];
  for (const d of DISTRICTS) {
    areas.push({ code: d.code, name: d.name, level: 'district', parentCode: null, geometry: rectangle(0, d.firstRow, COLS, 3) });
    d.streets.forEach((street, s) => {
      const streetCode = d.code + pad(s + 1);
      areas.push({ code: streetCode, name: street.name, level: 'street', parentCode: d.code, geometry: rectangle(s * 4, d.firstRow, 4, 3) });
      street.communities.forEach((name, c) => {
        const communityCode = streetCode + pad(c + 1);
        const col0 = s * 4 + c * 2;
        areas.push({ code: communityCode, name, level: 'community', parentCode: streetCode, geometry: rectangle(col0, d.firstRow, 2, 3) });
        const gridCodes: string[] = [];
        for (let row = 0; row < 3; row++) {
          for (let col = 0; col < 2; col++) {
            const n = row * 2 + col + 1;
            const code = communityCode + pad(n);
            gridCodes.push(code);
            areas.push({
              code,
              name: `${name}第${n}网格`,
              level: 'grid',
              parentCode: communityCode,
              geometry: rectangle(col0 + col, d.firstRow + row, 1, 1),
            });
          }
        }
        communities.push({ code: communityCode, name, gridCodes, patrolPoint: cellPoint(col0 + (c % 2), d.firstRow + 1, 0.5, 0.7) });
      });
    });
  }
  return { areas, communities };
}

export function demoDevices(): NewDevice[] {
  const air: NewDevice[] = [];
  let n = 1;
  for (const row of [0, 2, 4]) {
    for (const col of [1, 3, 5, 7]) {
      air.push({
        id: `air-${pad(n)}`,
        family: 'air',
        name: `空气微站 ${pad(n)}`,
        ...cellPoint(col, row, 0.35 + (n % 3) * 0.15, 0.4),
        attributes: { model: 'micro-station', interval_s: 60 },
      });
      n++;
    }
  }
  const water: NewDevice[] = [1, 3, 5].map((row, i) => ({
    id: `water-${pad(i + 1)}`,
    family: 'water',
    name: `汾河水质站 ${pad(i + 1)}`,
    ...cellPoint(0, row, 0.08, 0.5),
    attributes: { kind: 'river', target_class: 'III', warning_level_m: 777.5, guaranteed_level_m: 778.8, interval_s: 300 },
  }));
  const video: NewDevice[] = [
    [2, 1, 0],
    [6, 1, 90],
    [2, 4, 180],
    [6, 4, 270],
  ].map(([col, row, bearing], i) => ({
    id: `cam-${pad(i + 1)}`,
    family: 'video',
    name: `视频监控 ${pad(i + 1)}`,
    ...cellPoint(col!, row!, 0.2, 0.8),
    attributes: { stream: `gb28181:3401000000132000${pad(i + 1)}0`, bearing_deg: bearing },
  }));
  const emergency: NewDevice[] = [
    { kind: 'smoke', col: 4, row: 0 },
    { kind: 'gas', col: 0, row: 2 },
    { kind: 'manhole', col: 5, row: 3 },
    { kind: 'waterlogging', col: 3, row: 5 },
  ].map((e, i) => ({
    id: `emg-${pad(i + 1)}`,
    family: 'emergency' as const,
    name: `应急感知 ${pad(i + 1)}`,
    ...cellPoint(e.col, e.row, 0.7, 0.25),
    attributes: { sensor: e.kind },
  }));
  return [...air, ...water, ...video, ...emergency];
}

export const DEMO_WORKER_NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏'];
/** Index of the demo worker who is off duty, so dispatch falls back to a colleague in the same street. */
export const DEMO_OFF_DUTY_WORKER = 7;
/** Documented demo accounts (README); created only when the demo city is seeded. */
export const DEMO_DISPATCHER = { username: 'dispatcher', password: 'Dispatch-2026', displayName: '调度员 周静' };
/** The shift lead (值班长): files, voids, approves extensions and closes incidents. */
export const DEMO_ANALYST = { username: 'analyst', password: 'Analyst-2026', displayName: '环保局分析员 李清' };
export const DEMO_SHIFT_LEAD = { username: 'shiftlead', password: 'Shift-2026', displayName: '值班长 王磊' };
export const DEMO_WORKER_PASSWORD = 'Worker-2026';
/**
 * The supervisors (监督员) of the supervision centre: they verify public and hotline reports on site (核实) and
 * re-inspect handled work (核查); the communities are shared out between them in turn.
 */
export const DEMO_SUPERVISORS = [
  { username: 'supervisor01', displayName: '监督员 孙丽' },
  { username: 'supervisor02', displayName: '监督员 郑浩' },
];
export const DEMO_SUPERVISOR_PASSWORD = 'Supervise-2026';
export const demoWorkerUsername = (i: number) => `worker${String(i + 1).padStart(2, '0')}`;
