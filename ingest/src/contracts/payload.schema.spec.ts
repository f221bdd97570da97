import { MAX_PAYLOAD_BYTES, PayloadValidator } from './payload.schema';
import { parseDeviceTopic } from '@gridhub/contracts';

const validator = new PayloadValidator();
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const ts = '2026-11-22T10:00:00+08:00';

describe('data payloads', () => {
  it('accepts known metrics within range and parses the device time', () => {
    const result = validator.validateData('air', json({ ts, readings: { pm25: 35, temp_c: -12.5 } }));
    expect(result).toMatchObject({ ok: true, value: { readings: { pm25: 35, temp_c: -12.5 } } });
    expect(result.ok && result.deviceTime.toISOString()).toBe('2026-11-22T02:00:00.000Z');
  });

  it.each([
    [{ ts, readings: { pm25: 35, pm1: 3 } }, 'readings: unknown field "pm1"'],
    [{ ts, readings: { pm25: -1 } }, 'readings.pm25: must be >= 0'],
    [{ ts, readings: { rh_pct: 101 } }, 'readings.rh_pct: must be <= 100'],
    [{ ts, readings: { pm25: '35' } }, 'readings.pm25: must be number'],
    [{ ts, readings: {} }, 'readings: must NOT have fewer than 1 properties'],
    [{ ts: '2026-11-22T10:00:00', readings: { pm25: 1 } }, 'ts: must be ISO 8601 with a UTC offset'],
    [{ readings: { pm25: 1 } }, "payload: must have required property 'ts'"],
    [[1, 2], 'payload: must be object'],
  ])('rejects %j with a reason', (payload, reason) => {
    expect(validator.validateData('air', json(payload))).toEqual({ ok: false, reason });
  });

  it('rejects a number too large to be finite', () => {
    const result = validator.validateData('air', Buffer.from(`{"ts":"${ts}","readings":{"pm25":1e999}}`));
    expect(result).toEqual({ ok: false, reason: 'readings.pm25: must be number' });
  });

  it('rejects text that is not JSON and payloads over the size limit', () => {
    expect(validator.validateData('water', Buffer.from('pm25=3'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    const big = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32);
    expect(validator.validateData('air', big)).toMatchObject({ ok: false, reason: expect.stringMatching(/exceeds/) });
  });

  it('knows each family has its own metrics', () => {
    expect(validator.validateData('water', json({ ts, readings: { ph: 7.2, nh3n_mgl: 0.4 } })).ok).toBe(true);
    expect(validator.validateData('water', json({ ts, readings: { pm25: 3 } })).ok).toBe(false);
    expect(validator.validateData('video', json({ ts, readings: { pm25: 3 } }))).toEqual({
      ok: false,
      reason: 'video devices publish events, not data',
    });
  });
});

describe('event payloads', () => {
  it('accepts a known event type with its fields', () => {
    expect(validator.validateEvent('video', json({ ts, type: 'garbage_exposed', confidence: 0.91 })).ok).toBe(true);
    expect(validator.validateEvent('emergency', json({ ts, type: 'gas_leak', lel_pct: 12 })).ok).toBe(true);
  });

  it('rejects unknown types and out-of-range confidence', () => {
    expect(validator.validateEvent('video', json({ ts, type: 'ufo' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^type: must be one of/) });
    expect(validator.validateEvent('video', json({ ts, type: 'intrusion', confidence: 1.5 }))).toEqual({
      ok: false,
      reason: 'confidence: must be <= 1',
    });
    expect(validator.validateEvent('air', json({ ts, type: 'smoke_alarm' })).ok).toBe(false);
  });
});

describe('device topics', () => {
  it('parses the public topic contract and nothing else', () => {
    expect(parseDeviceTopic('gridhub/v1/air/air-001/data')).toEqual({ family: 'air', deviceId: 'air-001', kind: 'data' });
    expect(parseDeviceTopic('gridhub/v1/water/w1/status')).toEqual({ family: 'water', deviceId: 'w1', kind: 'status' });
    expect(parseDeviceTopic('gridhub/v1/noise/n1/data')).toBeNull();
    expect(parseDeviceTopic('gridhub/v1/air/air-001/data/extra')).toBeNull();
    expect(parseDeviceTopic('gridhub/v2/air/air-001/data')).toBeNull();
    expect(parseDeviceTopic('gridhub/v1/air//data')).toBeNull();
  });
});
