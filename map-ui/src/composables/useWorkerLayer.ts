import type { Ref } from 'vue';
import type OlMap from 'ol/Map';
import type { Worker } from '../api/types';
import { workerStyle } from '../map/styles';
import { usePointLayer } from './usePointLayer';

/** Workers without a reported position (lon/lat null) are not drawn. */
export function useWorkerLayer(map: OlMap, workers: Readonly<Ref<readonly Worker[] | null>>) {
  return usePointLayer(map, workers, {
    kind: 'worker',
    zIndex: 30,
    style: workerStyle,
    idOf: (w) => w.id,
    lonLatOf: (w) => (w.lon === null || w.lat === null ? null : [w.lon, w.lat]),
  });
}
