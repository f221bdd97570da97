import { onScopeDispose, shallowRef } from 'vue';

export interface GeoFix {
  lon: number;
  lat: number;
  accuracyM: number | null;
  at: number;
}

/**
 * The tablet's position from the browser (watchPosition): null until the first fix; `error` when the browser refuses
 * or has none (the worker then checks in manually). Positions are WGS-84 as the Geolocation API gives them.
 */
export function useGeolocation() {
  const fix = shallowRef<GeoFix | null>(null);
  const error = shallowRef<string | null>(null);
  let watchId: number | null = null;

  const toFix = (p: GeolocationPosition): GeoFix => ({ lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: p.coords.accuracy ?? null, at: p.timestamp });

  if ('geolocation' in navigator) {
    watchId = navigator.geolocation.watchPosition(
      (p) => {
        fix.value = toFix(p);
        error.value = null;
      },
      (e) => (error.value = e.message || `geolocation error ${e.code}`),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 15_000 },
    );
  } else error.value = 'geolocation unavailable';

  onScopeDispose(() => {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  });

  /**
   * A fix for a check-in: the watch's own if it is recent, else a new one; null within `timeoutMs` at the latest (a
   * browser may leave a one-off request pending while a watch runs, so the wait is bounded here as well).
   */
  function current(timeoutMs = 8000, maxAgeMs = 20_000): Promise<GeoFix | null> {
    const recent = fix.value;
    if (recent && Date.now() - recent.at < maxAgeMs) return Promise.resolve(recent);
    if (!('geolocation' in navigator)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => resolve(fix.value && Date.now() - fix.value.at < maxAgeMs ? fix.value : null), timeoutMs);
      navigator.geolocation.getCurrentPosition(
        (p) => {
          window.clearTimeout(timer);
          resolve((fix.value = toFix(p)));
        },
        (e) => {
          window.clearTimeout(timer);
          error.value = e.message || `geolocation error ${e.code}`;
          resolve(null);
        },
        { enableHighAccuracy: true, maximumAge: 5000, timeout: timeoutMs },
      );
    });
  }

  return { fix, error, current };
}
