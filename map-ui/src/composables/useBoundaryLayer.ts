import { watch, type Ref } from 'vue';
import type OlMap from 'ol/Map';
import type { GridCollection } from '../api/types';
import { boundaryStyle } from '../map/styles';
import { KIND } from '../map/features';
import { BOUNDARY_LEVELS, type BoundaryLevel } from './useConsoleData';
import { readGridFeatures } from './useGridLayer';
import { useVectorLayer } from './useVectorLayer';

/** District, street and community outlines, drawn thicker than unit grids and above them. */
export function useBoundaryLayer(map: OlMap, boundaries: Readonly<Ref<Partial<Record<BoundaryLevel, GridCollection>>>>) {
  const { layer, source } = useVectorLayer(map, { style: boundaryStyle, zIndex: 10, declutter: 'labels', properties: { [KIND]: 'boundary' } });

  watch(
    boundaries,
    (byLevel) => {
      source.clear(true);
      // Finer levels first so the heavier district line is drawn over them.
      for (const level of [...BOUNDARY_LEVELS].reverse()) {
        const fc = byLevel[level];
        if (fc) source.addFeatures(readGridFeatures(fc, 'boundary'));
      }
    },
    { immediate: true, flush: 'sync' },
  );

  return { layer, source };
}
