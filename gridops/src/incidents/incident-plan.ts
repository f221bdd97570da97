import { IncidentChangeDetail, IncidentStatus } from '@gridhub/contracts';
import { TaskNotice } from '../dispatch/incident-notifier';
import { IncidentEvent, IncidentPatch } from './incident.types';

/** What an action does once its row is locked: the columns it sets, its trail entries, whom it tells. */
export interface Plan {
  patch: IncidentPatch;
  events: IncidentEvent[];
  tasks: TaskNotice[];
  /** Publish `incident.updated` with these extras (always published; extras for escalations and the like). */
  live?: IncidentChangeDetail;
}

/** The trail entry of the action being planned, moving to `status` (null: the status stays). */
export type EntryOf = (status: IncidentStatus | null, extra?: Partial<IncidentEvent>) => IncidentEvent;
