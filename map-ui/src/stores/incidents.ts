import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { LiveEvents } from '@gridhub/contracts';
import { api } from '../api';
import { ApiError } from '../api/client';
import { INCIDENT_PRIORITIES, OPEN_STATUSES, type Incident, type IncidentPriority } from '../api/types';
import { useErrorMap } from './errors';
import { useLiveStore } from './live';
import { Repeater } from './repeat';

/** Open incidents are kept current by live events; this slow resync repairs anything missed. */
export const INCIDENT_RESYNC_MS = 30_000;
const PRIORITY_RANK: Record<IncidentPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export interface IncidentFilters {
  status: string;
  priority: string;
  category: string;
  district: string;
}

export function isOpen(i: Pick<Incident, 'status'>): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(i.status);
}

/** The fields of an incident change that are the incident's own (not the change's particulars). */
function pick(c: LiveEvents['incident.created']): Partial<Incident> {
  const { id, code, category, title, priority, status, lon, lat, gridCode, assigneeWorkerId, dueAt, overdue } = c;
  return { id, code, category, title, priority, status, lon, lat, gridCode, assigneeWorkerId, dueAt, overdue };
}

/**
 * Open incidents (the dispatcher's queue and the map's incident layer) plus any incident a user opened, kept current
 * by the live channel's `incident.*` and `task.*` events (@gridhub/contracts LiveEvents).
 */
export const useIncidentStore = defineStore('incidents', () => {
  const live = useLiveStore();
  const { errors, load, set: setError } = useErrorMap();
  const byId = shallowRef<ReadonlyMap<string, Incident>>(new Map());
  const loaded = shallowRef(false);
  /** Bumped for an incident whenever an event concerns it: detail views reload their timeline on change. */
  const revision = shallowRef<ReadonlyMap<string, number>>(new Map());
  const lastSync = shallowRef<Date | null>(null);
  const filters = shallowRef<IncidentFilters>({ status: '', priority: '', category: '', district: '' });
  const unsubscribe: (() => void)[] = [];

  async function sync(signal: AbortSignal): Promise<void> {
    const ok = await load(
      'incidents',
      () => api.incidents({ status: 'open', limit: 1000 }, signal),
      (r) => {
        const next = new Map<string, Incident>();
        for (const i of r.items) next.set(i.id, i);
        byId.value = next;
        loaded.value = true;
      },
    );
    if (ok) lastSync.value = new Date();
  }
  const repeater = new Repeater(sync, INCIDENT_RESYNC_MS);

  function bump(id: string): void {
    const next = new Map(revision.value);
    next.set(id, (next.get(id) ?? 0) + 1);
    revision.value = next;
  }

  function upsert(incident: Incident): void {
    const next = new Map(byId.value);
    const current = next.get(incident.id);
    const merged = current ? { ...current, ...incident } : incident;
    if (isOpen(merged)) next.set(incident.id, merged);
    else next.delete(incident.id);
    byId.value = next;
    bump(incident.id);
  }

  async function refetch(id: string): Promise<Incident | null> {
    try {
      const fresh = await api.incident(id);
      upsert(fresh);
      return fresh;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        const next = new Map(byId.value);
        next.delete(id);
        byId.value = next;
      } else if (err instanceof ApiError) setError('incidents', err);
      return null;
    }
  }

  /**
   * An incident change carries the fields the queue and the map draw at once; the record it belongs to (the assignee's
   * name, the trail's counters, what refusalOf reads) is fetched again behind it.
   */
  function onIncidentChange(change: LiveEvents['incident.created']): void {
    const current = byId.value.get(change.id);
    if (current) upsert({ ...current, ...pick(change) });
    void refetch(change.id);
  }

  function start(): void {
    for (const e of ['incident.created', 'incident.updated'] as const) unsubscribe.push(live.on(e, onIncidentChange));
    // A tablet's task names its incident: the worker's own view of it is fetched again.
    for (const e of ['task.assigned', 'task.updated'] as const) unsubscribe.push(live.on(e, (task) => void refetch(task.incidentId)));
    repeater.start();
  }

  function stop(): void {
    repeater.stop();
    unsubscribe.splice(0).forEach((u) => u());
    byId.value = new Map();
    loaded.value = false;
  }

  const sorted = computed<Incident[] | null>(() =>
    loaded.value
      ? [...byId.value.values()].sort(
          (a, b) =>
            Number(!!b.emergency) - Number(!!a.emergency) ||
            (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) ||
            Date.parse(b.createdAt) - Date.parse(a.createdAt),
        )
      : null,
  );

  const filtered = computed<Incident[] | null>(() => {
    const list = sorted.value;
    if (!list) return null;
    const f = filters.value;
    return list.filter(
      (i) =>
        (!f.status || i.status === f.status || (f.status === 'overdue' && !!i.overdue)) &&
        (!f.priority || i.priority === f.priority) &&
        (!f.category || i.category === f.category) &&
        (!f.district || (i.gridCode ?? '').startsWith(f.district)),
    );
  });

  const priorityCounts = computed(() => {
    const counts = Object.fromEntries(INCIDENT_PRIORITIES.map((p) => [p, 0])) as Record<IncidentPriority, number>;
    for (const i of byId.value.values()) if (i.priority in counts) counts[i.priority]++;
    return counts;
  });

  const overdueCount = computed(() => [...byId.value.values()].filter((i) => i.overdue).length);
  const categoriesSeen = computed(() => [...new Set([...byId.value.values()].map((i) => i.category))].sort());

  return {
    byId,
    loaded,
    revision,
    lastSync,
    errors,
    filters,
    sorted,
    filtered,
    priorityCounts,
    overdueCount,
    categoriesSeen,
    start,
    stop,
    refresh: () => repeater.now(),
    refetch,
    upsert,
  };
});
