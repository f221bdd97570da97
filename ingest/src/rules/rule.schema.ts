import { BUREAUS, OnWire, SENSOR_FAMILIES, WARNING_COLOURS } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '../common/api-schema';
import { EventRule } from './event-rule.types';
import { RATE_DIRECTIONS, RATE_UNITS, Rule, RULE_ACTIONS, RULE_KINDS } from './rule.types';

/** A reading rule as the API shows it. */
export const ruleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  nameEn: z.string().nullable(),
  family: z.enum(SENSOR_FAMILIES),
  metric: z.string().nullable(),
  kind: z.enum(RULE_KINDS),
  threshold: z.number().nullable(),
  clearThreshold: z.number().nullable(),
  ratePer: z.enum(RATE_UNITS).nullable(),
  rateDirection: z.enum(RATE_DIRECTIONS).nullable(),
  durationS: z.number(),
  schedule: z.object({ days: z.array(z.number().int()).optional(), from: z.string().optional(), to: z.string().optional() }).nullable(),
  scope: z.object({ deviceId: z.string().nullable().optional(), gridCode: z.string().nullable().optional() }),
  severity: z.enum(WARNING_COLOURS),
  actions: z.enum(RULE_ACTIONS),
  notifyBureau: z.enum(BUREAUS).nullable(),
  incidentCategory: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type RuleResponse = z.infer<typeof ruleSchema>;
export const ruleListSchema = listOf(ruleSchema);

const _rule: Same<RuleResponse, OnWire<Rule>> = true;
void _rule;

/** An event rule (a video detection or emergency alarm type). */
export const eventRuleSchema = z.object({
  eventType: z.string(),
  family: z.enum(['video', 'emergency']),
  nameZh: z.string(),
  nameEn: z.string(),
  minConfidence: z.number(),
  incidentCategory: z.string().nullable(),
  severity: z.enum(WARNING_COLOURS),
  mergeWindowS: z.number(),
  mergeRadiusM: z.number(),
  enabled: z.boolean(),
});
export const eventRuleListSchema = listOf(eventRuleSchema);

const _eventRule: Same<z.infer<typeof eventRuleSchema>, EventRule> = true;
void _eventRule;
