import { Injectable, Logger } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { LiveAudience, LiveChannel, LiveEventName } from '@gridhub/ingest';
import type { Namespace, Socket } from 'socket.io';
import { Principal, ROLES } from '../auth/account.types';
import { JwtService } from '@nestjs/jwt';
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
export class LiveGateway extends LiveChannel implements OnGatewayConnection {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server!: Namespace;

  constructor(
    private readonly jwt: JwtService,
    private readonly ancestry: GridAncestry,
  ) {
    super();
  }

  async handleConnection(client: Socket): Promise<void> {
    const token: unknown = client.handshake.auth?.['token'];
    const principal = typeof token === 'string' ? await this.jwt.verifyAsync<Principal>(token).catch(() => null) : null;
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

  publish(event: LiveEventName, payload: unknown, audience: LiveAudience = {}): void {
    this.deliver(event, payload, audience).catch((error: Error) => this.logger.warn(`live ${event} not delivered: ${error.message}`));
  }

  private async deliver(event: LiveEventName, payload: unknown, audience: LiveAudience): Promise<void> {
    if (!this.server) return; // before the HTTP server listens
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
