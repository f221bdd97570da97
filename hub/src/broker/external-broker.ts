import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '@gridhub/contracts';
import { HubRuntime } from '../runtime';
import { BrokerLink } from './broker-link';
import { DeviceMessageHandler } from './device-message.handler';

/** What each ingest connection subscribes to, within the shared group. */
export const INGEST_TOPICS = [`${TOPIC_ROOT}/+/+/data`, `${TOPIC_ROOT}/+/+/event`, `${TOPIC_ROOT}/+/+/status`, `${TOPIC_ROOT}/workers/+/location`];
/** How long the broker keeps an instance's session while it is away (a week: covers any planned outage). */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * Scaled-out shape: the hub runs no broker. It logs in to an external one (EMQX, VerneMQ, Mosquitto) and consumes
 * device messages through a shared subscription (`$share/<group>/gridhub/v1/+/+/data` …), so every hub instance
 * takes a share and each message goes to one of them. The broker authenticates devices and enforces topic ACLs
 * (EMQX calls the hub's /api/v1/broker endpoints for both).
 *
 * A QoS 1 message is acknowledged only after it is durable: mqtt.js (on MQTT 5) holds the PUBACK until
 * `customHandleAcks` answers. It handles one message per connection at a time, so each instance opens `consumers` connections and
 * their messages meet in the ingest writer's group commits. When a message cannot be stored, that connection is
 * dropped unacknowledged and the broker delivers it again after the reconnect (a persistent session with
 * MQTT_CLIENT_ID keeps it across a restart too); storage is idempotent, so a redelivery never duplicates.
 */
@Injectable()
export class ExternalBroker extends BrokerLink implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExternalBroker.name);
  private readonly consumers: MqttClient[] = [];
  private publisher: MqttClient | null = null;
  /** Consumer connections that are connected and subscribed. */
  private readonly subscribed = new Set<MqttClient>();

  constructor(
    private readonly runtime: HubRuntime,
    private readonly messages: DeviceMessageHandler,
  ) {
    super();
  }

  /** Device messages this instance took from the shared subscription and stored (or dead-lettered). */
  get handled(): number {
    return this.messages.handled;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { url, shareGroup, consumers } = this.runtime.config.mqtt;
    const base = this.clientIdBase();
    this.publisher = await this.connect(`${base}-pub`);
    for (let i = 0; i < consumers; i++) {
      const topics = INGEST_TOPICS.map((t) => `$share/${shareGroup}/${t}`);
      const client = await this.connect(`${base}-in${i}`, (topic, payload, done) => this.handle(client, topic, payload, done));
      await client.subscribeAsync(topics, { qos: 1 });
      this.subscribed.add(client);
      // After every reconnect, subscribe again and only then count the connection as consuming: some brokers
      // (Mosquitto 2.0) restore a session after their restart but not its shared subscriptions, and mqtt.js would
      // skip topics it believes subscribed — hence the explicit `resubscribe`. A repeated SUBSCRIBE changes nothing.
      client.on('close', () => this.subscribed.delete(client));
      client.on('connect', () => {
        const again = Object.assign(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }])), { resubscribe: true });
        client.subscribeAsync(again as unknown as string[]).then(
          () => this.subscribed.add(client),
          (error: Error) => this.logger.error(`resubscribing ${client.options.clientId}: ${error.message}`),
        );
      });
      this.consumers.push(client);
    }
    this.logger.log(`consuming from ${redact(url!)} in shared group "${shareGroup}" over ${consumers} connection(s)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers, ...(this.publisher ? [this.publisher] : [])].map((c) => c.endAsync(true).catch(() => undefined)));
  }

  async publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    if (!this.publisher) throw new Error('not connected to the external MQTT broker yet');
    await this.publisher.publishAsync(topic, payload, { qos });
  }

  health(): { up: boolean; detail: string } {
    const consuming = this.consumers.filter((c) => c.connected && this.subscribed.has(c)).length;
    const up = consuming === this.consumers.length && consuming > 0 && (this.publisher?.connected ?? false);
    return { up, detail: `external broker ${redact(this.runtime.config.mqtt.url!)}: ${consuming}/${this.consumers.length} ingest connections consuming` };
  }

  private clientIdBase(): string {
    return this.runtime.config.mqtt.clientId ?? `gridhub-${hostname()}-${randomBytes(3).toString('hex')}`;
  }

  private async connect(clientId: string, handler?: (topic: string, payload: Buffer, done: (ok: boolean) => void) => void): Promise<MqttClient> {
    const { url, username, password, clientId: stable } = this.runtime.config.mqtt;
    const options: IClientOptions = {
      clientId,
      // MQTT 5: shared subscriptions are part of it, and mqtt.js holds a PUBACK for customHandleAcks only on v5.
      protocolVersion: 5,
      // A stable client id keeps its session — subscriptions and the messages queued for it — while the hub or the
      // broker restarts (MQTT 5 ends a session on disconnect unless it is given an expiry).
      clean: stable === null,
      ...(stable !== null ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(handler
        ? {
            customHandleAcks: (topic: string, payload: Buffer, _packet: unknown, callback: (error: Error | number, code?: number) => void) =>
              handler(topic, payload, (ok) => (ok ? callback(0 as never, 0) : undefined)),
          }
        : {}),
    };
    const client = await mqtt.connectAsync(url!, options);
    client.on('error', (error) => this.logger.warn(`external broker (${clientId}): ${error.message}`));
    client.on('offline', () => this.logger.warn(`external broker connection ${clientId} lost; reconnecting`));
    return client;
  }

  /** One message from the shared subscription: stored (or dead-lettered) before its PUBACK goes out. */
  private handle(client: MqttClient, rawTopic: string, payload: Buffer, done: (ok: boolean) => void): void {
    this.messages.handle(rawTopic, payload).then(
      () => done(true),
      (error: Error) => {
        // Not durable: no PUBACK. Dropping the connection makes the broker deliver the message again.
        this.logger.error(`message on ${rawTopic} not stored (${error.message}); reconnecting for a redelivery`);
        done(false);
        client.stream?.destroy();
      },
    );
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
