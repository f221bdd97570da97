import { markRaw } from 'vue';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/**
 * A connection to the hub's live namespace `/live` (socket.io over WebSocket, reconnecting with back-off): the
 * session's live store and the overview screen's feed open theirs here, each with its own handshake.
 */
export function openLiveSocket(auth: SocketOptions['auth']): Socket {
  const options: Partial<ManagerOptions & SocketOptions> = {
    auth,
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 8000,
  };
  return markRaw(io('/live', options));
}
