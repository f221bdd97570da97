import { shallowRef, watch, type Ref } from 'vue';
import type OlMap from 'ol/Map';
import type Feature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import { isEmpty } from 'ol/extent';
import type { GridCollection } from '../api/types';
import { gridStyle } from '../map/styles';
import { featureId, KIND } from '../map/features';
import { useVectorLayer } from './useVectorLayer';

// top, right, bottom, left: the right side leaves room for the legend.
const FIT_PADDING = [32, 200, 32, 48];

export const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

export function readGridFeatures(fc: GridCollection, kind: 'grid' | 'boundary'): Feature[] {
  const features = geojson.readFeatures(fc) as Feature[];
  for (const f of features) {
    f.set(KIND, kind, true);
    const code = f.get('code') as string | undefined;
    if (code) f.setId(featureId(kind, `${f.get('level') ?? ''}:${code}`));
  }
  return features;
}

/**
 * Unit grids as filled polygons; the view is fitted to their extent the first time they arrive.
 */
export function useGridLayer(map: OlMap, grids: Readonly<Ref<GridCollection | null>>) {
  const { layer, source } = useVectorLayer(map, { style: gridStyle, zIndex: 0, declutter: 'labels', properties: { [KIND]: 'grid' } });

  const count = shallowRef(0);
  const synced = shallowRef(false);
  let fitted = false;

  watch(
    grids,
    (fc) => {
      if (!fc) return;
      source.clear(true);
      source.addFeatures(readGridFeatures(fc, 'grid'));
      count.value = source.getFeatures().length;
      synced.value = true;
      const extent = source.getExtent();
      if (!fitted && count.value > 0 && extent && !isEmpty(extent)) {
        fitted = true;
        map.getView().fit(extent, { padding: FIT_PADDING, maxZoom: 17, size: map.getSize() });
      }
    },
    { immediate: true, flush: 'sync' },
  );

  return { layer, source, count, synced };
}
