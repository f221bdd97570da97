import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { LiveAudience, LiveChannel } from '@gridhub/ingest';
import { LiveEventName } from '@gridhub/contracts';
import type { Namespace, Socket } from 'socket.io';
import { ROLES } from '@gridhub/contracts';
import { AuthService } from '../auth/auth.service';
import { GridAncestry } from './grid-ancestry';

/** Room of the clients with this role whose account is scoped to `scope` ('*' = the whole city). */
const roleScopeRoom = (role: string, scope: string) => `r:${role}|s:${scope}`;
/** Room of every client with this role, whatever its scope (for updates that concern no grid). */
const roleRoom = (role: string) => `r:${role}`;
const workerRoom = (workerId: string) => `w:${workerId}`;
/** Room of the overview screens whose scope is `scope` ('*' = the whole city). */
const overviewScopeRoom = (scope: string) => `o|s:${scope}`;
/** Room of every overview screen (for updates that concern no grid). */
const OVERVIEW_ROOM = 'o';
const kioskRoom = (kioskId: string) => `k:${kioskId}`;

/**
 * The events that change what the overview screen shows. Its clients receive, instead of the events themselves,
 * `overview.changed` with only the event's name and time, and fetch the overview again: a kiosk never sees an
 * event's payload, and a screen catching up after a lost connection does the same fetch.
 */
const OVERVIEW_EVENTS: ReadonlySet<LiveEventName> = new Set([
  'alert.raised',
  'alert.updated',
  'alert.acknowledged',
  'alert.cleared',
  'incident.created',
  'incident.updated',
  'device.status',
]);

/**
 * Live updates for the map UI and tablets: socket.io namespace `/live` on the HTTP port. The handshake
 * carries the bearer token (`auth: { token }`); a client without a valid one is refused. Each client joins one
 * room for its role, one for its role and scope and, for a grid worker, one for its worker id, so an update reaches exactly its
 * audience — across hub instances too when the Redis adapter is installed. A client that asks for the overview
 * (`auth: { token, overview: true }`) also joins the overview rooms of its scope; a kiosk joins only those.
 */
@Injectable()
@WebSocketGateway({ namespace: '/live', cors: { origin: false } })
export class LiveGateway extends LiveChannel implements OnGatewayConnection, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server!: Namespace;
  /** Set when the hub starts to stop: nothing more is pushed (the Redis adapter is closing). */
  private closing = false;

  constructor(
    private readonly auth: AuthService,
    private readonly ancestry: GridAncestry,
  ) {
    super();
  }

  async handleConnection(client: Socket): Promise<void> {
    const token: unknown = client.handshake.auth?.['token'];
    const principal = typeof token === 'string' ? await this.auth.principalOf(token) : null;
    if (!principal) {
      client.emit('refused', { message: 'a valid access token is required in auth.token (POST /api/v1/auth/login)' });
      client.disconnect(true);
      return;
    }
    const scope = principal.gridScope ?? '*';
    const rooms: string[] = [];
    if (principal.role === 'kiosk') rooms.push(OVERVIEW_ROOM, overviewScopeRoom(scope), kioskRoom(principal.kioskId ?? principal.sub));
    else {
      rooms.push(roleRoom(principal.role), roleScopeRoom(principal.role, scope));
      if (principal.workerId) rooms.push(workerRoom(principal.workerId));
      if (client.handshake.auth?.['overview'] === true) rooms.push(OVERVIEW_ROOM, overviewScopeRoom(scope));
    }
    await client.join(rooms);
    client.emit('ready', { username: principal.username, role: principal.role });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  /** Closes the live connections of a revoked kiosk token's screens (on every hub instance). */
  disconnectKiosk(kioskId: string): void {
    if (!this.server || this.closing) return;
    this.server.in(kioskRoom(kioskId)).disconnectSockets(true);
  }

  publish(event: LiveEventName, payload: unknown, audience: LiveAudience = {}): void {
    if (this.closing) return;
    this.deliver(event, payload, audience).catch((error: Error) => this.logger.warn(`live ${event} not delivered: ${error.message}`));
  }

  private async deliver(event: LiveEventName, payload: unknown, audience: LiveAudience): Promise<void> {
    if (!this.server || this.closing) return; // before the HTTP server listens, or while the hub stops
    const rooms = (audience.workerIds ?? []).map(workerRoom);
    const scopes = audience.gridCode ? [...(await this.ancestry.chainOf(audience.gridCode)), '*'] : null;
    if (audience.roles || audience.gridCode || !audience.workerIds) {
      for (const role of audience.roles ?? ROLES) {
        if (scopes) rooms.push(...scopes.map((scope) => roleScopeRoom(role, scope)));
        else rooms.push(roleRoom(role));
      }
    }
    // One emit to the union of rooms: a client in several of them receives the update once.
    if (rooms.length > 0) this.server.to(rooms).emit(event, payload);
    if (OVERVIEW_EVENTS.has(event)) {
      const overviewRooms = scopes ? scopes.map(overviewScopeRoom) : [OVERVIEW_ROOM];
      this.server.to(overviewRooms).emit('overview.changed', { event, at: new Date().toISOString() });
    }
  }
}
