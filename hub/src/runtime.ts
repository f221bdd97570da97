import type { Server } from 'node:net';
import type { HubConfig } from './config/config';
import type { Database } from './database/database';

/** What the bootstrap prepared before Nest starts: checked config, open database, bound MQTT listener. */
export class HubRuntime {
  constructor(
    readonly config: HubConfig,
    readonly database: Database,
    readonly mqttServer: Server,
    readonly mqttPort: number,
  ) {}
}
