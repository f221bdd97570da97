import { onBeforeUnmount, shallowRef, watch } from 'vue';
import type OlMap from 'ol/Map';
import type { EventsKey } from 'ol/events';
import { unByKey } from 'ol/Observable';

/**
 * Becomes true once `allLoaded()` is true and the map has then finished a full render (`rendercomplete`): the DOM
 * signal browser tests wait for instead of sleeping. Never goes back.
 */
export function useMapReady(map: OlMap, allLoaded: () => boolean) {
  const ready = shallowRef(false);
  const readyAt = shallowRef<number | null>(null);
  let key: EventsKey | EventsKey[] | null = null;

  const stop = watch(
    allLoaded,
    (all) => {
      if (!all || ready.value || key) return;
      key = map.once('rendercomplete', () => {
        key = null;
        ready.value = true;
        readyAt.value = performance.now();
        stop();
      });
      map.render();
    },
    { immediate: true, flush: 'post' },
  );

  onBeforeUnmount(() => {
    stop();
    if (key) unByKey(key);
    key = null;
  });

  return { ready, readyAt };
}
