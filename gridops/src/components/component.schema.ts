import { Same, z } from '@gridhub/ingest';
import { IMPORT_MODES } from '../grids/grid-hierarchy.service';
import { COMPONENT_PROBLEMS } from './component-validation';
import { COMPONENT_STATES, ComponentClass } from './component.types';
import { ComponentImportReport, componentFeature } from './component.service';

/** A component class (大类/小类, GB/T 30428.2 pattern). */
export const componentClassSchema = z.object({
  code: z.string(),
  majorCode: z.string(),
  majorNameZh: z.string(),
  majorNameEn: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  incidentCategory: z.string(),
  defaultDepartment: z.string().nullable(),
});

/** A component (部件) as a GeoJSON Point Feature with its class names. */
export const componentFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }),
  properties: z.object({
    id: z.string(),
    classCode: z.string(),
    majorCode: z.string(),
    classNameZh: z.string().nullable(),
    classNameEn: z.string().nullable(),
    name: z.string(),
    departmentCode: z.string().nullable(),
    gridCode: z.string().nullable(),
    state: z.enum(COMPONENT_STATES),
    address: z.string().nullable(),
    updatedAt: z.string(),
  }),
});
export const componentCollectionSchema = z.object({ type: z.literal('FeatureCollection'), total: z.number().int(), features: z.array(componentFeatureSchema) });

/** What a component import did (or would do). */
export const componentImportReportSchema = z.object({
  mode: z.enum(IMPORT_MODES),
  features: z.number().int(),
  accepted: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  problems: z.array(
    z.object({ index: z.number().int(), id: z.string().nullable(), reasons: z.array(z.object({ reason: z.enum(COMPONENT_PROBLEMS), message: z.string() })) }),
  ),
});

const _class: Same<z.infer<typeof componentClassSchema>, ComponentClass> = true;
const _feature: Same<z.infer<typeof componentFeatureSchema>, ReturnType<typeof componentFeature>> = true;
const _report: Same<z.infer<typeof componentImportReportSchema>, ComponentImportReport> = true;
void _class;
void _feature;
void _report;
