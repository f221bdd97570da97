import { shallowRef, watch, type Ref } from 'vue';
import type OlMap from 'ol/Map';
import type Point from 'ol/geom/Point';
import type { StyleLike } from 'ol/style/Style';
import { KIND, syncPointFeatures, type FeatureKind } from '../map/features';
import { useVectorLayer } from './useVectorLayer';

export interface PointLayerOptions<T> {
  kind: FeatureKind;
  zIndex: number;
  style: StyleLike;
  idOf: (item: T) => string;
  lonLatOf: (item: T) => [number, number] | null;
}

/**
 * A vector layer of points mirroring `items` (null = not loaded yet). `synced` turns true after the
 * first load has been put on the map; `count` is the number of features drawn.
 */
export function usePointLayer<T>(map: OlMap, items: Readonly<Ref<readonly T[] | null>>, options: PointLayerOptions<T>) {
  const { layer, source } = useVectorLayer<Point>(map, {
    style: options.style,
    zIndex: options.zIndex,
    updateWhileInteracting: true,
    properties: { [KIND]: options.kind },
  });

  const count = shallowRef(0);
  const synced = shallowRef(false);

  watch(
    items,
    (list) => {
      if (!list) return;
      syncPointFeatures(source, options.kind, list, options.idOf, options.lonLatOf);
      count.value = source.getFeatures().length;
      synced.value = true;
    },
    { immediate: true, flush: 'sync' },
  );

  return { layer, source, count, synced };
}
