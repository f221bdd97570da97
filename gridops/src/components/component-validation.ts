import { COMPONENT_STATES, ComponentClass, ComponentState, NewComponent, classOfComponentId } from './component.types';

export const COMPONENT_PROBLEMS = [
  'not_a_feature',
  'id_format',
  'duplicate_id',
  'unknown_class',
  'class_mismatch',
  'unknown_department',
  'bad_state',
  'bad_name',
  'geometry_type',
  'bad_coordinates',
  'outside_grids',
] as const;
export type ComponentProblemKind = (typeof COMPONENT_PROBLEMS)[number];

export interface ComponentReason {
  reason: ComponentProblemKind;
  message: string;
}

export interface ComponentProblem {
  /** Position of the feature in the FeatureCollection. */
  index: number;
  id: string | null;
  reasons: ComponentReason[];
}

/** What the check needs to know about the city. */
export interface ComponentCheckContext {
  classes: ReadonlyMap<string, ComponentClass>;
  departments: ReadonlySet<string>;
  /** The unit grid containing a point, or null outside every grid (the grid index). */
  locate(lon: number, lat: number): string | null;
}

export interface ComponentCheck {
  accepted: { index: number; component: NewComponent }[];
  problems: ComponentProblem[];
}

const ID_PATTERN = /^\d{16}$/;
const MAX_NAME = 100;
const MAX_ADDRESS = 200;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const record = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a GeoJSON FeatureCollection of components (Point features; properties: id, name?, classCode?,
 * departmentCode?, state?, address?). Every reason of every refused feature is listed; an accepted feature is
 * located in its unit grid and takes its class's owner department when it names none.
 */
export function checkComponentFeatures(body: unknown, context: ComponentCheckContext): ComponentCheck | { error: string } {
  if (!record(body) || body['type'] !== 'FeatureCollection' || !Array.isArray(body['features'])) {
    return { error: 'the body must be a GeoJSON FeatureCollection with a features array' };
  }
  const features = body['features'] as unknown[];
  if (features.length === 0) return { error: 'the FeatureCollection has no features' };
  const seen = new Map<string, number>();
  const result: ComponentCheck = { accepted: [], problems: [] };
  features.forEach((feature, index) => {
    const reasons: ComponentReason[] = [];
    if (!record(feature) || feature['type'] !== 'Feature') {
      result.problems.push({ index, id: null, reasons: [{ reason: 'not_a_feature', message: 'not a GeoJSON Feature' }] });
      return;
    }
    const props = record(feature['properties']) ? feature['properties'] : {};
    const id = text(props['id']) ?? (typeof feature['id'] === 'string' ? feature['id'] : null);
    if (!id || !ID_PATTERN.test(id)) {
      reasons.push({ reason: 'id_format', message: 'id must be 16 digits: district code (6) + class code (4) + serial (6)' });
    } else if (seen.has(id)) {
      reasons.push({ reason: 'duplicate_id', message: `id ${id} is also feature ${seen.get(id)}` });
    } else seen.set(id, index);

    const given = text(props['classCode']);
    const classCode = given ?? (id && ID_PATTERN.test(id) ? classOfComponentId(id) : null);
    const cls = classCode ? context.classes.get(classCode) : undefined;
    if (classCode && !cls) reasons.push({ reason: 'unknown_class', message: `class ${classCode} is not in the component class table (GET /api/v1/component-classes)` });
    if (given && id && ID_PATTERN.test(id) && classOfComponentId(id) !== given) {
      reasons.push({ reason: 'class_mismatch', message: `classCode ${given} differs from the class in the id (${classOfComponentId(id)})` });
    }

    const named = text(props['departmentCode']);
    if (named && !context.departments.has(named)) {
      reasons.push({ reason: 'unknown_department', message: `department ${named} does not exist (GET /api/v1/departments)` });
    }
    const fallback = cls?.defaultDepartment && context.departments.has(cls.defaultDepartment) ? cls.defaultDepartment : null;
    const department = named ?? fallback;
    const state = (text(props['state']) ?? 'normal') as ComponentState;
    if (!COMPONENT_STATES.includes(state)) reasons.push({ reason: 'bad_state', message: `state must be one of ${COMPONENT_STATES.join(', ')}` });
    const name = text(props['name']) ?? (cls ? cls.nameZh : null);
    if (props['name'] !== undefined && props['name'] !== null && (typeof props['name'] !== 'string' || props['name'].length > MAX_NAME)) {
      reasons.push({ reason: 'bad_name', message: `name must be a text of at most ${MAX_NAME} characters` });
    }
    const address = text(props['address']);

    const geometry = feature['geometry'];
    let lon = NaN;
    let lat = NaN;
    if (!record(geometry) || geometry['type'] !== 'Point') {
      reasons.push({ reason: 'geometry_type', message: 'geometry must be a Point' });
    } else {
      const c = geometry['coordinates'];
      if (!Array.isArray(c) || c.length < 2 || !c.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v)) || Math.abs(c[0]) > 180 || Math.abs(c[1]) > 90) {
        reasons.push({ reason: 'bad_coordinates', message: 'coordinates must be [lon, lat] in WGS-84 degrees' });
      } else [lon, lat] = c as [number, number];
    }
    const gridCode = Number.isFinite(lon) ? context.locate(lon, lat) : null;
    if (Number.isFinite(lon) && gridCode === null) reasons.push({ reason: 'outside_grids', message: `(${lon}, ${lat}) is in no unit grid of the city` });

    if (reasons.length) {
      result.problems.push({ index, id, reasons });
      return;
    }
    result.accepted.push({
      index,
      component: { id: id!, classCode: classCode!, name: name!.slice(0, MAX_NAME), departmentCode: department, lon, lat, gridCode, state, address: address?.slice(0, MAX_ADDRESS) ?? null },
    });
  });
  return result;
}
