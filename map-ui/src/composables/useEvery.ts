import { onScopeDispose } from 'vue';

/**
 * Calls `fn` every `ms` while the calling component lives, skipping the beats when the page is hidden (a monitor
 * left on a wall follows the hub; a background tab does not poll it).
 */
export function useEvery(ms: number, fn: () => unknown): void {
  const timer = window.setInterval(() => {
    if (document.visibilityState !== 'hidden') void fn();
  }, ms);
  onScopeDispose(() => window.clearInterval(timer));
}
