// The wall screen's kiosk token: given once in the address (`/overview?kiosk=…`), kept in this browser so the
// screen comes back by itself after a restart, and taken out of the address bar.
const STORAGE_KEY = 'gridhub.kiosk';

export function storedKioskToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function keepKioskToken(token: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage disabled: the token lasts for this page only
  }
}

export function forgetKioskToken(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}

/** `/overview?kiosk=…` is served by the hub as the app; the app's router lives in the hash. */
export function hashFromOverviewPath(location: Location, history: History): void {
  if (location.pathname.replace(/\/+$/, '') === '/overview') history.replaceState(null, '', `/#/overview${location.search}`);
}

export const isOverviewLocation = (location: Location) => location.hash.startsWith('#/overview');
