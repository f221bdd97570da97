import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { METRICS, SensorFamily } from '@gridhub/contracts';

/** Payloads larger than this are rejected before parsing. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

/** ISO 8601 with an explicit offset (ARCHITECTURE.md: "ts (ISO 8601 with offset; the device's time)"). */
const ISO_WITH_OFFSET = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

export const VIDEO_EVENT_TYPES = [
  'garbage_exposed',
  'illegal_parking',
  'street_vending',
  'illegal_structure',
  'waterlogging',
  'smoke_fire',
  'crowd_gathering',
  'intrusion',
  'fallen_person',
] as const;
export const EMERGENCY_EVENT_TYPES = [
  'smoke_alarm',
  'gas_leak',
  'sos_button',
  'manhole_cover',
  'water_logging',
  'building_tilt',
  'restore',
] as const;

export interface DataMessage {
  ts: string;
  readings: Record<string, number>;
}
export interface EventMessage {
  ts: string;
  type: string;
  [field: string]: unknown;
}
export type Validated<T> = { ok: true; value: T; deviceTime: Date } | { ok: false; reason: string };

function dataSchema(family: SensorFamily): object {
  const properties = Object.fromEntries(
    Object.entries(METRICS[family]).map(([metric, spec]) => [
      metric,
      { type: 'number', minimum: spec.min, maximum: spec.max },
    ]),
  );
  return {
    type: 'object',
    required: ['ts', 'readings'],
    additionalProperties: false,
    properties: {
      ts: { type: 'string', pattern: ISO_WITH_OFFSET },
      readings: { type: 'object', minProperties: 1, additionalProperties: false, properties },
    },
  };
}

function eventSchema(types: readonly string[]): object {
  return {
    type: 'object',
    required: ['ts', 'type'],
    properties: {
      ts: { type: 'string', pattern: ISO_WITH_OFFSET },
      type: { enum: types },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      lon: { type: 'number', minimum: -180, maximum: 180 },
      lat: { type: 'number', minimum: -90, maximum: 90 },
    },
  };
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'invalid payload';
  const where = first.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : 'payload';
  if (first.keyword === 'additionalProperties') {
    return `${where}: unknown field "${String(first.params['additionalProperty'])}"`;
  }
  if (first.keyword === 'pattern' && where === 'ts') return 'ts: must be ISO 8601 with a UTC offset';
  if (first.keyword === 'enum') return `${where}: must be one of ${(first.params['allowedValues'] as string[]).join(', ')}`;
  return `${where}: ${first.message ?? 'invalid'}`;
}

/** Compiled JSON schemas for every family's `data` and `event` payloads (docs/domain/sensors.md). */
export class PayloadValidator {
  private readonly data = new Map<SensorFamily, ValidateFunction>();
  private readonly events = new Map<SensorFamily, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({ allErrors: false, strict: true });
    for (const family of ['air', 'water'] as const) this.data.set(family, ajv.compile(dataSchema(family)));
    this.events.set('video', ajv.compile(eventSchema(VIDEO_EVENT_TYPES)));
    this.events.set('emergency', ajv.compile(eventSchema(EMERGENCY_EVENT_TYPES)));
  }

  validateData(family: SensorFamily, payload: Buffer): Validated<DataMessage> {
    return this.check(this.data.get(family), `${family} devices publish events, not data`, payload);
  }

  validateEvent(family: SensorFamily, payload: Buffer): Validated<EventMessage> {
    return this.check(this.events.get(family), `${family} devices publish data, not events`, payload);
  }

  private check<T extends { ts: string }>(
    validate: ValidateFunction | undefined,
    wrongKind: string,
    payload: Buffer,
  ): Validated<T> {
    if (!validate) return { ok: false, reason: wrongKind };
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return { ok: false, reason: `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
    if (!validate(parsed)) return { ok: false, reason: describe(validate.errors) };
    const value = parsed as T;
    const deviceTime = new Date(value.ts);
    if (Number.isNaN(deviceTime.getTime())) return { ok: false, reason: 'ts: not a valid date' };
    return { ok: true, value, deviceTime };
  }
}
