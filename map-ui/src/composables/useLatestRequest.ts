import { onScopeDispose } from 'vue';

/**
 * One request at a time for a component: each call gives the signal for a new request and aborts the one before
 * (its answer can no longer replace a newer one: another selection, a later refresh); unmounting aborts the last.
 */
export function useLatestRequest(): () => AbortSignal {
  let controller: AbortController | null = null;
  onScopeDispose(() => controller?.abort());
  return () => {
    controller?.abort();
    controller = new AbortController();
    return controller.signal;
  };
}
