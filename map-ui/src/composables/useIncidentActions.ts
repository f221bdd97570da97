import { ACTION_RULES, type IncidentAction, refusalOf, type Role } from '@gridhub/contracts';
import { computed, type Ref } from 'vue';
import type { Incident } from '../api/types';
import { useSessionStore } from '../stores/session';

export interface ActionState {
  /** The signed-in user's role may take the action and the incident's status allows it. */
  shown: boolean;
  /** The server would take it now (`refusalOf` is null). */
  enabled: boolean;
  /** Why not, in the server's words (the button's tooltip). */
  reason: string | null;
}

const HIDDEN: ActionState = { shown: false, enabled: false, reason: null };

/**
 * The action buttons of an incident for the signed-in user, by the server's own rules (`refusalOf` of
 * @gridhub/contracts): a button is shown when the user's role may take the action from the incident's status, and
 * enabled only when nothing else refuses it — so no enabled button is one the server would refuse.
 */
export function useIncidentActions(incident: Ref<Incident | null | undefined>) {
  const session = useSessionStore();
  return computed(() => {
    const inc = incident.value;
    const user = session.user;
    const states = {} as Record<IncidentAction, ActionState>;
    for (const action of Object.keys(ACTION_RULES) as IncidentAction[]) {
      if (!inc || !user) {
        states[action] = HIDDEN;
        continue;
      }
      const rule = ACTION_RULES[action];
      const shown = (rule.roles as readonly Role[]).includes(user.role) && (rule.from as readonly string[]).includes(inc.status);
      const refusal = shown ? refusalOf(action, inc, { role: user.role, workerId: user.workerId }) : null;
      states[action] = { shown, enabled: shown && refusal === null, reason: refusal?.message ?? null };
    }
    return states;
  });
}
