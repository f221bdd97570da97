import { onBeforeUnmount } from 'vue';
import type BaseLayer from 'ol/layer/Base';
import type { RegisteredLayer } from '../map/context';
import { useMapContext } from './useMap';

/** Registers a layer component's OpenLayers layers with the host (switcher, counts, ready signal). */
export function useLayerRegistration(
  key: string,
  labelKey: string,
  layers: readonly BaseLayer[],
  state: Omit<RegisteredLayer, 'key' | 'labelKey' | 'layers'> = {},
) {
  const ctx = useMapContext();
  ctx.register({ key, labelKey, layers, ...state });
  onBeforeUnmount(() => ctx.unregister(key));
  return ctx;
}
