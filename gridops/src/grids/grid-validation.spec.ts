import type { Polygon } from 'geojson';
import { checkParents, FeatureProblem, parseFeature, topologyReport } from './grid-validation';
import { GridArea } from './grid.types';

const square = (w: number, s: number, size = 0.001): Polygon => ({
  type: 'Polygon',
  coordinates: [[[w, s], [w + size, s], [w + size, s + size], [w, s + size], [w, s]]],
});
const feature = (properties: Record<string, unknown>, geometry: unknown = square(112.5, 37.8)) => ({ type: 'Feature', properties, geometry });
const reasons = (input: unknown) => parseFeature(input, 0).problem?.reasons.map((r) => r.reason) ?? [];

describe('parseFeature', () => {
  it('accepts a unit grid and derives its level and parent from the code', () => {
    const { area, problem } = parseFeature(feature({ code: '140106001001001', name: '第1网格' }), 0);
    expect(problem).toBeNull();
    expect(area).toMatchObject({ level: 'grid', parentCode: '140106001001', responsible: null });
  });

  it('tells a city from a district by the GB/T 2260 code and checks a district’s city', () => {
    expect(parseFeature(feature({ code: '140100', name: '太原市' }), 0).area?.level).toBe('city');
    expect(parseFeature(feature({ code: '140106', name: '迎泽区', parentCode: '140100' }), 0).area?.parentCode).toBe('140100');
    expect(reasons(feature({ code: '140106', name: '迎泽区', parentCode: '110000' }))).toEqual(['level_mismatch']);
    expect(reasons(feature({ code: '140100', name: '太原市', parentCode: '140000' }))).toEqual(['level_mismatch']);
  });

  it('names every problem of a feature', () => {
    expect(reasons({ type: 'Point' })).toEqual(['not_a_feature']);
    expect(reasons(feature({ code: '1401060010', name: 'x' }))).toEqual(['code_format']);
    expect(reasons(feature({ code: '140106001', name: '' }))).toEqual(['missing_name']);
    expect(reasons(feature({ code: '140106001', name: 'x', level: 'grid' }))).toEqual(['level_mismatch']);
    expect(reasons(feature({ code: '140106001001', name: 'x', parentCode: '140106002' }))).toEqual(['level_mismatch']);
    expect(reasons(feature({ code: '140106001', name: 'x' }, { type: 'Point', coordinates: [1, 2] }))).toEqual(['geometry_type']);
    expect(reasons(feature({ code: '140106001', name: 'x' }, { type: 'Polygon', coordinates: [[[1, 2], [3, 4], [3, 2], [1, 3]]] }))).toEqual(['unclosed_ring']);
    expect(reasons(feature({ code: '140106001', name: 'x' }, { type: 'Polygon', coordinates: [[[1, 2], [3, 4], [1, 2]]] }))).toEqual(['too_few_points']);
    expect(reasons(feature({ code: '140106001', name: 'x' }, { type: 'Polygon', coordinates: [[[1, 2], [300, 4], [3, 2], [1, 2]]] }))).toEqual(['bad_coordinates']);
    const bowTie = { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] };
    const result = parseFeature(feature({ code: '140106001', name: 'x' }, bowTie), 3);
    expect(result.problem).toMatchObject({ index: 3, code: '140106001', reasons: [{ reason: 'self_intersection' }] });
    expect(result.problem!.reasons[0]!.message).toContain('[0.5, 0.5]');
    expect(reasons(feature({ code: '140106001', name: 'x', responsible: 'someone' }))).toEqual(['bad_responsible']);
    expect(reasons(feature({ code: 'x', name: '' }, null))).toEqual(['code_format', 'missing_name', 'geometry_type']);
  });

  it('checks MultiPolygons part by part', () => {
    const multi = { type: 'MultiPolygon', coordinates: [square(0, 0).coordinates, [[[2, 2], [3, 3], [3, 2], [2, 3], [2, 2]]]] };
    expect(reasons(feature({ code: '140106001', name: 'x' }, multi))).toEqual(['self_intersection']);
  });
});

describe('checkParents', () => {
  const area = (code: string, level: GridArea['level'], parentCode: string | null): GridArea => ({ code, name: code, level, parentCode, geometry: square(0, 0) });

  it('accepts parents from the import or the store, and refuses orphans and their children', () => {
    const problems: FeatureProblem[] = [];
    const areas = [area('140106001', 'street', '140106'), area('140106002001', 'community', '140106002'), area('140106002001001', 'grid', '140106002001')];
    const indexOf = new Map(areas.map((a, i) => [a.code, i]));
    const accepted = checkParents(areas, new Map([['140106', { level: 'district' as const }]]), problems, indexOf);
    expect(accepted.map((a) => a.code)).toEqual(['140106001']);
    expect(problems.map((p) => [p.code, p.reasons[0]!.reason])).toEqual([
      ['140106002001', 'unknown_parent'],
      ['140106002001001', 'unknown_parent'],
    ]);
  });
});

describe('topologyReport', () => {
  const grid = (code: string, geometry: Polygon): GridArea => ({ code, name: code, level: 'grid', parentCode: '140106001001', geometry });

  it('finds no overlap or gap where unit grids tile their community', () => {
    const parent: GridArea = { code: '140106001001', name: 'c', level: 'community', parentCode: '140106001', geometry: square(0, 0, 0.002) };
    const tiles = [grid('a', square(0, 0)), grid('b', square(0.001, 0)), grid('c', square(0, 0.001)), grid('d', square(0.001, 0.001))];
    expect(topologyReport(new Map([['140106001001', tiles]]), new Map([[parent.code, parent]]))).toEqual({ overlaps: [], gaps: [] });
  });

  it('reports an overlapping pair with its area and the uncovered part of the parent', () => {
    const parent: GridArea = { code: '140106001001', name: 'c', level: 'community', parentCode: '140106001', geometry: square(0, 0, 0.002) };
    const tiles = [grid('a', square(0, 0)), grid('b', square(0.0005, 0))];
    const { overlaps, gaps } = topologyReport(new Map([['140106001001', tiles]]), new Map([[parent.code, parent]]));
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]!.codes).toEqual(['a', 'b']);
    // Half a 0.001° cell at the equator: ≈ 111.3 m × 55.7 m.
    expect(overlaps[0]!.areaM2).toBeGreaterThan(6000);
    expect(overlaps[0]!.areaM2).toBeLessThan(6400);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ parentCode: '140106001001', kind: 'uncovered' });
    // The parent is 4 cells; 1.5 are covered.
    expect(gaps[0]!.areaM2 / overlaps[0]!.areaM2).toBeCloseTo(5, 1);
  });

  it('reports a hole enclosed by siblings when the parent has no shape', () => {
    const ring = [
      grid('n', { type: 'Polygon', coordinates: [[[0, 0.002], [0.003, 0.002], [0.003, 0.003], [0, 0.003], [0, 0.002]]] }),
      grid('s', { type: 'Polygon', coordinates: [[[0, 0], [0.003, 0], [0.003, 0.001], [0, 0.001], [0, 0]]] }),
      grid('w', square(0, 0.001)),
      grid('e', square(0.002, 0.001)),
    ];
    const { gaps } = topologyReport(new Map([['140106001001', ring]]), new Map());
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.kind).toBe('hole');
    expect(gaps[0]!.areaM2).toBeGreaterThan(12_000);
  });
});
