import { onBeforeUnmount, shallowRef, watch, type Ref } from 'vue';
import type OlMap from 'ol/Map';
import type { EventsKey } from 'ol/events';
import { unByKey } from 'ol/Observable';

/**
 * Becomes true once every `loaded` flag is true and the map has then finished a full render
 * (`rendercomplete`): the DOM signal browser tests wait for instead of sleeping. Never goes back.
 */
export function useMapReady(map: OlMap, loaded: readonly Readonly<Ref<boolean>>[]) {
  const ready = shallowRef(false);
  let key: EventsKey | EventsKey[] | null = null;

  const stop = watch(
    () => loaded.every((flag) => flag.value),
    (all) => {
      if (!all || ready.value || key) return;
      key = map.once('rendercomplete', () => {
        key = null;
        ready.value = true;
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

  return ready;
}
