import { shallowRef } from 'vue';
import type { LoginResponse, SessionUser } from './api/types';

// The bearer token lives in sessionStorage: it dies with the tab, as a console login should.
const STORAGE_KEY = 'gridhub.session';

export interface Session {
  token: string;
  user: SessionUser;
  /** epoch ms */
  expiresAt: number;
}

export type LogoutReason = 'user' | 'expired';

export const sessionState = shallowRef<Session | null>(restore());
export const lastLogoutReason = shallowRef<LogoutReason | null>(null);

export function startSession(res: LoginResponse, now = Date.now()): void {
  const session: Session = { token: res.accessToken, user: res.user, expiresAt: now + res.expiresIn * 1000 };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  lastLogoutReason.value = null;
  sessionState.value = session;
}

export function endSession(reason: LogoutReason): void {
  sessionStorage.removeItem(STORAGE_KEY);
  if (sessionState.value) lastLogoutReason.value = reason;
  sessionState.value = null;
}

export function currentToken(now = Date.now()): string | null {
  const s = sessionState.value;
  if (!s) return null;
  if (s.expiresAt <= now) {
    endSession('expired');
    return null;
  }
  return s.token;
}

function restore(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || !s.user || typeof s.expiresAt !== 'number') return null;
    if (s.expiresAt <= Date.now()) return null;
    return s as Session;
  } catch {
    return null;
  }
}
