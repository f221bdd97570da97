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
