import { markRaw, onBeforeUnmount } from 'vue';
import type OlMap from 'ol/Map';
import type Feature from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import type { Options } from 'ol/layer/BaseVector';

/**
 * A vector layer and its source, added to `map` now (or by the caller when `map` is null) and removed, cleared and
 * disposed on unmount. Both are marked raw: OpenLayers objects must never become deeply reactive.
 */
export function useVectorLayer<G extends Geometry = Geometry>(
  map: OlMap | null,
  options: Omit<Options<Feature<G>, VectorSource<Feature<G>>>, 'source'>,
) {
  const source = markRaw(new VectorSource<Feature<G>>());
  const layer = markRaw(new VectorLayer({ ...options, source }));
  if (map) map.addLayer(layer);
  onBeforeUnmount(() => {
    layer.getMapInternal()?.removeLayer(layer);
    map?.removeLayer(layer);
    source.clear(true);
    layer.dispose();
  });
  return { layer, source };
}
