import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { api } from '../api';
import { ApiError } from '../api/client';
import type { Alert } from '../api/types';
import { useErrorMap } from './errors';
import { useLiveStore } from './live';
import { debounce, Repeater } from './repeat';

export const ALERT_RESYNC_MS = 30_000;

/** Sensor alerts (AQI, water class, thresholds, events) for the bureau monitor; acknowledge from the list. */
export const useAlertStore = defineStore('alerts', () => {
  const live = useLiveStore();
  const { errors, load } = useErrorMap();
  const items = shallowRef<Alert[] | null>(null);
  /** The hub has no alerts endpoint (yet). */
  const unavailable = shallowRef(false);
  const unsubscribe: (() => void)[] = [];

  async function sync(signal: AbortSignal): Promise<void> {
    await load(
      'alerts',
      async () => {
        try {
          return (await api.alerts({ limit: 500 }, signal)).items;
        } catch (err) {
          if (err instanceof ApiError && err.isMissing) {
            unavailable.value = true;
            return [];
          }
          throw err;
        }
      },
      (list) => (items.value = list),
    );
  }
  const repeater = new Repeater(sync, ALERT_RESYNC_MS);
  const resyncSoon = debounce(() => repeater.now(), 400);

  function onEvent(a: Alert): void {
    if (!items.value) return resyncSoon();
    const list = items.value.filter((x) => x.id !== a.id);
    items.value = [{ ...(items.value.find((x) => x.id === a.id) ?? {}), ...a }, ...list];
  }

  async function acknowledge(id: string): Promise<void> {
    await api.acknowledge(id);
    if (items.value) {
      items.value = items.value.map((a) => (a.id === id ? { ...a, status: 'acknowledged', acknowledgedAt: new Date().toISOString() } : a));
    }
    resyncSoon();
  }

  function start(): void {
    for (const e of ['alert.raised', 'alert.updated', 'alert.acknowledged', 'alert.cleared'] as const) unsubscribe.push(live.on(e, onEvent));
    repeater.start();
  }
  function stop(): void {
    repeater.stop();
    resyncSoon.cancel();
    unsubscribe.splice(0).forEach((u) => u());
    items.value = null;
    unavailable.value = false;
  }

  const active = computed(() => (items.value ?? []).filter((a) => a.status !== 'cleared'));

  return { items, active, unavailable, errors, acknowledge, start, stop, refresh: () => repeater.now() };
});
