import { onScopeDispose, shallowRef } from 'vue';
import { isAbort } from '../api/client';

/**
 * Runs `task` now and then `intervalMs` after each run finishes (runs never overlap).
 * Stops, and aborts a run in flight, when the owning component or scope goes away.
 */
export function usePolling(task: (signal: AbortSignal) => Promise<void>, intervalMs: number) {
  let timer: number | undefined;
  let controller: AbortController | null = null;
  let stopped = false;
  const running = shallowRef(false);

  async function tick(): Promise<void> {
    window.clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    const own = new AbortController();
    controller = own;
    running.value = true;
    try {
      await task(own.signal);
    } catch (err) {
      if (!isAbort(err)) console.error('[usePolling] task failed', err);
    } finally {
      if (controller === own) {
        controller = null;
        running.value = false;
        if (!stopped) timer = window.setTimeout(() => void tick(), intervalMs);
      }
    }
  }

  function stop(): void {
    stopped = true;
    window.clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = null;
  }

  onScopeDispose(stop);
  void tick();

  return {
    running,
    /** Run now instead of waiting for the next tick. */
    refresh: () => {
      if (!stopped) void tick();
    },
    stop,
  };
}
