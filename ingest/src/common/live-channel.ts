import type { LiveEventName, LivePayloads } from '@gridhub/contracts';

/**
 * Who should receive a live update. A client receives it when its worker id is listed, or when its role is
 * among `roles` (every role when absent) and its account's grid scope contains `gridCode` (accounts without
 * a scope see the whole city; an update without a grid reaches every scope). With only `workerIds`, only those
 * workers' tablets receive it.
 */
export interface LiveAudience {
  roles?: readonly string[];
  workerIds?: readonly string[];
  /** The grid the update is about (any level of the hierarchy). */
  gridCode?: string | null;
}

/**
 * Port: pushes an update to connected UI clients. The hub implements it over socket.io (JWT on the
 * handshake, rooms per role × scope and per worker); the packages only say what and to whom. Each event's payload is
 * the one @gridhub/contracts names (LivePayloads), the type the browser reads.
 */
export abstract class LiveChannel {
  abstract publish<E extends LiveEventName>(event: E, payload: LivePayloads[E], audience?: LiveAudience): void;
}
