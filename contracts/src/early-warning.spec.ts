import { beijingBasic, beijingExtended, parseSenderCode, parseWarningIdentifier, warningIdentifier } from './early-warning';

describe('GB/T 35965.1 identifiers', () => {
  const sender = '14010000000000';

  it('is the unit code, the Beijing entry time and the sequence: 31 characters', () => {
    const id = warningIdentifier(sender, new Date('2026-07-21T06:05:09.900Z'), 0);
    expect(id).toBe('14010000000000_20260721140509_0');
    expect(id).toHaveLength(31);
  });

  it('counts time in Beijing time, across the date line of UTC', () => {
    expect(beijingBasic(new Date('2026-12-31T16:30:00Z'))).toBe('20270101003000');
    expect(beijingExtended(new Date('2026-12-31T16:30:00.750Z'))).toBe('2027-01-01T00:30:00+08:00');
  });

  it('reads an identifier back', () => {
    expect(parseWarningIdentifier('14010612300100_20260721140509_3')).toEqual({
      sender: { areaCode: '140106', agencyCode: '123', unitCode: '001', extension: '00' },
      entered: new Date('2026-07-21T14:05:09+08:00'),
      sequence: 3,
    });
  });

  it('refuses what the rule cannot express', () => {
    expect(() => warningIdentifier('1401', new Date(), 0)).toThrow(/14 digits/);
    expect(() => warningIdentifier(sender, new Date(), 10)).toThrow(/0–9/);
    expect(() => parseSenderCode('14010000000A00')).toThrow(RangeError);
    expect(() => parseWarningIdentifier('14010000000000-20260721140509-0')).toThrow(/31 characters/);
  });
});
