import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, Optional } from '@nestjs/common';
import { hostname } from 'node:os';
import { connect, NatsConnection, nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  ConsumerConfig,
  ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  JetStreamManager,
  JsMsg,
  RetentionPolicy,
  StorageType,
  StreamConfig,
} from '@nats-io/jetstream';
import { Clock, deadLetter, IngestWriter } from '@gridhub/ingest';
import { parseDeviceTopic, TOPIC_ROOT } from '@gridhub/contracts';
import { NatsConfig } from '../config/config';
import { HubRuntime } from '../runtime';
import { BrokerLink } from './broker-link';
import { DeviceMessageHandler } from './device-message.handler';
import { NatsAccounts } from './nats-accounts';
import { mqttTopicToSubject, subjectToMqttTopic } from './nats-subject';

/** The MQTT topics GridHub ingests, as the NATS MQTT listener maps them to subjects ('/' → '.'). */
export const INGEST_SUBJECTS = ['*.*.data', '*.*.event', '*.*.status', 'workers.*.location'].map((s) => `${mqttTopicToSubject(TOPIC_ROOT)}.${s}`);
/** Messages one instance holds at once (pulled, waiting for their batch commit). */
const IN_FLIGHT = 8_000;
/** Unacknowledged messages the consumer allows across every instance. */
const MAX_ACK_PENDING = 40_000;
const RETRY_MAX_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * NATS with JetStream as the ingest path. Devices publish MQTT to the NATS server's MQTT listener; the stream
 * keeps their messages (work-queue retention: until GridHub has them) and every hub instance pulls from one
 * durable consumer, so the load splits between instances and a message goes to one of them at a time.
 *
 * A message is acknowledged only after its batch commit (explicit ack). While the database cannot take it, the
 * instance keeps it (signalling `working` so the ack wait does not run out) and retries; an instance that dies
 * holding messages leaves them unacknowledged, and JetStream delivers them again after the ack wait, to whichever
 * instance pulls next. Storage is idempotent, so a redelivery of a stored message never duplicates it.
 *
 * A message delivered more than `maxDeliver` times (instances died or hung while holding it each time) is not
 * processed again: it goes to dead letters with that reason, so one poison message cannot take the fleet down in turn.
 */
