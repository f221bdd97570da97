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

/**
 * Live updates for the map UI and tablets: socket.io namespace `/live` on the HTTP port. The handshake
 * carries the bearer token (`auth: { token }`); a client without a valid one is refused. Each client joins one
 * room for its role, one for its role and scope and, for a grid worker, one for its worker id, so an update reaches exactly its
 * audience — across hub instances too when the Redis adapter is installed.
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
    const rooms = [roleRoom(principal.role), roleScopeRoom(principal.role, principal.gridScope ?? '*')];
    if (principal.workerId) rooms.push(workerRoom(principal.workerId));
    await client.join(rooms);
    client.emit('ready', { username: principal.username, role: principal.role });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  publish(event: LiveEventName, payload: unknown, audience: LiveAudience = {}): void {
    if (this.closing) return;
    this.deliver(event, payload, audience).catch((error: Error) => this.logger.warn(`live ${event} not delivered: ${error.message}`));
  }

  private async deliver(event: LiveEventName, payload: unknown, audience: LiveAudience): Promise<void> {
    if (!this.server || this.closing) return; // before the HTTP server listens, or while the hub stops
    const rooms = (audience.workerIds ?? []).map(workerRoom);
    if (audience.roles || audience.gridCode || !audience.workerIds) {
      const scopes = audience.gridCode ? [...(await this.ancestry.chainOf(audience.gridCode)), '*'] : null;
      for (const role of audience.roles ?? ROLES) {
        if (scopes) rooms.push(...scopes.map((scope) => roleScopeRoom(role, scope)));
        else rooms.push(roleRoom(role));
      }
    }
    // One emit to the union of rooms: a client in several of them receives the update once.
    if (rooms.length > 0) this.server.to(rooms).emit(event, payload);
  }
}
