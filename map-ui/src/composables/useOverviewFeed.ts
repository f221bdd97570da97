import { markRaw, onBeforeUnmount, shallowRef } from 'vue';
import type { Socket } from 'socket.io-client';
import { openLiveSocket } from '../api/live-socket';
import type { AreaCollection, KioskSessionResponse, OverviewData } from '../api/types';
import type { BasemapCollection } from '../api/types';
import { currentToken } from '../session';

export type FeedState = 'connecting' | 'connected' | 'reconnecting' | 'revoked';

/** Fetches again at most this often while events arrive in bursts, and at least every minute (times move on). */
const DEBOUNCE_MS = 400;
const PERIODIC_MS = 60_000;
/** A kiosk access token is exchanged again this long before it ends. */
const RENEW_BEFORE_MS = 60_000;

class FeedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The overview screen's data, kept live: one GET /api/v1/overview per change (the hub pushes only
 * `overview.changed`), again after every reconnection (catching up on what happened while away) and every minute.
 * With a kiosk token the screen exchanges it for short access tokens itself (and again before each ends); a revoked
 * token shows as `revoked`. Without one it uses the signed-in session.
 */
export function useOverviewFeed(kioskToken: string | null) {
  const data = shallowRef<OverviewData | null>(null);
  const areas = shallowRef<AreaCollection | null>(null);
  const basemap = shallowRef<BasemapCollection | null>(null);
  const state = shallowRef<FeedState>('connecting');
  const updatedAt = shallowRef<Date | null>(null);
  const failing = shallowRef(false);
  const fetches = shallowRef(0);
  const kioskName = shallowRef<string | null>(null);
  let access: { token: string; expiresAt: number; lifetime: number } | null = null;
  let socket: Socket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let periodic: ReturnType<typeof setInterval> | null = null;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function token(): Promise<string | null> {
    if (!kioskToken) return currentToken();
    if (access && access.expiresAt - Date.now() > Math.min(RENEW_BEFORE_MS, access.lifetime / 4)) return access.token;
    const res = await fetch('/api/v1/kiosk/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: kioskToken }),
    });
    if (res.status === 401 || res.status === 400) {
      access = null;
      state.value = 'revoked';
      return null;
    }
    if (!res.ok) throw new FeedError(res.status, res.statusText);
    const body = (await res.json()) as KioskSessionResponse;
    kioskName.value = body.kiosk.name;
    access = { token: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000, lifetime: body.expiresIn * 1000 };
    return access.token;
  }

  async function get<T>(path: string, retry = true): Promise<T> {
    const t = await token();
    if (!t) throw new FeedError(401, 'no access');
    const res = await fetch(path, { headers: { Accept: 'application/json', Authorization: `Bearer ${t}` } });
    if (res.status === 401 && kioskToken && retry) {
      access = null; // expired or revoked: exchange again (which says which)
      return get<T>(path, false);
    }
    if (!res.ok) throw new FeedError(res.status, res.statusText);
    return (await res.json()) as T;
  }

  async function load(): Promise<void> {
    try {
      if (!areas.value) areas.value = markRaw(await get<AreaCollection>('/api/v1/overview/areas'));
      // The background is a nicety: a hub without it still shows the areas.
      if (!basemap.value) basemap.value = markRaw(await get<BasemapCollection>('/api/v1/basemap').catch(() => ({ type: 'FeatureCollection', features: [] }) as unknown as BasemapCollection));
      data.value = markRaw(await get<OverviewData>('/api/v1/overview'));
      fetches.value++;
      updatedAt.value = new Date();
      failing.value = false;
    } catch (err) {
      failing.value = true;
      if (state.value !== 'revoked') console.warn('[overview] refresh failed', err);
    }
  }

  /** Fetches now, or once more right after the fetch under way (never two at a time). */
  function refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = load().finally(() => {
      inFlight = null;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return inFlight;
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, DEBOUNCE_MS);
  }

  function connect(): void {
    // The handshake is asked for on every (re)connection: a fresh token each time.
    const s = openLiveSocket((cb) => {
      token()
        .then((t) => cb({ token: t ?? '', overview: true }))
        .catch(() => cb({ token: '', overview: true }));
    });
    socket = s;
    s.on('ready', () => {
      state.value = 'connected';
      void refresh(); // catch up on whatever happened while away
    });
    s.on('overview.changed', schedule);
    s.on('refused', () => {
      access = null;
    });
    s.on('disconnect', (reason) => {
      if (state.value === 'revoked' || stopped) return;
      state.value = 'reconnecting';
      // The hub closed it on purpose (a refused or revoked token): socket.io does not retry that by itself.
      if (reason === 'io server disconnect') {
        access = null;
        setTimeout(() => {
          if (stopped) return;
          void token().then((t) => {
            if (t) s.connect();
          });
        }, 1000);
      }
    });
    s.on('connect_error', () => {
      if (state.value !== 'revoked') state.value = 'reconnecting';
    });
  }

  function start(): void {
    void refresh();
    connect();
    periodic = setInterval(() => void refresh(), PERIODIC_MS);
  }

  function stop(): void {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (periodic) clearInterval(periodic);
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
  }

  onBeforeUnmount(stop);
  return { data, areas, basemap, state, updatedAt, failing, fetches, kioskName, start, stop, refresh };
}
