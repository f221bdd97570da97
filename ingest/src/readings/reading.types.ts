/** Flags stored beside a reading or event: the device time looked wrong; the row is kept, never moved. */
export const READING_FLAGS = { future: 1, stale: 2 } as const;

export interface ReadingRow {
  time: Date;
  deviceId: string;
  metric: string;
  value: number;
  receivedAt: Date;
  flags: number;
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

/** Everything one accepted MQTT message (or a whole flush) writes, committed in one transaction. */
export interface WriteBatch {
  readings: ReadingRow[];
  events: EventRow[];
  deadLetters: DeadLetterRow[];
}

export const emptyBatch = (): WriteBatch => ({ readings: [], events: [], deadLetters: [] });
