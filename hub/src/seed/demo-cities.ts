import type { Feature, LineString, Polygon } from 'geojson';
import type { GridArea } from '@gridhub/gridops';
import type { NewDevice } from '@gridhub/ingest';
import { BasemapProperties, DEMO_BASEMAP_EXTENT, DEMO_BASEMAP_FEATURES } from '../basemap/demo-city-basemap';
import { DEMO_WORKER_NAMES, DemoCommunity, demoDevices, demoGrids } from './demo-city';
import { taiyuanBasemap, taiyuanDevices, taiyuanGrids, taiyuanWorkerName, taiyuanWorkerOrder } from './taiyuan/taiyuan-city';

/** `GRIDHUB_DEMO_CITY`: the Taiyuan urban core (default) or the classic 48-grid strip the tests rely on. */
export type DemoCityKind = 'taiyuan' | 'classic';

export interface DemoCityPlan {
  areas: GridArea[];
  devices: NewDevice[];
  /** One worker per community, in account order (worker01 is the first). */
  communities: DemoCommunity[];
  workerName(i: number): string;
}

/** What the seed writes for a demo city. */
export function demoCityPlan(kind: DemoCityKind): DemoCityPlan {
  if (kind === 'classic') {
    const { areas, communities } = demoGrids();
    return { areas, devices: demoDevices(), communities, workerName: (i) => DEMO_WORKER_NAMES[i] ?? `网格员${i + 1}` };
  }
  const { areas } = taiyuanGrids();
  const devices = taiyuanDevices();
  return { areas, devices, communities: taiyuanWorkerOrder(devices), workerName: (i) => DEMO_WORKER_NAMES[i] ?? taiyuanWorkerName(i) };
}

/** The static part of a demo city's background (river, parks, roads, bridges) and the area it covers. */
export function demoBasemap(kind: DemoCityKind): { features: Feature<Polygon | LineString, BasemapProperties>[]; extent: [number, number, number, number] } {
  return kind === 'classic' ? { features: DEMO_BASEMAP_FEATURES, extent: DEMO_BASEMAP_EXTENT } : taiyuanBasemap();
}
