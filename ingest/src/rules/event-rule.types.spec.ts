import { distanceM } from '../common/geo';
import { decideMerge, OpenDetection } from './event-rule.types';

const T0 = Date.parse('2026-11-22T02:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const rule = { mergeWindowS: 1800, mergeRadiusM: 30 };
// ≈ 1 m of latitude is 9e-6 degrees.
const open = (id: string, deviceId: string, northM: number, lastMinute: number): OpenDetection => ({
  id,
  deviceId,
  lon: 112.55,
  lat: 37.85 + northM * 9e-6,
  lastValueAt: at(lastMinute),
});

describe('merging repeated detections', () => {
  it('measures distances in metres', () => {
    expect(distanceM(112.55, 37.85, 112.55, 37.85 + 100 * 9e-6)).toBeCloseTo(100, -0.5);
    expect(distanceM(112.55, 37.85, 112.55, 37.85)).toBe(0);
  });

  it('merges a repeat by the same camera within the window', () => {
    const decision = decideMerge({ deviceId: 'cam-001', at: at(20), lon: 112.55, lat: 37.85 }, [open('7', 'cam-001', 0, 0)], rule);
    expect(decision).toMatchObject({ action: 'repeat', alertId: '7' });
  });

  it('raises anew, expiring the stale alert, when the same camera sees it again after the window', () => {
    const decision = decideMerge({ deviceId: 'cam-001', at: at(31), lon: 112.55, lat: 37.85 }, [open('7', 'cam-001', 0, 0)], rule);
    expect(decision).toEqual({ action: 'raise', expire: ['7'] });
  });

  it('merges a detection by another camera within the radius into the nearest open alert', () => {
    const decision = decideMerge(
      { deviceId: 'cam-002', at: at(5), lon: 112.55, lat: 37.85 },
      [open('1', 'cam-003', 25, 0), open('2', 'cam-001', 10, 0), open('3', 'cam-004', 5, -60)],
      rule,
    );
    expect(decision).toMatchObject({ action: 'repeat', alertId: '2' });
  });

  it('raises a new alert for a detection beyond the radius or of a situation not seen within the window', () => {
    expect(decideMerge({ deviceId: 'cam-002', at: at(5), lon: 112.55, lat: 37.85 }, [open('1', 'cam-001', 40, 0)], rule)).toEqual({ action: 'raise', expire: [] });
    expect(decideMerge({ deviceId: 'cam-002', at: at(40), lon: 112.55, lat: 37.85 }, [open('1', 'cam-001', 5, 0)], rule)).toEqual({ action: 'raise', expire: [] });
    expect(decideMerge({ deviceId: 'cam-002', at: at(0), lon: 112.55, lat: 37.85 }, [], rule)).toEqual({ action: 'raise', expire: [] });
  });
});
