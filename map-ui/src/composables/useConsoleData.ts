import { computed, shallowRef } from 'vue';
import { ApiError, isAbort } from '../api/client';
import {
  DEVICE_FAMILIES,
  INCIDENT_PRIORITIES,
  type Device,
  type DeviceFamily,
  type GridCollection,
  type GridLevel,
  type Incident,
  type IncidentPriority,
  type Worker,
} from '../api/types';
import { useApi } from './useApi';
import { usePolling } from './usePolling';

export const POLL_INTERVAL_MS = 5000;

export type DataKey = 'grids' | 'boundaries' | 'devices' | 'incidents' | 'workers';
export type BoundaryLevel = Exclude<GridLevel, 'grid'>;
export const BOUNDARY_LEVELS: readonly BoundaryLevel[] = ['district', 'street', 'community'];

export interface LoadError {
  key: DataKey;
  error: ApiError;
}

const PRIORITY_RANK: Record<IncidentPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/**
 * Everything the dispatcher console shows. Grids and boundaries load once (retried on each tick until
 * they succeed); devices, incidents and workers are polled. `null` means "not loaded yet", which the UI
 * tells apart from an empty list. Values are plain data in shallow refs, never deep proxies.
 */
export function useConsoleData(intervalMs = POLL_INTERVAL_MS) {
  const api = useApi();

  const grids = shallowRef<GridCollection | null>(null);
  const boundaries = shallowRef<Partial<Record<BoundaryLevel, GridCollection>>>({});
  const devices = shallowRef<Device[] | null>(null);
  const incidents = shallowRef<Incident[] | null>(null);
  const workers = shallowRef<Worker[] | null>(null);
  const errorMap = shallowRef<Partial<Record<DataKey, ApiError>>>({});
  const lastUpdated = shallowRef<Date | null>(null);

  function setError(key: DataKey, error: ApiError | null): void {
    const current = errorMap.value[key];
    if (!error && !current) return;
    if (error && current && error.status === current.status && error.message === current.message) return;
    const next = { ...errorMap.value };
    if (error) next[key] = error;
    else delete next[key];
    errorMap.value = next;
  }

  async function load<T>(key: DataKey, fetcher: () => Promise<T>, apply: (value: T) => void): Promise<boolean> {
    try {
      const value = await fetcher();
      apply(value);
      setError(key, null);
      return true;
    } catch (err) {
      if (isAbort(err)) throw err;
      setError(key, err instanceof ApiError ? err : new ApiError(0, String(err), 'format'));
      return false;
    }
  }

  const polling = usePolling(async (signal) => {
    const jobs: Promise<boolean>[] = [];
    if (!grids.value) {
      jobs.push(load('grids', () => api.grids('grid', signal), (fc) => (grids.value = fc)));
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
    const live = [
      load('devices', () => api.devices(signal), (r) => (devices.value = r.items)),
      load('incidents', () => api.openIncidents(signal), (r) => (incidents.value = r.items)),
      load('workers', () => api.workers(signal), (r) => (workers.value = r.items)),
    ];
    const [, liveOk] = await Promise.all([Promise.all(jobs), Promise.all(live)]);
    // "Updated at" means the live layers are current, not merely that a request was made.
    if (liveOk.every(Boolean)) lastUpdated.value = new Date();
  }, intervalMs);

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

  const sortedIncidents = computed<Incident[] | null>(() =>
    incidents.value
      ? [...incidents.value].sort(
          (a, b) =>
            (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) ||
            Date.parse(b.createdAt) - Date.parse(a.createdAt),
        )
      : null,
  );

  const familyCounts = computed(() => {
    const counts = Object.fromEntries(DEVICE_FAMILIES.map((f) => [f, 0])) as Record<DeviceFamily, number>;
    let disabled = 0;
    for (const d of devices.value ?? []) {
      if (d.family in counts) counts[d.family]++;
      if (!d.enabled) disabled++;
    }
    return { ...counts, disabled };
  });

  const priorityCounts = computed(() => {
    const counts = Object.fromEntries(INCIDENT_PRIORITIES.map((p) => [p, 0])) as Record<IncidentPriority, number>;
    for (const i of incidents.value ?? []) if (i.priority in counts) counts[i.priority]++;
    return counts;
  });

  const workerCounts = computed(() => {
    const list = workers.value ?? [];
    const onDuty = list.filter((w) => w.onDuty).length;
    return { onDuty, offDuty: list.length - onDuty };
  });

  const errors = computed<LoadError[]>(() =>
    (Object.entries(errorMap.value) as [DataKey, ApiError][]).map(([key, error]) => ({ key, error })),
  );

  return {
    grids,
    boundaries,
    devices,
    incidents,
    sortedIncidents,
    workers,
    gridNames,
    familyCounts,
    priorityCounts,
    workerCounts,
    errors,
    lastUpdated,
    refresh: polling.refresh,
  };
}

