import { PRIORITIES, TIME_BASES } from '@gridhub/contracts';
import { listOf, Same, z } from '@gridhub/ingest';
import { IncidentCategory, LIMIT_STEPS } from './incident-categories';

const minutesByPriority = z.object(Object.fromEntries(PRIORITIES.map((p) => [p, z.number()])) as Record<(typeof PRIORITIES)[number], z.ZodNumber>);
const basisByStep = z.object(Object.fromEntries(LIMIT_STEPS.map((s) => [s, z.enum(TIME_BASES)])) as Record<(typeof LIMIT_STEPS)[number], z.ZodEnum<{ [K in (typeof TIME_BASES)[number]]: K }>>);

/** A minor class (小类) of the taxonomy with its limits. */
export const incidentCategorySchema = z.object({
  code: z.string(),
  kind: z.enum(['event', 'component']),
  majorCode: z.string(),
  majorNameZh: z.string(),
  majorNameEn: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  defaultPriority: z.enum(PRIORITIES),
  departmentCode: z.string().nullable(),
  skill: z.string().nullable(),
  emergency: z.boolean(),
  limits: z.object({
    verifyMinutes: z.number(),
    dispatchMinutes: z.number(),
    acceptMinutes: z.number(),
    handleMinutes: minutesByPriority,
    reinspectMinutes: z.number(),
  }),
  basis: basisByStep,
  aroundTheClock: z.boolean(),
  enabled: z.boolean(),
});
export const incidentCategoryListSchema = listOf(incidentCategorySchema);

const _category: Same<z.infer<typeof incidentCategorySchema>, IncidentCategory> = true;
void _category;
