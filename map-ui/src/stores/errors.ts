import { shallowRef } from 'vue';
import { ApiError, isAbort } from '../api/client';

export type DataKey =
  | 'grids'
  | 'boundaries'
  | 'basemap'
  | 'devices'
  | 'latest'
  | 'incidents'
  | 'workers'
  | 'alerts'
  | 'indicators'
  | 'categories';

export interface LoadError {
  key: DataKey;
  error: ApiError;
}

/** Load errors by data key, shown in the error banner; a key clears when its next load succeeds. */
export function useErrorMap() {
  const errors = shallowRef<Partial<Record<DataKey, ApiError>>>({});

  function set(key: DataKey, error: ApiError | null): void {
    const current = errors.value[key];
    if (!error && !current) return;
    if (error && current && error.status === current.status && error.message === current.message) return;
    const next = { ...errors.value };
    if (error) next[key] = error;
    else delete next[key];
    errors.value = next;
  }

  async function load<T>(key: DataKey, fetcher: () => Promise<T>, apply: (value: T) => void): Promise<boolean> {
    try {
      apply(await fetcher());
      set(key, null);
      return true;
    } catch (err) {
      if (isAbort(err)) throw err;
      set(key, err instanceof ApiError ? err : new ApiError(0, String(err), 'format'));
      return false;
    }
  }

  return { errors, set, load, clear: () => (errors.value = {}) };
}
