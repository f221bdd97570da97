import { computed, shallowRef } from 'vue';
import { ApiError } from '../api/client';
import { endSession, lastLogoutReason, sessionState, startSession } from '../session';
import { useApi } from './useApi';

export type LoginFailure = 'invalid' | 'network' | 'server';

export function useSession() {
  const api = useApi();
  const busy = shallowRef(false);
  const failure = shallowRef<LoginFailure | null>(null);

  async function login(username: string, password: string): Promise<boolean> {
    busy.value = true;
    failure.value = null;
    try {
      startSession(await api.login({ username, password }));
      return true;
    } catch (err) {
      failure.value =
        err instanceof ApiError && (err.status === 401 || err.status === 400 || err.status === 403)
          ? 'invalid'
          : err instanceof ApiError && err.isNetwork
            ? 'network'
            : 'server';
      return false;
    } finally {
      busy.value = false;
    }
  }

  return {
    user: computed(() => sessionState.value?.user ?? null),
    isAuthenticated: computed(() => sessionState.value !== null),
    lastLogoutReason,
    busy,
    failure,
    login,
    logout: () => endSession('user'),
  };
}
