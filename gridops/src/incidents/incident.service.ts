import { Injectable } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { IncidentFilter, IncidentRepository } from './incident.repository';
import { Incident, IncidentEvent } from './incident.types';

@Injectable()
export class IncidentService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly clock: Clock,
  ) {}

  list(filter: IncidentFilter): Promise<Incident[]> {
    return this.incidents.list(filter);
  }

  async find(id: string): Promise<{ incident: Incident; events: IncidentEvent[] } | null> {
    const incident = await this.incidents.find(id);
    return incident ? { incident, events: await this.incidents.events(id) } : null;
  }

  /** The handling deadline passed: flag the incident once (idempotent for a retried timer job). */
  markOverdue(id: string): Promise<boolean> {
    return this.incidents.markOverdue(id, {
      action: 'overdue',
      fromStatus: null,
      toStatus: null,
      actor: 'system:timer',
      at: this.clock.now(),
      detail: {},
    });
  }
}
