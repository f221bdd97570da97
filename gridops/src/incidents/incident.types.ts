import { IncidentStatus, Priority } from './incident-status';

export interface Incident {
  id: string;
  code: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  status: IncidentStatus;
  source: string;
  sourceRef: string | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  assigneeWorkerId: string | null;
  assigneeName: string | null;
  createdAt: Date;
  dispatchedAt: Date | null;
  dueAt: Date | null;
  overdue: boolean;
}

export type NewIncident = Pick<
  Incident,
  'code' | 'category' | 'title' | 'description' | 'priority' | 'status' | 'source' | 'sourceRef' | 'lon' | 'lat' | 'gridCode'
> & { createdAt: Date };

/** One step in an incident's trail (全程留痕). */
export interface IncidentEvent {
  action: string;
  fromStatus: IncidentStatus | null;
  toStatus: IncidentStatus | null;
  actor: string;
  at: Date;
  detail: Record<string, unknown>;
}
