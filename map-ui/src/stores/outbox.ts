import { defineStore } from 'pinia';
import { computed, shallowRef, watch } from 'vue';
import { api } from '../api';
import { ApiError } from '../api/client';
import type { Incident, ActionRequest } from '../api/types';
import { useLiveStore } from './live';
import { outboxDb, type OutboxEntry } from './outbox-db';

export type SubmitResult = { status: 'done'; result: unknown } | { status: 'queued' };

/** Transient failures worth retrying later; anything else in 4xx is the hub saying no. */
const RETRYABLE = new Set([0, 408, 425, 429, 500, 502, 503, 504]);

/**
 * The worker tablet's actions (accept, reject, check in, handle with photos, patrol reports). Sent at once when the
 * network is there; queued in IndexedDB when it is not (or the request fails on the way) and sent in order when the
 * connection returns. The queue's size is shown on the tablet.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const live = useLiveStore();
  const entries = shallowRef<OutboxEntry[]>([]);
  const syncing = shallowRef(false);
  const online = shallowRef(typeof navigator === 'undefined' ? true : navigator.onLine);
  let flushAgain = false;

  const pending = computed(() => entries.value.filter((e) => !e.failed));
  const failed = computed(() => entries.value.filter((e) => e.failed));

  async function reload(): Promise<void> {
    try {
      entries.value = (await outboxDb.all()).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    } catch (err) {
      console.error('[outbox] IndexedDB unavailable', err);
    }
  }

  async function uploadPhotos(entry: OutboxEntry): Promise<string[]> {
    const uploaded = [...(entry.uploadedIds ?? [])];
    for (const photo of entry.photos.slice(uploaded.length)) {
      uploaded.push((await api.upload(entry.incidentId, photo.blob, photo.name)).id);
      entry.uploadedIds = uploaded;
      if (entry.id !== undefined) await outboxDb.put(entry);
    }
    return uploaded;
  }

  /**
   * Sends one entry. Each step that succeeded is written back first (the new incident's id, each uploaded photo), so a
   * retry after a cut connection continues where it stopped instead of filing the report or uploading a photo twice.
   */
  async function send(entry: OutboxEntry): Promise<unknown> {
    if (entry.kind === 'report' && entry.report) {
      let created: Incident | null = null;
      if (!entry.incidentId) {
        created = await api.report(entry.report);
        entry.incidentId = created.id;
        if (entry.id !== undefined) await outboxDb.put(entry);
      }
      await uploadPhotos(entry);
      return created ?? { id: entry.incidentId };
    }
    if (entry.action && entry.incidentId) {
      const uploaded = await uploadPhotos(entry);
      // Photos are evidence of handling, verification (核实) and re-inspection (核查).
      const a = entry.action;
      const action: ActionRequest =
        a.action === 'handle' || a.action === 'verify' || a.action === 'reinspect_pass' || a.action === 'reinspect_fail'
          ? { ...a, attachmentIds: [...(a.attachmentIds ?? []), ...uploaded] }
          : a;
      return api.act(entry.incidentId, action);
    }
    throw new Error('empty outbox entry');
  }

  const isReachable = () => online.value && live.state !== 'offline' && live.state !== 'reconnecting';

  /** Sends now when possible; queues on no network. A refusal by the hub (4xx) is thrown to the caller. */
  async function submit(entry: Omit<OutboxEntry, 'createdAt' | 'attempts'>): Promise<SubmitResult> {
    const full: OutboxEntry = { ...entry, createdAt: new Date().toISOString(), attempts: 0 };
    if (isReachable() && pending.value.length === 0) {
      try {
        return { status: 'done', result: await send(full) };
      } catch (err) {
        if (!(err instanceof ApiError) || !RETRYABLE.has(err.status)) throw err;
        full.lastError = err.message;
        full.attempts = 1;
      }
    }
    // Keep what a partly sent entry already achieved (incident filed, photos uploaded).
    delete full.id;
    await outboxDb.add(full);
    await reload();
    return { status: 'queued' };
  }

  async function flush(): Promise<void> {
    if (syncing.value) {
      flushAgain = true;
      return;
    }
    syncing.value = true;
    try {
      await reload();
      for (const entry of pending.value) {
        if (!online.value) break;
        try {
          await send(entry);
          await outboxDb.remove(entry.id!);
        } catch (err) {
          entry.attempts++;
          entry.lastError = err instanceof Error ? err.message : String(err);
          if (err instanceof ApiError && !RETRYABLE.has(err.status)) {
            entry.failed = true;
            await outboxDb.put(entry);
            continue;
          }
          await outboxDb.put(entry);
          break; // still no way through: keep the order, try again on the next reconnect
        }
      }
    } finally {
      await reload();
      syncing.value = false;
      if (flushAgain) {
        flushAgain = false;
        void flush();
      }
    }
  }

  async function discard(id: number): Promise<void> {
    await outboxDb.remove(id);
    await reload();
  }

  function start(): void {
    void reload().then(() => (pending.value.length ? flush() : undefined));
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      online.value = true;
      void flush();
    });
    window.addEventListener('offline', () => (online.value = false));
  }
  // Every (re)connection of the live feed is a moment the hub is reachable again.
  watch(
    () => live.epoch,
    () => {
      online.value = typeof navigator === 'undefined' ? true : navigator.onLine;
      if (pending.value.length) void flush();
    },
  );

  return { entries, pending, failed, syncing, online, submit, flush, discard, start, reload };
});

export type { OutboxEntry };
