import { Device } from '../devices/device.types';
import { levelState, waterStation } from './water.service';

const device = (attributes: Record<string, unknown>): Device => ({
  id: 'w', family: 'water', name: 'W', lon: 112.5, lat: 37.8, gridCode: null, attributes, enabled: true, online: true, lastSeenAt: null,
});

describe('water station facts', () => {
  it('reads the target class, the waterbody and the warning and guaranteed levels from the attributes', () => {
    expect(waterStation(device({ kind: 'river', target_class: 'III', warning_level_m: 777.5, guaranteed_level_m: 778.8 }))).toMatchObject({
      waterbody: 'river', targetClass: 3, warningLevelM: 777.5, guaranteedLevelM: 778.8,
    });
    expect(waterStation(device({ kind: 'reservoir', target_class: 'II' }))).toMatchObject({ waterbody: 'lake', targetClass: 2, warningLevelM: null });
    expect(waterStation(device({}))).toMatchObject({ waterbody: 'river', targetClass: null, kind: null });
  });
});

describe('water level state', () => {
  it('is above the warning level (超警戒) past it and above the guaranteed level (超保证) past that', () => {
    expect(levelState(777.5, 777.5, 778.8)).toBe('normal');
    expect(levelState(777.51, 777.5, 778.8)).toBe('above_warning');
    expect(levelState(778.8, 777.5, 778.8)).toBe('above_warning');
    expect(levelState(778.81, 777.5, 778.8)).toBe('above_guaranteed');
    expect(levelState(779, null, 778.8)).toBe('above_guaranteed');
    expect(levelState(5, null, null)).toBe('unknown');
  });
});
