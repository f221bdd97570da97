import type { Polygon } from 'geojson';
import { GridIndex } from './grid-index';
import { ancestorCodes, GridArea, levelOfCode } from './grid.types';

function square(code: string, west: number, south: number, size = 0.001): GridArea {
  const geometry: Polygon = {
    type: 'Polygon',
    coordinates: [[[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]],
  };
  return { code, name: code, level: 'grid', parentCode: code.slice(0, 12), geometry };
}

describe('GridIndex', () => {
  const grids = [
    square('140106001001001', 112.5, 37.85),
    square('140106001001002', 112.501, 37.85),
    square('140106001001003', 112.5, 37.849),
  ];
  const index = new GridIndex(grids);

  it('finds the unit grid that contains a point', () => {
    expect(index.locate(112.5005, 37.8505)).toBe('140106001001001');
    expect(index.locate(112.5015, 37.8505)).toBe('140106001001002');
    expect(index.locate(112.5005, 37.8495)).toBe('140106001001003');
  });

  it('answers null outside every grid and for non-numbers', () => {
    expect(index.locate(112.51, 37.85)).toBeNull();
    expect(index.locate(Number.NaN, 37.85)).toBeNull();
  });

  it('gives a point on a shared edge to the lowest code, whatever the input order', () => {
    expect(index.locate(112.501, 37.8505)).toBe('140106001001001');
    expect(new GridIndex([...grids].reverse()).locate(112.501, 37.8505)).toBe('140106001001001');
  });

  it('uses the polygon, not just its bounding box', () => {
    const triangle: GridArea = {
      ...square('140106001001009', 112.6, 37.9),
      geometry: { type: 'Polygon', coordinates: [[[112.6, 37.9], [112.601, 37.9], [112.6, 37.901], [112.6, 37.9]]] },
    };
    const withTriangle = new GridIndex([triangle]);
    expect(withTriangle.locate(112.6002, 37.9002)).toBe('140106001001009');
    expect(withTriangle.locate(112.6009, 37.9009)).toBeNull();
  });
});

describe('grid codes', () => {
  it('derives the community, street and district of a unit grid from its code', () => {
    expect(ancestorCodes('140106001002003')).toEqual(['140106001002', '140106001', '140106']);
    expect(ancestorCodes('140106001')).toEqual(['140106']);
  });

  it('knows the level of a code by its length', () => {
    expect(levelOfCode('140106')).toBe('district');
    expect(levelOfCode('140106001002003')).toBe('grid');
    expect(levelOfCode('14010600100')).toBeNull();
    expect(levelOfCode('14010600100a')).toBeNull();
  });
});

describe('GridIndex shapes and sizes', () => {
  it('honours holes and MultiPolygon parts', () => {
    const donut: GridArea = {
      code: '140106001001001', name: 'donut', level: 'grid', parentCode: '140106001001',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]],
          [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]],
        ],
      },
    };
    const islands: GridArea = {
      code: '140106001001002', name: 'islands', level: 'grid', parentCode: '140106001001',
      geometry: { type: 'MultiPolygon', coordinates: [[[[1.2, 1.2], [1.8, 1.2], [1.8, 1.8], [1.2, 1.8], [1.2, 1.2]]], [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]] },
    };
    const index = new GridIndex([islands, donut]);
    expect(index.locate(0.5, 0.5)).toBe('140106001001001');
    expect(index.locate(1.1, 1.1)).toBeNull(); // in the hole, not on an island
    expect(index.locate(1.5, 1.5)).toBe('140106001001002');
    expect(index.locate(5.5, 5.5)).toBe('140106001001002');
    expect(index.locate(1, 1.5)).toBe('140106001001001'); // on the hole's edge: the boundary belongs to the grid
    expect(index.locate(3, 3)).toBe('140106001001001'); // a vertex
    expect(index.locate(4, 4)).toBeNull();
  });

  it('finds small grids beside a very large one, and agrees with a brute-force scan', () => {
    const grids: GridArea[] = [square('140106001001999', 112.4, 37.7, 0.5)];
    for (let i = 0; i < 200; i++) grids.push(square(`140106002001${String(i).padStart(3, '0')}`, 113 + (i % 20) * 0.001, 37.9 + Math.floor(i / 20) * 0.001));
    const index = new GridIndex(grids);
    expect(index.size).toBe(201);
    expect(index.locate(112.6, 37.9)).toBe('140106001001999');
    let state = 42;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 2000; k++) {
      const lon = 112.3 + random() * 0.8;
      const lat = 37.6 + random() * 0.4;
      const inside = grids
        .filter((g) => {
          const [[w, s], , [e, n]] = (g.geometry as Polygon).coordinates[0]!;
          return lon >= w! && lon <= e! && lat >= s! && lat <= n!;
        })
        .map((g) => g.code)
        .sort();
      expect(index.locate(lon, lat)).toBe(inside[0] ?? null);
    }
  });

  it('is empty without grids', () => {
    expect(new GridIndex([]).locate(112.5, 37.8)).toBeNull();
  });
});
