/** Flags stored beside a reading or event: the device time looked wrong; the row is kept, never moved. */
export const READING_FLAGS = { future: 1, stale: 2 } as const;

/**
 * The readings of one message: one device time, receive time and flags for all its metrics. Kept as the device
 * sent them (the validated `readings` object) rather than as a row per metric: thousands of messages wait for
 * their commit at once under load, and every object they hold is one the garbage collector copies.
 */
export interface ReadingSet {
  time: Date;
  deviceId: string;
  receivedAt: Date;
  flags: number;
  /** Metric name → value. */
  values: Record<string, number>;
}

/** How many readings a set holds. */
export function readingCount(set: ReadingSet): number {
  let n = 0;
  for (const _metric in set.values) n++;
  return n;
}

export interface EventRow {
  time: Date;
  deviceId: string;
  type: string;
  receivedAt: Date;
  flags: number;
  payload: Record<string, unknown>;
}

export interface DeadLetterRow {
  receivedAt: Date;
  deviceId: string | null;
  topic: string;
  reason: string;
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
}

/** Raw payloads kept in dead letters are cut to this many bytes. */
export const DEAD_LETTER_PAYLOAD_BYTES = 4096;

/** A dead letter for a raw MQTT payload: text when it is clean UTF-8, base64 otherwise; never a NUL in text. */
export function deadLetter(receivedAt: Date, deviceId: string | null, topic: string, reason: string, payload: Buffer): DeadLetterRow {
  const kept = payload.subarray(0, DEAD_LETTER_PAYLOAD_BYTES);
  const text = kept.toString('utf8');
  const clean = !text.includes('\u0000') && !text.includes('\uFFFD') && Buffer.byteLength(text) === kept.length;
  return {
    receivedAt,
    deviceId,
    topic,
    reason: reason.replace(/\u0000/g, '\uFFFD'),
    payload: clean ? text : kept.toString('base64'),
    payloadEncoding: clean ? 'utf8' : 'base64',
  };
}

/** Everything a flush of accepted MQTT messages writes, committed in one statement. */
export interface WriteBatch {
  readings: ReadingSet[];
  events: EventRow[];
  deadLetters: DeadLetterRow[];
}

export const emptyBatch = (): WriteBatch => ({ readings: [], events: [], deadLetters: [] });

/** What one MQTT message writes: its readings, its event, or the dead letter saying why it was refused. */
export type MessageWrite =
  | { kind: 'readings'; row: ReadingSet }
  | { kind: 'event'; row: EventRow }
  | { kind: 'dead-letter'; row: DeadLetterRow };
