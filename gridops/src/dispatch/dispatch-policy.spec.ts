import { distanceM } from '@gridhub/ingest';
import { DispatchCandidate, rankCandidates } from './dispatch-policy';

const candidate = (overrides: Partial<DispatchCandidate>): DispatchCandidate => ({
  id: 'w1',
  name: 'w1',
  lon: 112.55,
  lat: 37.85,
  status: 'available',
  skills: [],
  departmentCode: null,
  primaryHere: false,
  backupHere: false,
  proximity: 3,
  openTasks: 0,
  ...overrides,
});
const incident = { lon: 112.55, lat: 37.85, skill: null };
const ids = (list: { id: string }[]) => list.map((c) => c.id);

describe('rankCandidates', () => {
  it('puts the grid’s primary worker first, then its backups, then the nearest part of the hierarchy', () => {
    const ranked = rankCandidates(
      [
        candidate({ id: 'district', proximity: 1 }),
        candidate({ id: 'backup', proximity: 4, backupHere: true }),
        candidate({ id: 'community', proximity: 3 }),
        candidate({ id: 'primary', proximity: 4, primaryHere: true, openTasks: 9 }),
      ],
      incident,
    );
    expect(ids(ranked)).toEqual(['primary', 'backup', 'community', 'district']);
  });

  it('within a tier prefers available, skilled, near, then lightly loaded workers', () => {
    const far = { lon: 112.56, lat: 37.85 };
    const ranked = rankCandidates(
      [
        candidate({ id: 'busy', status: 'busy' }),
        candidate({ id: 'far-idle', ...far }),
        candidate({ id: 'near-loaded', openTasks: 3 }),
        candidate({ id: 'near-light', openTasks: 1 }),
        candidate({ id: 'skilled-far', ...far, skills: ['gas'] }),
      ],
      { ...incident, skill: 'gas' },
    );
    expect(ids(ranked)).toEqual(['skilled-far', 'near-light', 'near-loaded', 'far-idle', 'busy']);
    expect(ranked[0]).toMatchObject({ skillMatch: true, distanceM: 878 });
  });

  it('breaks ties by id and puts workers without a location last within their tier', () => {
    const ranked = rankCandidates([candidate({ id: 'b' }), candidate({ id: 'c', lon: null, lat: null }), candidate({ id: 'a' })], incident);
    expect(ids(ranked)).toEqual(['a', 'b', 'c']);
  });

  it('returns nothing when nobody is on duty', () => {
    expect(rankCandidates([], incident)).toEqual([]);
  });
});

describe('distanceM', () => {
  it('measures about 111 km per degree of latitude', () => {
    expect(distanceM(112.5, 37, 112.5, 38)).toBeCloseTo(111_195, -2);
    expect(distanceM(112.5, 37.85, 112.5, 37.85)).toBe(0);
  });
});
