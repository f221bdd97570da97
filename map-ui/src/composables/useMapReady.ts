import { onBeforeUnmount, shallowRef, watch } from 'vue';
import type OlMap from 'ol/Map';
import type { EventsKey } from 'ol/events';
import { unByKey } from 'ol/Observable';

/**
 * `ready` becomes true once `allLoaded()` is true and the map has then finished a full render (`rendercomplete`), and
 * never goes back; the map element's `data-rendering` is "true" from a frame's start until the map has rendered
 * completely again (every source loaded, no animation). Both are DOM signals browser tests wait for instead of sleeping.
 */
export function useMapReady(map: OlMap, allLoaded: () => boolean) {
  const ready = shallowRef(false);
  const readyAt = shallowRef<number | null>(null);
  let key: EventsKey | EventsKey[] | null = null;
  // Written on the map's element directly: a reactive value changed every frame would re-render the component each frame.
  const mark = (value: 'true' | 'false') => map.getTargetElement()?.setAttribute('data-rendering', value);
  const renderKeys = [map.on('precompose', () => mark('true')), map.on('rendercomplete', () => mark('false'))];

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
    unByKey(renderKeys);
    if (key) unByKey(key);
    key = null;
  });

  return { ready, readyAt };
}
