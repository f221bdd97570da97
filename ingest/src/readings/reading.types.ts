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
}

/** Everything one accepted MQTT message (or a whole flush) writes, committed in one transaction. */
export interface WriteBatch {
  readings: ReadingRow[];
  events: EventRow[];
  deadLetters: DeadLetterRow[];
}

export const emptyBatch = (): WriteBatch => ({ readings: [], events: [], deadLetters: [] });
