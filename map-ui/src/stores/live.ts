import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Socket } from 'socket.io-client';
import { openLiveSocket } from '../api/live-socket';
import type { LiveEventName, LiveEvents } from '@gridhub/contracts';

export type LiveState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';
type Handler = (payload: never) => void;

/**
 * The one live connection of a signed-in session: socket.io namespace `/live` on the hub's origin, the bearer token
 * in the handshake. socket.io reconnects by itself with back-off; the state shown in the header follows it. A token
 * the hub refuses ends the session (the hub answers `refused` and closes).
 */
export const useLiveStore = defineStore('live', () => {
  const state = shallowRef<LiveState>('idle');
  const lastEventAt = shallowRef<Date | null>(null);
  const connectedAt = shallowRef<Date | null>(null);
  /** Counts every (re)connection, so stores can resync what they may have missed while away. */
  const epoch = shallowRef(0);
  const refusal = shallowRef<string | null>(null);
  let socket: Socket | null = null;
  const handlers = new Map<string, Set<Handler>>();

  function dispatch(event: string, payload: unknown): void {
    lastEventAt.value = new Date();
    for (const h of handlers.get(event) ?? []) {
      try {
        (h as (payload: unknown) => void)(payload);
      } catch (err) {
        console.error(`[live] handler of ${event} failed`, err);
      }
    }
  }

  function connect(token: string, onRefused: (message: string) => void): void {
    disconnect();
    refusal.value = null;
    state.value = 'connecting';
    const s = openLiveSocket({ token });
    socket = s;
    s.on('ready', () => {
      state.value = 'connected';
      connectedAt.value = new Date();
      epoch.value++;
    });
    s.on('refused', (body: { message?: string }) => {
      refusal.value = body?.message ?? 'refused';
      state.value = 'offline';
      onRefused(refusal.value);
    });
    s.on('disconnect', (reason) => {
      // The hub closed the connection on purpose (refused token): socket.io does not retry that by itself.
      state.value = reason === 'io server disconnect' || reason === 'io client disconnect' ? 'offline' : 'reconnecting';
    });
    s.on('connect_error', () => {
      if (state.value !== 'offline') state.value = s.active ? 'reconnecting' : 'offline';
    });
    s.io.on('reconnect_attempt', () => {
      state.value = 'reconnecting';
    });
    s.onAny((event: string, payload: unknown) => {
      if (event !== 'ready' && event !== 'refused') dispatch(event, payload);
    });
  }

  function disconnect(): void {
    socket?.removeAllListeners();
    socket?.io.removeAllListeners();
    socket?.disconnect();
    socket = null;
    state.value = 'idle';
  }

  /** Subscribe to one event; returns the unsubscribe function. */
  function on<E extends LiveEventName>(event: E, handler: (payload: LiveEvents[E]) => void): () => void {
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(handler as Handler);
    return () => set!.delete(handler as Handler);
  }

  return { state, lastEventAt, connectedAt, epoch, refusal, connect, disconnect, on };
});
