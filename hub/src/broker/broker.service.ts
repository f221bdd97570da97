import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import Aedes, { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { LiveChannel, Clock, Device, DeviceEvents, IngestService, LivenessRepository, ingestMetrics } from '@gridhub/ingest';
import { type DeviceTopic, MONITOR_ROLES } from '@gridhub/contracts';
import { WorkerLocationService } from '@gridhub/gridops';
import { HubRuntime } from '../runtime';
import { AEDES } from './broker-core.module';
import { BrokerAccess, BrokerIdentity } from './broker-access';
import { DeviceRateLimiter } from './mqtt-guard';

type Identity = BrokerIdentity;

const IDENTITY = Symbol('gridhub.identity');
const REJECTED = Symbol('gridhub.rejected');
type IdentifiedClient = Client & { [IDENTITY]?: Identity };
type MarkedPacket = PublishPacket & { [REJECTED]?: boolean };

export const MQTT_WS_PATH = '/mqtt';

/** The peer address of an MQTT client (TCP or WebSocket), for throttling and the audit log. */
function remoteAddress(client: Client): string {
  const connection = client.conn as unknown as { remoteAddress?: string; socket?: { remoteAddress?: string }; _socket?: { remoteAddress?: string } };
  return connection.remoteAddress ?? connection.socket?.remoteAddress ?? connection._socket?.remoteAddress ?? (client.req?.socket?.remoteAddress) ?? 'unknown';
}

function refuse(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The embedded broker's doors: MQTT over TCP and over WebSocket at /mqtt; logins (devices by id and secret,
 * worker tablets by account); topic ACLs; and ingest inside `authorizePublish`, so a QoS 1 PUBACK is only
 * sent once the message is committed (aedes acknowledges after that callback).
 */

@Injectable()
export class BrokerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BrokerService.name);
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Live sessions per device id (normally one), so connects and disconnects cost O(1) however many are on. */
  private readonly sessions = new Map<string, Set<Client>>();
  private readonly rateLimiter: DeviceRateLimiter;

  constructor(
    @Inject(AEDES) private readonly aedes: Aedes,
    private readonly runtime: HubRuntime,
    private readonly ingest: IngestService,
    private readonly access: BrokerAccess,
    private readonly liveness: LivenessRepository,
    private readonly deviceEvents: DeviceEvents,
    private readonly clock: Clock,
    private readonly live: LiveChannel,
    private readonly locations: WorkerLocationService,
  ) {
    const { deviceMessagesPerSecond, deviceBytesPerSecond } = runtime.config.mqtt;
    this.rateLimiter = new DeviceRateLimiter(deviceMessagesPerSecond, deviceBytesPerSecond);
  }

  onModuleInit(): void {
    this.aedes.authenticate = (client, username, password, done) => {
      this.access.login(username, password?.toString('utf8'), remoteAddress(client)).then(
        (identity) => {
          if (identity === 'blocked') {
            ingestMetrics.refusals.inc({ action: 'connect' });
            return done(refuse('too many failed logins; try again later', 5), false);
          }
          if (!identity) {
            ingestMetrics.refusals.inc({ action: 'connect' });
            this.logger.warn(`MQTT login refused for "${username ?? ''}" (client ${client.id})`);
            return done(refuse('bad user name or password', 4), false);
          }
          (client as IdentifiedClient)[IDENTITY] = identity;
          done(null, true);
        },
        (error: Error) => {
          this.logger.error(`MQTT login check failed: ${error.message}`);
          done(refuse('server unavailable', 3), false);
        },
      );
    };
    this.aedes.authorizePublish = (client, packet, done) => this.authorizePublish(client, packet as MarkedPacket, done);
    this.aedes.authorizeSubscribe = (client, sub, done) => done(null, this.authorizeSubscribe(client, sub));
    this.aedes.authorizeForward = (_client, packet) => ((packet as MarkedPacket)[REJECTED] ? null : packet);
    this.aedes.on('clientReady', (client) => this.deviceSession(client, true));
    this.aedes.on('clientDisconnect', (client) => this.deviceSession(client, false));
    this.deviceEvents.on('revoked', (deviceId, reason) => {
      for (const client of this.sessionsOf(deviceId)) {
        this.logger.warn(`closing MQTT session of ${deviceId}: ${reason}`);
        client.close();
      }
    });
    this.runtime.acceptMqtt((socket) => this.aedes.handle(socket));
  }

  /** A device is online while it holds a session (its retained status and will say the same to others). */
  private deviceSession(client: Client, connected: boolean): void {
    const identity = (client as IdentifiedClient)[IDENTITY];
    if (identity?.kind !== 'device') return;
    const id = identity.device.id;
    const sessions = this.sessions.get(id) ?? new Set<Client>();
    if (connected) {
      // One live connection per device: a new login takes over (the old one may be a stale or cloned device).
      for (const older of sessions) {
        this.logger.warn(`device ${id} connected again (client ${client.id}); closing its older session ${older.id}`);
        sessions.delete(older);
        older.close();
      }
      sessions.add(client);
    }
    else sessions.delete(client);
    if (sessions.size > 0) this.sessions.set(id, sessions);
    else this.sessions.delete(id);
    if (!connected && sessions.size > 0) return; // it reconnected already
    const at = this.clock.now();
    const { family, gridCode } = identity.device;
    this.liveness.setOnline(id, connected, at).then(
      () => this.live.publish('device.status', { deviceId: id, family, online: connected, at: at.toISOString() }, { roles: MONITOR_ROLES, gridCode }),
      (error: Error) => this.logger.error(`could not record ${id} as ${connected ? 'online' : 'offline'}: ${error.message}`),
    );
  }

  private sessionsOf(deviceId: string): Client[] {
    return [...(this.sessions.get(deviceId) ?? [])];
  }

  /** Serves MQTT over WebSocket on the HTTP server's /mqtt path. */
  attachWebSocket(http: HttpServer): void {
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== MQTT_WS_PATH) return;
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => ws.terminate());
        this.aedes.handle(stream);
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const server of [this.runtime.mqttServer, this.runtime.mqttTlsServer]) {
      if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private authorizePublish(client: Client | null, packet: MarkedPacket, done: (error?: Error | null) => void): void {
    if (!client) return done(null); // the broker's own publishes (tasks, wills of gone clients)
    const identity = (client as IdentifiedClient)[IDENTITY];
    const denied = (why: string) => {
      ingestMetrics.refusals.inc({ action: 'publish' });
      this.logger.warn(`MQTT publish refused: ${why} (client ${client.id}, topic ${packet.topic})`);
      done(new Error(why));
    };
    if (!identity) return denied('not authenticated');
    if (identity.kind !== 'device') {
      const refusal = this.access.publishRefusal(identity, packet.topic);
      if (refusal) return denied(refusal);
      return identity.kind === 'worker' ? this.storeLocation(identity.workerId, packet, done) : done(null);
    }
    const topic = this.access.ownTopic(identity.device, packet.topic);
    if ('refusal' in topic) return denied(topic.refusal);
    const device = identity.device;
    const payload = packet.payload as Buffer;
    const holdMs = this.rateLimiter.take(device.id, payload.length, Date.now());
    if (holdMs === null) {
      ingestMetrics.refusals.inc({ action: 'rate' });
      this.logger.warn(`MQTT client ${client.id} of ${device.id} exceeds its message or byte rate; disconnecting`);
      return done(new Error(`device ${device.id} exceeds its rate limit`));
    }
    if (holdMs > 0) {
      ingestMetrics.held.inc({ family: device.family });
      // Over the rate: hold this message (and with it, everything after it from this device) instead of dropping it.
      setTimeout(() => this.store(device, topic, packet, done), holdMs);
      return;
    }
    this.store(device, topic, packet, done);
  }

  /** A tablet's position: stored, or refused (logged, not forwarded) without dropping the tablet's connection. */
  private storeLocation(workerId: string, packet: MarkedPacket, done: (error?: Error | null) => void): void {
    this.locations.recordMessage(workerId, packet.payload as Buffer).then(
      (problem) => {
        if (problem) {
          packet[REJECTED] = true;
          this.logger.warn(`location from worker ${workerId} refused: ${problem}`);
        }
        done(null);
      },
      (error: Error) => {
        this.logger.error(`location from worker ${workerId} not stored: ${error.message}`);
        done(error);
      },
    );
  }

  private store(device: Device, topic: DeviceTopic, packet: MarkedPacket, done: (error?: Error | null) => void): void {
    this.ingest.accept(device, topic, packet.topic, packet.payload as Buffer).then(
      (outcome) => {
        if (outcome === 'dead-lettered') packet[REJECTED] = true;
        done(null);
      },
      (error: Error) => {
        // Not durable: no PUBACK. aedes closes the connection; the device resends the QoS 1 message on reconnect.
        this.logger.error(`message from ${device.id} not stored: ${error.message}`);
        done(error);
      },
    );
  }

  private authorizeSubscribe(client: Client, sub: Subscription): Subscription | null {
    const identity = (client as IdentifiedClient)[IDENTITY];
    const allowed = identity !== undefined && this.access.maySubscribe(identity, sub.topic);
    if (allowed) return sub;
    ingestMetrics.refusals.inc({ action: 'subscribe' });
    this.logger.warn(`MQTT subscription refused: ${sub.topic} (client ${client.id})`);
    return null;
  }
}
