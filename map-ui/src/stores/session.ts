import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { Role } from '../api/types';
import { endSession, lastLogoutReason, sessionState } from '../session';

export type HomeRoute = 'console' | 'monitor' | 'tablet';

/** Which page a role lands on. */
export function homeOf(role: Role): HomeRoute {
  switch (role) {
    case 'grid_worker':
    case 'supervisor':
      return 'tablet';
    case 'bureau_analyst':
      return 'monitor';
    default:
      return 'console';
  }
}

export const useSessionStore = defineStore('session', () => {
  const user = computed(() => sessionState.value?.user ?? null);
  const token = computed(() => sessionState.value?.token ?? null);
  const home = computed<HomeRoute | null>(() => (user.value ? homeOf(user.value.role) : null));
  return { user, token, home, lastLogoutReason, logout: () => endSession('user') };
});
