import { watch, type Ref } from 'vue';
import type OlMap from 'ol/Map';
import type { Incident } from '../api/types';
import { incidentStyleFunction } from '../map/styles';
import { featureId } from '../map/features';
import { usePointLayer } from './usePointLayer';

export function useIncidentLayer(
  map: OlMap,
  incidents: Readonly<Ref<readonly Incident[] | null>>,
  selectedId: Readonly<Ref<string | null>>,
) {
  const point = usePointLayer(map, incidents, {
    kind: 'incident',
    zIndex: 40,
    style: incidentStyleFunction(() => selectedId.value),
    idOf: (i) => i.id,
    lonLatOf: (i) => [i.lon, i.lat],
  });

  watch(selectedId, () => point.layer.changed());

  return {
    ...point,
    featureOf: (id: string) => point.source.getFeatureById(featureId('incident', id)),
  };
}
