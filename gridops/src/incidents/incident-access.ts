import { isFieldRole } from '@gridhub/contracts';
import { Actor, Incident } from './incident.types';

/** Roles that run the command centre and see every incident. */
export const COMMAND_CENTRE_ROLES = ['admin', 'dispatcher', 'shift_lead'];

/** The worker is the incident's assignee, verifier or re-inspector. */
export function isParty(incident: Pick<Incident, 'assigneeWorkerId' | 'verifierWorkerId' | 'reinspectorWorkerId'>, workerId: string | null): boolean {
  return workerId !== null && [incident.assigneeWorkerId, incident.verifierWorkerId, incident.reinspectorWorkerId].includes(workerId);
}

/** Reads of an incident and its trail: the command centre and bureau analysts; a field account only what is theirs. */
export function canSeeIncident(incident: Incident, actor: Actor): boolean {
  if (COMMAND_CENTRE_ROLES.includes(actor.role) || actor.role === 'bureau_analyst') return true;
  return isFieldRole(actor.role) && (isParty(incident, actor.workerId) || incident.reportedBy === actor.username);
}

/**
 * Photos can show people and homes (个人信息保护): the command centre and the workers on the incident only,
 * not bureau analysts.
 */
export function canSeeAttachments(incident: Incident, actor: Actor): boolean {
  if (COMMAND_CENTRE_ROLES.includes(actor.role)) return true;
  return isFieldRole(actor.role) && (isParty(incident, actor.workerId) || incident.reportedBy === actor.username);
}

