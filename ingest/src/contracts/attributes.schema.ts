import Ajv, { ValidateFunction } from 'ajv';
import { SensorFamily } from '@gridhub/contracts';

/** Device attributes per family (docs/domain/sensors.md); vendor extras are kept, known keys typed. */
const common = {
  interval_s: { type: 'number', exclusiveMinimum: 0, maximum: 86400 },
  model: { type: 'string', maxLength: 100 },
};
const schemas: Record<SensorFamily, object> = {
  air: { type: 'object', properties: common },
  water: {
    type: 'object',
    properties: {
      ...common,
      kind: { enum: ['river', 'reservoir', 'pipe', 'rain'] },
      target_class: { enum: ['I', 'II', 'III', 'IV', 'V'] },
      warning_level_m: { type: 'number' },
      guaranteed_level_m: { type: 'number' },
    },
  },
  video: {
    type: 'object',
    properties: { ...common, stream: { type: 'string', maxLength: 500 }, bearing_deg: { type: 'number', minimum: 0, maximum: 360 } },
  },
  emergency: { type: 'object', properties: { ...common, sensor: { type: 'string', maxLength: 50 } } },
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = Object.fromEntries(
  Object.entries(schemas).map(([family, schema]) => [family, ajv.compile(schema)]),
) as Record<SensorFamily, ValidateFunction>;

/** Null when the attributes fit the family, otherwise what is wrong. */
export function attributesProblem(family: SensorFamily, attributes: Record<string, unknown>): string | null {
  const validate = validators[family];
  if (validate(attributes)) return null;
  const e = validate.errors?.[0];
  return `attributes${e?.instancePath.replace(/\//g, '.') ?? ''} ${e?.message ?? 'invalid'}`;
}
