import { checkComponentFeatures, ComponentCheckContext } from './component-validation';
import { ComponentClass } from './component.types';

const cls = (code: string, nameZh: string, defaultDepartment: string | null): ComponentClass => ({
  code, majorCode: code.slice(0, 2), majorNameZh: '', majorNameEn: '', nameZh, nameEn: nameZh, incidentCategory: 'other', defaultDepartment,
});

/** A city of one unit grid: the square 112.5–112.6 × 37.8–37.9. */
const context: ComponentCheckContext = {
  classes: new Map([['0103', cls('0103', '雨水井盖', 'municipal_facilities')], ['0302', cls('0302', '垃圾箱', 'retired_department')]]),
  departments: new Set(['municipal_facilities', 'sanitation']),
  locate: (lon, lat) => (lon >= 112.5 && lon < 112.6 && lat >= 37.8 && lat < 37.9 ? '140106001001001' : null),
};
const point = (id: unknown, coordinates: unknown, properties: Record<string, unknown> = {}) => ({
  type: 'Feature', geometry: { type: 'Point', coordinates }, properties: { id, ...properties },
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('component GeoJSON check', () => {
  it('accepts a point, locates it and fills name and owner from its class', () => {
    const r = checkComponentFeatures(fc(point('1401060103000001', [112.55, 37.85])), context);
    expect(r).toEqual({
      accepted: [{ index: 0, component: { id: '1401060103000001', classCode: '0103', name: '雨水井盖', departmentCode: 'municipal_facilities', lon: 112.55, lat: 37.85, gridCode: '140106001001001', state: 'normal', address: null } }],
      problems: [],
    });
  });

  it('leaves the owner empty when the class’s default department no longer exists, and keeps a named one', () => {
    const r = checkComponentFeatures(fc(point('1401060302000001', [112.55, 37.85]), point('1401060302000002', [112.55, 37.85], { departmentCode: 'sanitation', state: 'damaged' })), context);
    if ('error' in r) throw new Error(r.error);
    expect(r.accepted.map((a) => [a.component.departmentCode, a.component.state])).toEqual([[null, 'normal'], ['sanitation', 'damaged']]);
  });

  it('lists every reason of a refused feature', () => {
    const r = checkComponentFeatures(
      fc(
        point('1401060103000001', [112.55, 37.85], { classCode: '0302', departmentCode: 'nowhere', state: 'lost', name: 42 }),
        point('1401060103000001', [200, 37.85]),
        point(null, [112.55, 37.85]),
        point('1401069999000001', [113.5, 37.85]),
        { type: 'Feature', geometry: null, properties: { id: '1401060103000009' } },
        'not a feature',
      ),
      context,
    );
    if ('error' in r) throw new Error(r.error);
    expect(r.accepted).toEqual([]);
    expect(r.problems.map((p) => [p.index, p.reasons.map((x) => x.reason)])).toEqual([
      [0, ['class_mismatch', 'unknown_department', 'bad_state', 'bad_name']],
      [1, ['duplicate_id', 'bad_coordinates']],
      [2, ['id_format']],
      [3, ['unknown_class', 'outside_grids']],
      [4, ['geometry_type']],
      [5, ['not_a_feature']],
    ]);
  });

  it('refuses what is not a FeatureCollection, or an empty one', () => {
    expect(checkComponentFeatures({ type: 'Feature' }, context)).toEqual({ error: expect.stringContaining('FeatureCollection') });
    expect(checkComponentFeatures(fc(), context)).toEqual({ error: expect.stringContaining('no features') });
  });
});
