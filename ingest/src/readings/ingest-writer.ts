import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { sqlState } from '../common/sql-state';
import { DeadLetterRow, emptyBatch, MessageWrite, readingCount, WriteBatch } from './reading.types';
import { ReadingRepository } from './reading.repository';

export class IngestOverloadedError extends Error {
  constructor(pending: number) {
    super(`ingest buffer full (${pending} messages waiting for the database)`);
  }
}

export interface IngestWriterOptions {
  /** How long the first message of a batch waits for company before the batch is written. */
  lingerMs: number;
  /** A batch is written once it holds this many rows; a larger backlog is split into batches of this size. */
  maxRows: number;
  /** Messages waiting for the database beyond this are refused (not acknowledged), never dropped after ack. */
  maxPending: number;
  /** Batches written at the same time (1 for the one-connection embedded database). */
  concurrency: number;
}

export const DEFAULT_WRITER_OPTIONS: IngestWriterOptions = { lingerMs: 5, maxRows: 5000, maxPending: 50_000, concurrency: 1 };

/** One submitted message waiting for its commit: kept small, as thousands wait at once under load. */
interface Part {
  write: MessageWrite;
  /** What to store instead when the database refuses this message's data (so its neighbours still land). */
  asDeadLetter: ((reason: string) => DeadLetterRow) | undefined;
  rows: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

function batchOf(writes: readonly MessageWrite[]): WriteBatch {
  const batch = emptyBatch();
  for (const write of writes) {
    if (write.kind === 'readings') batch.readings.push(write.row);
    else if (write.kind === 'event') batch.events.push(write.row);
    else batch.deadLetters.push(write.row);
  }
  return batch;
}

/**
 * Groups the writes of many MQTT messages into few statements. `submit` resolves only after the statement
 * holding the message has committed, so the broker can acknowledge a QoS 1 publish then. While the allowed
 * number of batches is being written, new messages gather into the next batch (group commit): the busier the
 * hub, the larger and fewer its statements.
 */
@Injectable()
export class IngestWriter implements OnModuleDestroy {
  private queue: Part[] = [];
  private queuedRows = 0;
  private pending = 0;
  private writing = 0;
  private timer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];

  private readonly options: IngestWriterOptions;

  constructor(
    private readonly repository: ReadingRepository,
    options: Partial<IngestWriterOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, ...options };
  }

  /**
   * Queues one message's write; resolves once it is committed. `asDeadLetter` says what to store instead if the
   * database refuses the message's data.
   */
  submit(write: MessageWrite, asDeadLetter?: (reason: string) => DeadLetterRow): Promise<void> {
    if (this.pending >= this.options.maxPending) return Promise.reject(new IngestOverloadedError(this.pending));
    this.pending++;
    const rows = write.kind === 'readings' ? readingCount(write.row) : 1;
    const done = new Promise<void>((resolve, reject) => this.queue.push({ write, asDeadLetter, rows, resolve, reject }));
    this.queuedRows += rows;
    if (this.queuedRows >= this.options.maxRows) this.dispatch();
    else this.timer ??= setTimeout(() => this.dispatch(), this.options.lingerMs);
    return done;
  }

  /** Resolves when everything submitted so far is written (or has failed). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.writing === 0) return Promise.resolve();
    this.dispatch();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async onModuleDestroy(): Promise<void> {
    await this.drain();
  }

  private dispatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0 && this.writing < this.options.concurrency) {
      const parts = this.take();
      this.writing++;
      this.write(parts).finally(() => {
        this.writing--;
        if (this.queue.length > 0) this.dispatch();
        else if (this.writing === 0) this.idle.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  /** The next batch: the oldest parts up to maxRows (at least one), taken off the queue in one splice. */
  private take(): Part[] {
    let rows = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || rows + this.queue[n]!.rows <= this.options.maxRows)) rows += this.queue[n++]!.rows;
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }

  private async write(parts: Part[]): Promise<void> {
    try {
      await this.repository.write(batchOf(parts.map((p) => p.write)));
      this.settle(parts, null);
    } catch (error) {
      if (!isDataError(error)) {
        this.settle(parts, error as Error);
        return;
      }
      // The database refused some message's data: find it, so one bad message cannot fail its neighbours.
      if (parts.length > 1) {
        const half = Math.ceil(parts.length / 2);
        await this.write(parts.slice(0, half));
        await this.write(parts.slice(half));
        return;
      }
      const [part] = parts as [Part];
      const replacement = part.asDeadLetter?.((error as Error).message);
      if (!replacement) return this.settle(parts, error as Error);
      await this.repository.write(batchOf([{ kind: 'dead-letter', row: replacement }])).then(
        () => this.settle(parts, null),
        (failure: Error) => this.settle(parts, failure),
      );
    }
  }

  private settle(parts: readonly Part[], error: Error | null): void {
    this.pending -= parts.length;
    for (const part of parts) {
      if (error) part.reject(error);
      else part.resolve();
    }
  }
}

/** SQLSTATE classes for refused data (22 data exception, 23 constraint violation, 54 limit exceeded). */
function isDataError(error: unknown): boolean {
  return /^(22|23|54)/.test(sqlState(error) ?? '');
}
