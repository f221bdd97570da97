import { onScopeDispose, shallowRef } from 'vue';

const now = shallowRef(Date.now());
let users = 0;
let timer: number | undefined;

/** One shared 1 s clock for every countdown on the page (started by the first user, stopped with the last). */
export function useNow() {
  if (users++ === 0) timer = window.setInterval(() => (now.value = Date.now()), 1000);
  onScopeDispose(() => {
    if (--users === 0) window.clearInterval(timer);
  });
  return now;
}
