import type { Ref } from 'vue';
import type OlMap from 'ol/Map';
import type { Device } from '../api/types';
import { deviceStyle } from '../map/styles';
import { usePointLayer } from './usePointLayer';

export function useDeviceLayer(map: OlMap, devices: Readonly<Ref<readonly Device[] | null>>) {
  return usePointLayer(map, devices, {
    kind: 'device',
    zIndex: 20,
    style: deviceStyle,
    idOf: (d) => d.id,
    lonLatOf: (d) => [d.lon, d.lat],
  });
}
