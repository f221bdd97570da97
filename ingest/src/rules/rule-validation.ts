import { METRICS } from '@gridhub/contracts';
import { TIME_OF_DAY } from './rule-schedule';
import { RuleDefinition } from './rule.types';

/** A rule definition that does not make sense; `field` names the offending field for the 400 answer. */
export class InvalidRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface RuleReferences {
  deviceFamily(id: string): Promise<string | null>;
  gridExists(code: string): Promise<boolean>;
}

const fail = (field: string, message: string): never => {
  throw new InvalidRuleError(field, message);
};
const isInt = (v: number | null): v is number => v !== null && Number.isInteger(v);

/** Checks what class-validator cannot: fields that depend on each other and references to devices and grids. */
export async function validateRule(rule: RuleDefinition, refs: RuleReferences): Promise<void> {
  const metrics = METRICS[rule.family];
  const { kind, threshold, clearThreshold } = rule;
  switch (kind) {
    case 'above':
    case 'below':
    case 'rate_of_change':
      if (!rule.metric) fail('metric', `an "${kind}" rule needs a metric`);
      if (!metrics[rule.metric!]) {
        fail('metric', `${rule.family} devices have no metric "${rule.metric}" (they have ${Object.keys(metrics).join(', ') || 'none: they send events'})`);
      }
      if (threshold === null) fail('threshold', `an "${kind}" rule needs a threshold`);
      break;
    case 'no_data':
      if (rule.metric !== null && !metrics[rule.metric]) fail('metric', `${rule.family} devices have no metric "${rule.metric}"`);
      if (threshold === null || threshold <= 0) fail('threshold', 'a "no_data" rule needs the silence in minutes (> 0) as its threshold');
      if (rule.durationS !== 0) fail('durationS', 'a "no_data" rule has no duration: its threshold is the silence in minutes');
      if (clearThreshold !== null) fail('clearThreshold', 'a "no_data" rule clears when data arrives; it has no clear level');
      break;
    case 'aqi_level':
      if (rule.family !== 'air') fail('family', 'an "aqi_level" rule watches air stations (family air)');
      if (rule.metric !== null) fail('metric', 'an "aqi_level" rule uses all pollutants; leave metric out');
      if (!isInt(threshold) || threshold < 2 || threshold > 6) fail('threshold', 'an "aqi_level" rule needs an AQI level from 2 to 6 (HJ 633-2012)');
      if (clearThreshold !== null && (!isInt(clearThreshold) || clearThreshold < 1 || clearThreshold >= threshold!)) {
        fail('clearThreshold', `the clear level must be a whole AQI level from 1 to ${threshold! - 1}`);
      }
      break;
    case 'water_class':
      if (rule.family !== 'water') fail('family', 'a "water_class" rule watches water stations (family water)');
      if (rule.metric !== null) fail('metric', 'a "water_class" rule uses all GB 3838 items; leave metric out');
      if (threshold !== null && (!isInt(threshold) || threshold < 1 || threshold > 5)) {
        fail('threshold', 'the target class must be 1 to 5 (class I–V), or left out for the station’s own target class');
      }
      if (clearThreshold !== null && (!isInt(clearThreshold) || clearThreshold < 1 || (threshold !== null && clearThreshold > threshold))) {
        fail('clearThreshold', 'the clear class must be a whole class from 1 up to the target class');
      }
      break;
  }
  if (kind === 'rate_of_change') {
    if (!rule.ratePer) fail('ratePer', 'a "rate_of_change" rule needs ratePer (minute or hour)');
    if (threshold! <= 0) fail('threshold', 'a rate of change threshold must be > 0 (use rateDirection for falls)');
  } else if (rule.ratePer !== null || rule.rateDirection !== null) {
    fail(rule.ratePer !== null ? 'ratePer' : 'rateDirection', `only a "rate_of_change" rule has a rate unit or direction`);
  }
  if (clearThreshold !== null && (kind === 'above' || kind === 'rate_of_change') && clearThreshold > threshold!) {
    fail('clearThreshold', `must not be above the raise level ${threshold} (hysteresis: clear at or below it)`);
  }
  if (clearThreshold !== null && kind === 'below' && clearThreshold < threshold!) {
    fail('clearThreshold', `must not be below the raise level ${threshold} (hysteresis: clear at or above it)`);
  }
  if (rule.schedule) {
    const { days, from, to } = rule.schedule;
    if (days && new Set(days).size !== days.length) fail('schedule.days', 'lists a weekday twice');
    if (from !== undefined && !TIME_OF_DAY.test(from)) fail('schedule.from', 'must be HH:MM');
    if (to !== undefined && !TIME_OF_DAY.test(to)) fail('schedule.to', 'must be HH:MM');
    if (from !== undefined && from === to) fail('schedule.to', 'must differ from schedule.from');
  }
  if (rule.actions !== 'notify' && !rule.incidentCategory) fail('incidentCategory', `actions "${rule.actions}" create incidents: name their category`);
  if (rule.scope.deviceId) {
    const family = await refs.deviceFamily(rule.scope.deviceId);
    if (!family) fail('scope.deviceId', `device ${rule.scope.deviceId} does not exist`);
    if (family !== rule.family) fail('scope.deviceId', `device ${rule.scope.deviceId} is a ${family} device, the rule is for ${rule.family}`);
  }
  if (rule.scope.gridCode && !(await refs.gridExists(rule.scope.gridCode))) fail('scope.gridCode', `grid ${rule.scope.gridCode} does not exist`);
}