@Injectable()
export class NatsIngest extends BrokerLink implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(NatsIngest.name);
  private readonly config: NatsConfig;
  private nc: NatsConnection | null = null;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private stopping = false;
  private reconnecting = false;
  /** Consumption is being started again after the stream or consumer went missing. */
  private resuming = false;
  /** Why consumption ended, if it did while the hub still runs. */
  private stopped: string | null = null;
  /** Messages delivered more often than allowed and dead-lettered by this instance. */
  deadLettered = 0;

  constructor(
    runtime: HubRuntime,
    private readonly handler: DeviceMessageHandler,
    private readonly writer: IngestWriter,
    private readonly clock: Clock,
    @Optional() private readonly accounts?: NatsAccounts,
  ) {
    super();
    this.config = runtime.config.nats!;
  }

  /** Device messages this instance stored (or dead-lettered after validation). */
  get handled(): number {
    return this.handler.handled;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { servers, stream, consumer } = this.config;
    // With accounts issued by GridHub, the hub's own login is in the file it writes: wait for the first one.
    await this.accounts?.ready();
    this.nc = await this.connect();
    this.watchStatus(this.nc);
    await this.restore();
    await this.startConsuming();
    this.logger.log(`consuming JetStream stream ${stream} through durable consumer ${consumer} at ${servers.join(',')}`);
  }

  /** Stops pulling first, before the writer drains (module destroy comes before application shutdown). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // A loop that was just starting again may have replaced the one awaited: close until none is left.
    for (let loop: Promise<void> | null = null; loop !== this.loop; ) {
      loop = this.loop;
      await this.messages?.close().catch(() => undefined);
      await loop?.catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // The writer has drained by now (module destroy): the acknowledgements of what it committed go out with the
    // drain. Anything not acknowledged is delivered again, and the idempotent write makes that harmless.
    await this.nc?.drain().catch(() => undefined);
  }

  /** Worker tasks go out as plain NATS messages on the tasks subject; MQTT subscribers of the listener receive them. */
  async publish(topic: string, payload: Buffer): Promise<void> {
    if (!this.nc) throw new Error('not connected to NATS yet');
    this.nc.publish(mqttTopicToSubject(topic), payload);
    await this.nc.flush();
  }

  health(): { up: boolean; detail: string } {
    const up = this.nc !== null && !this.nc.isClosed() && !this.reconnecting && this.messages !== null && this.stopped === null;
    const state = this.stopped ? `consumption stopped: ${this.stopped}` : up ? 'consuming' : 'not connected';
    return { up, detail: `NATS JetStream ${this.config.servers.join(',')}: ${state} (stream ${this.config.stream}, consumer ${this.config.consumer}, ${this.inFlight} in flight)` };
  }

  /** Connects, retrying for a few seconds (a server that was just told to reload its users may refuse at first). */
  private async connect(): Promise<NatsConnection> {
    const { servers, user, password } = this.config;
    for (let attempt = 1; ; attempt++) {
      try {
        return await connect({
          servers,
          name: `gridhub-${hostname()}-${process.pid}`,
          ...(user ? { user } : {}),
          ...(password ? { pass: password } : {}),
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
        });
      } catch (error) {
        if (attempt >= 20) throw new Error(`cannot connect to NATS at ${servers.join(',')}: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  }

  private watchStatus(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.reconnecting = true;
          this.logger.warn('NATS connection lost; reconnecting');
        } else if (status.type === 'reconnect') {
          this.reconnecting = false;
          this.logger.log('NATS connection restored');
        }
      }
    })();
  }

  /**
   * Stream and consumer set-up, retried for a few seconds: while the server reloads its configuration (a new users
   * file) or restarts, it answers for a moment without JetStream in the account ("no responders").
   */
  private async retried(work: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 20) throw new Error(`JetStream is not available at ${this.config.servers.join(',')}: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  }

  /** The stream capturing device subjects; created when missing, its subjects completed when it exists. */
  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { stream, replicas } = this.config;
    const info = await jsm.streams.info(stream).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
      throw error;
    });
    if (!info) {
      const config: Partial<StreamConfig> & { name: string } = {
        name: stream,
        subjects: INGEST_SUBJECTS,
        // Work-queue retention: a message is kept until a consumer acknowledges it, then removed.
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        num_replicas: replicas,
      };
      await jsm.streams.add(config);
      this.logger.log(`created JetStream stream ${stream} on ${INGEST_SUBJECTS.join(', ')} (${replicas} replica(s))`);
      return;
    }
    const missing = INGEST_SUBJECTS.filter((s) => !(info.config.subjects ?? []).includes(s));
    if (missing.length > 0) {
      await jsm.streams.update(stream, { subjects: [...(info.config.subjects ?? []), ...missing] });
      this.logger.log(`JetStream stream ${stream} now also captures ${missing.join(', ')}`);
    }
  }

  /**
   * The durable pull consumer all instances share. JetStream's own delivery limit stays off (-1): GridHub counts
   * the deliveries itself and dead-letters, so a message is never left stranded in the stream after its last try.
   */
  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const { stream, consumer, ackWaitSeconds } = this.config;
    const config: Partial<ConsumerConfig> = {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitSeconds * 1000),
      max_deliver: -1,
      max_ack_pending: MAX_ACK_PENDING,
    };
    const exists = await jsm.consumers.info(stream, consumer).then(
      () => true,
      (error: unknown) => {
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
        throw error;
      },
    );
    if (exists) await jsm.consumers.update(stream, consumer, { ack_wait: config.ack_wait!, max_deliver: -1, max_ack_pending: MAX_ACK_PENDING });
    else await jsm.consumers.add(stream, config);
  }

  /**
   * Starts pulling through the durable consumer. If consumption ends while the hub runs (it should not: the client
   * re-pulls across reconnects), it is started again after a pause instead of leaving this instance idle.
   */
  private async startConsuming(): Promise<void> {
    const pull = await jetstream(this.nc!).consumers.get(this.config.stream, this.config.consumer);
    const messages = await pull.consume({ max_messages: 1_000 });
    if (this.stopping) {
      await messages.close().catch(() => undefined);
      return;
    }
    this.messages = messages;
    this.watchConsumer(messages);
    this.loop = this.consume(messages).then(
      () => this.consumptionEnded(null),
      (error: Error) => this.consumptionEnded(error),
    );
  }

  private async consumptionEnded(error: Error | null): Promise<void> {
    if (this.stopping) return;
    if (!this.resuming) {
      this.stopped = error?.message ?? 'the consumer closed';
      this.logger.error(`JetStream consumption stopped (${this.stopped}); starting it again`);
    }
    for (let attempt = 0; !this.stopping; attempt++) {
      if (!this.resuming || attempt > 0) await sleep(Math.min(RETRY_MAX_MS, 500 * 2 ** attempt));
      if (this.stopping) return;
      try {
        await this.restore();
        await this.startConsuming();
        this.stopped = null;
        this.resuming = false;
        this.logger.log('JetStream consumption resumed');
        return;
      } catch (failure) {
        this.logger.warn(`JetStream consumption not resumed yet: ${(failure as Error).message}`);
      }
    }
  }

  /**
   * The client waits for a missing stream or consumer to come back (and only notices a new one at its next
   * heartbeat check, tens of seconds later) but does not make it come back: one deleted by an operator, or lost
   * with a server's store, would leave every instance idle. Set them up again and pull afresh, so the stream's
   * messages flow once more (what instances held unacknowledged is delivered again, and stored once).
   */
  private watchConsumer(messages: ConsumerMessages): void {
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type !== 'consumer_not_found' && status.type !== 'stream_not_found' && status.type !== 'consumer_deleted') continue;
        if (this.resuming || this.stopping || this.messages !== messages) continue;
        this.logger.warn(`JetStream ${status.type.replace(/_/g, ' ')}: setting stream ${this.config.stream} and consumer ${this.config.consumer} up again`);
        this.resuming = true;
        this.stopped = `${status.type.replace(/_/g, ' ')}; setting it up again`;
        await messages.close().catch(() => undefined); // the loop ends, and consumptionEnded starts a new one
      }
    })().catch(() => undefined);
  }

  /** Creates the stream and the consumer where missing. */
  private restore(): Promise<void> {
    return this.retried(async () => {
      const jsm = await jetstreamManager(this.nc!);
      await this.ensureStream(jsm);
      await this.ensureConsumer(jsm);
    });
  }

  /** Pulls messages and handles many at once (they meet in the writer's group commits), at most IN_FLIGHT. */
  private async consume(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      if (this.stopping) break;
      this.inFlight++;
      void this.process(message).finally(() => {
        this.inFlight--;
        if (this.inFlight < IN_FLIGHT) this.wake?.();
      });
      while (this.inFlight >= IN_FLIGHT && !this.stopping) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private async process(message: JsMsg): Promise<void> {
    const topic = subjectToMqttTopic(message.subject);
    const payload = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    const { deliveryCount } = message.info;
    const store =
      deliveryCount > this.config.maxDeliver
        ? () => this.deadLetter(topic, payload, deliveryCount)
        : () => this.handler.handle(topic, payload);
    for (let attempt = 0; ; attempt++) {
      try {
        await store();
      } catch (error) {
        if (this.stopping) return; // unacknowledged: delivered again, to another instance or after the restart
        if (attempt === 0) this.logger.error(`message on ${topic} not stored yet (${(error as Error).message}); keeping it and retrying`);
        // Still ours: the ack wait starts again, so JetStream does not hand it to another instance meanwhile.
        try {
          message.working();
        } catch {
          // closed connection: the message comes back after the ack wait, to whichever instance pulls it
        }
        await sleep(Math.min(RETRY_MAX_MS, (this.config.ackWaitSeconds * 1000) / 3, 200 * 2 ** attempt));
        continue;
      }
      try {
        message.ack();
      } catch {
        // The connection is closing: JetStream delivers it again, and the idempotent write stores it once.
      }
      return;
    }
  }

  private async deadLetter(topic: string, payload: Buffer, deliveries: number): Promise<void> {
    const deviceId = parseDeviceTopic(topic)?.deviceId ?? null;
    const reason = `delivered ${deliveries} times without being stored (NATS_MAX_DELIVER ${this.config.maxDeliver}): instances stopped or hung while holding it`;
    await this.writer.submit({ kind: 'dead-letter', row: deadLetter(this.clock.now(), deviceId, topic, reason, payload) });
    this.deadLettered += 1;
    this.logger.warn(`dead letter for ${topic}: ${reason}`);
  }
}
