import { Same, z } from '@gridhub/ingest';
import { IMPORT_MODES, type ImportReport, type LocateChainItem } from './grid-hierarchy.service';
import { FEATURE_PROBLEMS } from './grid-validation';
import type { ResponsibleAnswer } from './grid-locator.service';
import { GRID_LEVELS } from './grid.types';

const responsibleParty = z.object({ name: z.string().nullable(), phone: z.string().nullable(), departmentCode: z.string().nullable() });

/** Who answers for a grid: its own responsible party, or its nearest ancestor's (属地兜底). */
export const responsibleSchema = z.object({
  code: z.string(),
  fromCode: z.string().nullable(),
  inherited: z.boolean(),
  responsible: responsibleParty.nullable(),
});

const chainItem = z.object({ code: z.string(), name: z.string(), level: z.enum(GRID_LEVELS), levelName: z.object({ zh: z.string(), en: z.string() }) });

/** The chain from the city down to the unit grid containing a point. */
export const locateSchema = z.object({ lon: z.number(), lat: z.number(), gridCode: z.string(), chain: z.array(chainItem), responsible: responsibleSchema });

const ring = z.array(z.tuple([z.number(), z.number()]).rest(z.number()));
/** The hierarchy at one level as GeoJSON (WGS-84), re-importable. */
export const gridCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      geometry: z.union([z.object({ type: z.literal('Polygon'), coordinates: z.array(ring) }), z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring)) })]),
      properties: z.object({
        code: z.string(),
        name: z.string(),
        level: z.enum(GRID_LEVELS),
        parentCode: z.string().nullable(),
        responsible: responsibleParty.optional(),
      }),
    }),
  ),
});

const _responsible: Same<z.infer<typeof responsibleSchema>, ResponsibleAnswer> = true;
const _chain: Same<z.infer<typeof chainItem>, LocateChainItem> = true;
void _responsible;
void _chain;

/** What a grid import did, or would do (validate), and the overlaps and gaps between siblings after it. */
export const importReportSchema = z.object({
  mode: z.enum(IMPORT_MODES),
  stored: z.boolean(),
  received: z.number().int(),
  accepted: z.number().int(),
  refused: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  problems: z.array(
    z.object({ index: z.number().int(), code: z.string().nullable(), reasons: z.array(z.object({ reason: z.enum(FEATURE_PROBLEMS), message: z.string() })) }),
  ),
  topology: z.object({
    overlaps: z.array(z.object({ parentCode: z.string().nullable(), level: z.enum(GRID_LEVELS), codes: z.tuple([z.string(), z.string()]), areaM2: z.number() })),
    gaps: z.array(z.object({ parentCode: z.string(), level: z.enum(GRID_LEVELS), kind: z.enum(['uncovered', 'hole']), areaM2: z.number() })),
  }),
});

const _import: Same<z.infer<typeof importReportSchema>, ImportReport> = true;
void _import;
