import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { LiveEvents } from '@gridhub/contracts';
import { api } from '../api';
import { isAbort } from '../api/client';
import type { BasemapCollection, Device, DeviceFamily, GridCollection, GridLevel, LatestValue, TrailPoint, Worker } from '../api/types';
import { DEVICE_FAMILIES } from '../api/types';
import { useErrorMap } from './errors';
import { Repeater } from './repeat';
import { useLiveStore } from './live';

export type BoundaryLevel = Exclude<GridLevel, 'grid'>;
export const BOUNDARY_LEVELS: readonly BoundaryLevel[] = ['district', 'street', 'community'];
/** Slow resync beside the live feed (device status, worker positions arrive as events). */
export const CITY_RESYNC_MS = 60_000;
/** Live device status events within this window are applied together (a city's sensors report in bursts). */
const STATUS_BATCH_MS = 250;
/** How many recent positions a worker's trail keeps on the map. */
const TRAIL_POINTS = 40;

export interface Position {
  lon: number;
  lat: number;
  at: number;
}

/**
 * The city as the map draws it: background, grid hierarchy, devices with their latest values, workers with their
 * recent trails. Plain data in shallow refs (replaced, never mutated in place), never deep proxies.
 */
export const useCityStore = defineStore('city', () => {
  const live = useLiveStore();
  const { errors, load } = useErrorMap();

  const basemap = shallowRef<BasemapCollection | null>(null);
  const basemapMissing = shallowRef(false);
  const grids = shallowRef<GridCollection | null>(null);
  const boundaries = shallowRef<Partial<Record<BoundaryLevel, GridCollection>>>({});
  const devices = shallowRef<Device[] | null>(null);
  const latest = shallowRef<ReadonlyMap<string, Record<string, LatestValue>>>(new Map());
  const workers = shallowRef<Worker[] | null>(null);
  const trails = shallowRef<ReadonlyMap<string, Position[]>>(new Map());
  const lastSync = shallowRef<Date | null>(null);
  const unsubscribe: (() => void)[] = [];

  async function sync(signal: AbortSignal): Promise<void> {
    const jobs: Promise<boolean>[] = [];
    if (!grids.value) jobs.push(load('grids', () => api.grids('grid', signal), (fc) => (grids.value = fc)));
    if (!basemap.value && !basemapMissing.value) {
      jobs.push(
        load(
          'basemap',
          async () => {
            try {
              return await api.basemap(signal);
            } catch (err) {
              // A hub without the basemap endpoint still draws boundaries from the grid hierarchy.
              if ((err as { isMissing?: boolean }).isMissing) return null;
              throw err;
            }
          },
          (fc) => {
            basemap.value = fc;
            basemapMissing.value = fc === null;
          },
        ),
      );
    }
    const missing = BOUNDARY_LEVELS.filter((level) => !boundaries.value[level]);
    if (missing.length > 0) {
      jobs.push(
        load(
          'boundaries',
          async () => {
            const settled = await Promise.allSettled(missing.map((level) => api.grids(level, signal)));
            const loaded: Partial<Record<BoundaryLevel, GridCollection>> = {};
            let firstError: unknown = null;
            settled.forEach((r, i) => {
              if (r.status === 'fulfilled') loaded[missing[i]!] = r.value;
              else firstError ??= r.reason;
            });
            if (Object.keys(loaded).length > 0) boundaries.value = { ...boundaries.value, ...loaded };
            if (firstError) throw firstError;
          },
          () => undefined,
        ),
      );
    }
    // GET /latest carries every device (its properties and latest values): one download for the sensor layer instead
    // of two (50,000 sensors are ~10 MB each way). Without it, the device list alone.
    jobs.push(
      load(
        'devices',
        async () => {
          try {
            return { latest: await api.latest(signal), list: null };
          } catch (err) {
            if (isAbort(err)) throw err;
            return { latest: null, list: (await api.devices(signal)).items };
          }
        },
        ({ latest: fc, list }) => {
          if (fc) {
            const next = new Map<string, Record<string, LatestValue>>();
            const items: Device[] = new Array(fc.features.length);
            fc.features.forEach((f, i) => {
              const { readings, ...device } = f.properties;
              items[i] = device;
              next.set(String(f.id ?? device.id), readings ?? {});
            });
            latest.value = next;
            devices.value = items;
          } else devices.value = list;
        },
      ),
    );
    jobs.push(load('workers', () => api.workers(signal), (r) => applyWorkers(r.items)));
    const ok = await Promise.all(jobs);
    if (ok.every(Boolean)) lastSync.value = new Date();
  }

  function applyWorkers(list: Worker[]): void {
    workers.value = list;
    // A resynced position extends the trail like a live one.
    const now = Date.now();
    let changed = false;
    const next = new Map(trails.value);
    for (const w of list) {
      if (w.lon === null || w.lat === null) continue;
      const trail = next.get(w.id) ?? [];
      const last = trail[trail.length - 1];
      if (last && last.lon === w.lon && last.lat === w.lat) continue;
      next.set(w.id, [...trail, { lon: w.lon, lat: w.lat, at: now }].slice(-TRAIL_POINTS));
      changed = true;
    }
    if (changed) trails.value = next;
  }

  const repeater = new Repeater(sync, CITY_RESYNC_MS);

  function onWorkerLocation(p: LiveEvents['worker.location']): void {
    const id = p.workerId;
    const list = workers.value ?? [];
    if (!list.some((w) => w.id === id)) return repeater.now();
    workers.value = list.map((w) => (w.id === id ? { ...w, lon: p.lon, lat: p.lat, locationAt: p.at } : w));
    const next = new Map(trails.value);
    next.set(id, [...(next.get(id) ?? []), { lon: p.lon, lat: p.lat, at: Date.parse(p.at) }].slice(-TRAIL_POINTS));
    trails.value = next;
  }

  /** Status events arrive per device; they are applied in batches (one pass over the devices, one new latest map). */
  const pendingStatus = new Map<string, LiveEvents['device.status']>();
  let statusTimer: ReturnType<typeof setTimeout> | null = null;

  function onDeviceStatus(p: LiveEvents['device.status']): void {
    if (!devices.value) return;
    pendingStatus.set(p.deviceId, p);
    statusTimer ??= setTimeout(applyStatus, STATUS_BATCH_MS);
  }

  function applyStatus(): void {
    statusTimer = null;
    if (!devices.value || pendingStatus.size === 0) return pendingStatus.clear();
    const batch = new Map(pendingStatus);
    pendingStatus.clear();
    devices.value = devices.value.map((d) => {
      const p = batch.get(d.id);
      return p ? { ...d, online: p.online, lastSeenAt: p.at } : d;
    });
  }

  function start(): void {
    unsubscribe.push(live.on('worker.location', onWorkerLocation), live.on('device.status', onDeviceStatus));
    repeater.start();
  }

  function stop(): void {
    repeater.stop();
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = null;
    pendingStatus.clear();
    unsubscribe.splice(0).forEach((u) => u());
    basemap.value = null;
    basemapMissing.value = false;
    grids.value = null;
    boundaries.value = {};
    devices.value = null;
    latest.value = new Map();
    workers.value = null;
    trails.value = new Map();
  }

  /** Replace a worker's trail with the server's (GET /workers/{id}/trail), when that endpoint exists. */
  async function loadTrail(workerId: string): Promise<void> {
    try {
      const points = await api.trail(workerId, { since: new Date(Date.now() - 4 * 3600_000).toISOString(), limit: 200 });
      const mapped = points.map((p: TrailPoint) => ({ lon: p.lon, lat: p.lat, at: Date.parse(p.at) }));
      if (mapped.length === 0) return;
      const next = new Map(trails.value);
      next.set(workerId, mapped.slice(-TRAIL_POINTS * 5));
      trails.value = next;
    } catch {
      // No trail endpoint or no trail: the live trail stays.
    }
  }

  /** code → name over every level loaded, for showing a grid or its parent by name. */
  const gridNames = computed(() => {
    const names = new Map<string, string>();
    const collections = [grids.value, ...BOUNDARY_LEVELS.map((l) => boundaries.value[l])];
    for (const fc of collections) {
      for (const f of fc?.features ?? []) {
        if (f.properties?.code) names.set(f.properties.code, f.properties.name);
      }
    }
    return names;
  });

  const familyCounts = computed(() => {
    const counts = Object.fromEntries(DEVICE_FAMILIES.map((f) => [f, 0])) as Record<DeviceFamily, number>;
    let disabled = 0;
    let offline = 0;
    for (const d of devices.value ?? []) {
      if (d.family in counts) counts[d.family]++;
      if (!d.enabled) disabled++;
      else if (d.online === false) offline++;
    }
    return { ...counts, disabled, offline };
  });

  const workerCounts = computed(() => {
    const list = workers.value ?? [];
    const onDuty = list.filter((w) => w.onDuty).length;
    return { onDuty, offDuty: list.length - onDuty };
  });

  const workerById = computed(() => new Map((workers.value ?? []).map((w) => [w.id, w])));

  return {
    basemap,
    grids,
    boundaries,
    devices,
    latest,
    workers,
    workerById,
    trails,
    lastSync,
    errors,
    gridNames,
    familyCounts,
    workerCounts,
    start,
    stop,
    refresh: () => repeater.now(),
    loadTrail,
  };
});
