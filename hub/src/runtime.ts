import type { Server, Socket } from 'node:net';
import type { HubConfig } from './config/config';
import type { Database } from './database/database';

/**
 * What the bootstrap prepared before Nest starts: checked config, open database, and the MQTT listener —
 * bound first, so a taken port fails fast. Connections that arrive before the broker is wired wait here.
 */
export class HubRuntime {
  private early: Socket[] | null = [];
  private readonly hold = (socket: Socket) => this.early?.push(socket);

  constructor(
    readonly config: HubConfig,
    readonly database: Database,
    /** The embedded broker's TCP listener (and TLS listener); null when an external broker is used (MQTT_URL). */
    readonly mqttServer: Server | null,
    readonly mqttPort: number | null,
    readonly mqttTlsServer: Server | null = null,
  ) {
    mqttServer?.on('connection', this.hold);
    mqttTlsServer?.on('secureConnection', this.hold);
  }

  /** Hands every MQTT connection, including those that waited, to the broker. */
  acceptMqtt(handle: (socket: Socket) => void): void {
    this.mqttServer?.off('connection', this.hold);
    this.mqttServer?.on('connection', handle);
    this.mqttTlsServer?.off('secureConnection', this.hold);
    this.mqttTlsServer?.on('secureConnection', handle);
    const waiting = this.early ?? [];
    this.early = null;
    waiting.forEach(handle);
  }
}
