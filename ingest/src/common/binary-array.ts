/**
 * One-dimensional PostgreSQL arrays in the binary wire format (what `array_send` writes and `array_recv`
 * reads), for statement parameters: node-postgres sends a `Buffer` parameter in binary format, and the
 * statement's cast (`$1::float8[]`) gives its type. Compared with array literals, numbers are not printed in
 * the hub and parsed again by the server, and times go over as the server's own microsecond counts instead of
 * being converted by `to_timestamp` per row.
 *
 * Layout: dimensions (1, or 0 for an empty array), a has-nulls flag (0: these arrays never hold a null), the
 * element type's OID, then the length and lower bound (1) of the dimension, then per element its byte length
 * and its bytes (big-endian for numbers). The element OID must be exactly the type the statement casts to.
 */

/**
 * A value that cannot be encoded, refused with a SQLSTATE as the server refuses bad data (class 22), so callers
 * treat it like the server's own refusal (the ingest writer then isolates the message that holds it).
 */
export class ArrayValueError extends RangeError {
  readonly code = '22008'; // datetime_field_overflow: the only value refused here is a time that is not a number
}

const OID = { int2: 21, int4: 23, text: 25, float8: 701, timestamptz: 1184 } as const;

/** Milliseconds from the Unix epoch to PostgreSQL's, 2000-01-01 00:00:00 UTC. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

function header(oid: number, length: number, bytes: number): { buffer: Buffer; offset: number } {
  if (length === 0) {
    const buffer = Buffer.allocUnsafe(12);
    buffer.writeInt32BE(0, 0);
    buffer.writeInt32BE(0, 4);
    buffer.writeInt32BE(oid, 8);
    return { buffer, offset: 12 };
  }
  const buffer = Buffer.allocUnsafe(20 + bytes);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeInt32BE(oid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return { buffer, offset: 20 };
}

/** An array of fixed-width elements: each one's byte length, then its bytes as `write` puts them. */
function fixedWidthArray<T>(oid: number, width: number, values: readonly T[], write: (buffer: Buffer, value: T, offset: number) => void): Buffer {
  const { buffer, offset: start } = header(oid, values.length, values.length * (4 + width));
  let offset = start;
  // An indexed loop: `for … of` allocated an iterator result per element here (sampled heap profile under load).
  for (let i = 0; i < values.length; i++) {
    buffer.writeInt32BE(width, offset);
    write(buffer, values[i]!, offset + 4);
    offset += 4 + width;
  }
  return buffer;
}

export const float8Array = (values: readonly number[]): Buffer =>
  fixedWidthArray(OID.float8, 8, values, (buffer, v, offset) => buffer.writeDoubleBE(v, offset));

export const int4Array = (values: readonly number[]): Buffer =>
  fixedWidthArray(OID.int4, 4, values, (buffer, v, offset) => buffer.writeInt32BE(v, offset));

export const int2Array = (values: readonly number[]): Buffer =>
  fixedWidthArray(OID.int2, 2, values, (buffer, v, offset) => buffer.writeInt16BE(v, offset));

/**
 * Times given as epoch milliseconds; sent as the server's int64 microseconds since 2000-01-01 UTC (written as
 * two 32-bit halves: a millisecond count times 1,000 stays an exact double for ±285,000 years).
 */
export const timestamptzArray = (epochMs: readonly number[]): Buffer =>
  fixedWidthArray(OID.timestamptz, 8, epochMs, (buffer, ms, offset) => {
    if (!Number.isFinite(ms)) throw new ArrayValueError(`not a valid time: ${ms}`);
    const us = Math.round(ms - PG_EPOCH_MS) * 1000;
    const high = Math.floor(us / TWO_32);
    buffer.writeInt32BE(high, offset);
    buffer.writeUInt32BE(us - high * TWO_32, offset + 4);
  });

/** Text elements as UTF-8 (the server refuses a NUL character in text itself: SQLSTATE 22021). */
export function textArray(values: readonly string[]): Buffer {
  let bytes = values.length * 4;
  const lengths = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    lengths[i] = Buffer.byteLength(values[i]!, 'utf8');
    bytes += lengths[i]!;
  }
  const { buffer, offset: start } = header(OID.text, values.length, bytes);
  let offset = start;
  for (let i = 0; i < values.length; i++) {
    buffer.writeInt32BE(lengths[i]!, offset);
    offset += 4;
    offset += buffer.write(values[i]!, offset, 'utf8');
  }
  return buffer;
}
