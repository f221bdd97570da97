import { distanceM } from '@gridhub/ingest';
/** A worker who could take an incident, with what the ranking needs. */
export interface DispatchCandidate {
  id: string;
  name: string;
  lon: number | null;
  lat: number | null;
  /** available | busy (off-duty workers are never candidates). */
  status: string;
  skills: string[];
  departmentCode: string | null;
  /** The incident's unit grid is this worker's primary (own) grid. */
  primaryHere: boolean;
  /** …or one the worker covers as a backup. */
  backupHere: boolean;
  /** 4 same unit grid, 3 same community, 2 same street, 1 same district, 0 not by locality (a department). */
  proximity: number;
  /** Incidents assigned and not yet handled. */
  openTasks: number;
}

export interface RankedCandidate extends DispatchCandidate {
  distanceM: number | null;
  skillMatch: boolean;
  /** Why it ranks where it does, for the dispatcher (zh-CN / en). */
  reason: string;
}

function reasonOf(c: RankedCandidate): string {
  if (c.proximity === 0) return '专业部门 / specialist department';
  if (c.primaryHere) return '本网格责任网格员 / the grid’s own worker';
  if (c.backupHere) return '本网格备岗 / the grid’s backup';
  return ['', '同区兜底 / same district', '同街道兜底 / same street', '同社区兜底 / same community', '本网格 / same grid'][c.proximity]!;
}

/**
 * Orders candidates for an incident: the grid's own (primary) worker, then its backups, then the nearest
 * part of the hierarchy (属地兜底: community, street, district); within that, available before busy, the
 * category's skill, the shortest distance, the lightest load, and the id so the order is repeatable.
 */
export function rankCandidates(
  candidates: readonly DispatchCandidate[],
  incident: { lon: number; lat: number; skill: string | null },
): RankedCandidate[] {
  const ranked = candidates.map((c): RankedCandidate => {
    const r: RankedCandidate = {
      ...c,
      distanceM: c.lon === null || c.lat === null ? null : Math.round(distanceM(c.lon, c.lat, incident.lon, incident.lat)),
      skillMatch: incident.skill !== null && c.skills.includes(incident.skill),
      reason: '',
    };
    r.reason = reasonOf(r);
    return r;
  });
  const key = (c: RankedCandidate): number[] => [
    c.primaryHere ? 0 : 1,
    c.backupHere ? 0 : 1,
    -c.proximity,
    c.status === 'available' ? 0 : 1,
    c.skillMatch ? 0 : 1,
    c.distanceM ?? Number.MAX_SAFE_INTEGER,
    c.openTasks,
  ];
  return ranked.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
