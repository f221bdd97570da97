import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { emptyBatch, WriteBatch } from './reading.types';
import { ReadingsRepository } from './readings.repository';

export class IngestOverloadedError extends Error {
  constructor(pending: number) {
    super(`ingest buffer full (${pending} messages waiting for the database)`);
  }
}

export interface IngestWriterOptions {
  /** How long the first message of a batch waits for company before the batch is written. */
  lingerMs: number;
  /** A batch is written at once when it holds this many rows. */
  maxRows: number;
  /** Messages waiting for the database beyond this are refused (not acknowledged), never dropped after ack. */
  maxPending: number;
}

export const DEFAULT_WRITER_OPTIONS: IngestWriterOptions = { lingerMs: 10, maxRows: 2000, maxPending: 20000 };

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Groups the writes of many MQTT messages into one transaction. `submit` resolves only after the
 * transaction holding the message commits, so the broker can acknowledge a QoS 1 publish then.
 */
@Injectable()
export class IngestWriter implements OnModuleDestroy {
  private batch = emptyBatch();
  private rows = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pending = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: ReadingsRepository,
    private readonly options: IngestWriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  submit(part: WriteBatch): Promise<void> {
    if (this.pending >= this.options.maxPending) return Promise.reject(new IngestOverloadedError(this.pending));
    this.pending++;
    this.batch.readings.push(...part.readings);
    this.batch.events.push(...part.events);
    this.batch.deadLetters.push(...part.deadLetters);
    this.batch.seen.push(...part.seen);
    this.rows += part.readings.length + part.events.length + part.deadLetters.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.rows >= this.options.maxRows) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    return done.finally(() => this.pending--);
  }

  /** Starts writing what is buffered; writes are serialised so batches commit in arrival order. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiters.length === 0) return this.flushing;
    const batch = this.batch;
    const waiters = this.waiters;
    this.batch = emptyBatch();
    this.waiters = [];
    this.rows = 0;
    this.flushing = this.flushing.then(() =>
      this.repository.write(batch).then(
        () => waiters.forEach((w) => w.resolve()),
        (error: Error) => waiters.forEach((w) => w.reject(error)),
      ),
    );
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
