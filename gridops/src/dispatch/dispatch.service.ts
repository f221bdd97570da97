import { Injectable } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { IncidentCategory } from '../incidents/incident-categories';
import { Incident } from '../incidents/incident.types';
import { DispatchCandidate, rankCandidates, RankedCandidate } from './dispatch-policy';
import { DispatchRepository } from './dispatch.repository';

/** What routing needs of an incident; `departmentCode` and `componentId` are absent on callers that predate them. */
export type Routed = Pick<Incident, 'gridCode' | 'lon' | 'lat' | 'category'> & Partial<Pick<Incident, 'departmentCode' | 'componentId'>>;

/**
 * The owner department and the order: an incident naming a component goes to that component's owner
 * (`departmentCode`, set at intake from the component) first, and only to it, not to every department that
 * handles the category; a fixed-asset (部件) category goes to its specialist department first; an event to the
 * locality first.
 */
export function routeOf(incident: Routed, category: IncidentCategory): { owner: string | null; ownerFirst: boolean; byCategory: string | null } {
  if (incident.componentId) return { owner: incident.departmentCode ?? category.departmentCode, ownerFirst: true, byCategory: null };
  return { owner: category.departmentCode, ownerFirst: category.kind === 'component', byCategory: category.code };
}

/**
 * Who should take an incident. Events go to the locality first, then the owner (先属地后属主): the unit
 * grid's own worker, its backups, then the community, street and district (属地兜底), the category's
 * specialist department last. Fixed assets (部件) go to the owner first (先属主后属地): the department, then
 * the locality.
 */
@Injectable()
export class DispatchService {
  constructor(
    private readonly repository: DispatchRepository,
    private readonly clock: Clock,
  ) {}

  /** Every on-duty candidate, best first. */
  async suggestions(incident: Routed, category: IncidentCategory): Promise<RankedCandidate[]> {
    const now = this.clock.now();
    const target = { lon: incident.lon, lat: incident.lat, skill: category.skill };
    const { owner, ownerFirst, byCategory } = routeOf(incident, category);
    const local = incident.gridCode ? rankCandidates(await this.repository.localCandidates(incident.gridCode, now), target) : [];
    const needsDepartment = owner !== null && (ownerFirst || local.length === 0);
    const department = needsDepartment
      ? rankCandidates(await this.repository.departmentCandidates(owner, byCategory, now), target).filter(
          (d) => !local.some((l) => l.id === d.id),
        )
      : [];
    return ownerFirst ? [...department, ...local] : [...local, ...department];
  }

  /**
   * The best candidate not in `exclude`, or null when nobody is on duty in or around the grid. Asks the
   * grid first and widens to its community, street and district only when nobody is there (属地兜底): the
   * same choice as the head of `suggestions`, without ranking a whole district's workers on every intake.
   */
  async choose(incident: Routed, category: IncidentCategory, exclude: readonly string[] = []): Promise<RankedCandidate | null> {
    const now = this.clock.now();
    const target = { lon: incident.lon, lat: incident.lat, skill: category.skill };
    const best = (list: DispatchCandidate[]) => rankCandidates(list.filter((c) => !exclude.includes(c.id)), target)[0] ?? null;
    const { owner, ownerFirst, byCategory } = routeOf(incident, category);
    const department = async () => (owner ? best(await this.repository.departmentCandidates(owner, byCategory, now)) : null);
    if (ownerFirst) {
      const owner = await department();
      if (owner) return owner;
    }
    if (incident.gridCode) {
      for (const length of [15, 12, 9, 6]) {
        if (length > incident.gridCode.length) continue;
        const found = best(await this.repository.localCandidates(incident.gridCode, now, incident.gridCode.slice(0, length)));
        if (found) return found;
      }
    }
    return ownerFirst ? null : department();
  }

  /**
   * The supervisor (监督员) to verify or re-inspect on site: an on-duty supervisor of the grid, widening to its
   * community, street and district; null when none is on duty (any supervisor may then take it).
   */
  async chooseSupervisor(incident: Pick<Incident, 'gridCode' | 'lon' | 'lat'>, exclude: readonly string[] = []): Promise<RankedCandidate | null> {
    if (!incident.gridCode) return null;
    const now = this.clock.now();
    const target = { lon: incident.lon, lat: incident.lat, skill: null };
    for (const length of [15, 12, 9, 6]) {
      if (length > incident.gridCode.length) continue;
      const list = await this.repository.localCandidates(incident.gridCode, now, incident.gridCode.slice(0, length), 'supervisor');
      const found = rankCandidates(list.filter((c) => !exclude.includes(c.id)), target)[0];
      if (found) return found;
    }
    return null;
  }

  worker(id: string) {
    return this.repository.worker(id);
  }

  triedWorkers(incidentId: string): Promise<string[]> {
    return this.repository.triedWorkers(incidentId);
  }
}
