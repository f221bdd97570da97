import { inject, markRaw, onMounted, onUnmounted, provide, type ShallowRef } from 'vue';
import OlMap from 'ol/Map';
import View from 'ol/View';
import { defaults as defaultControls, ScaleLine } from 'ol/control';
import { defaults as defaultInteractions } from 'ol/interaction';
import { fromLonLat } from 'ol/proj';
import { MAP_KEY } from '../keys';
import { DEFAULT_CENTER_LONLAT, DEFAULT_ZOOM, FOCUS_MIN_ZOOM, type MapContext } from '../map/context';

/**
 * Creates the OpenLayers map, attaches it to `target` on mount and provides it to child components.
 * No tile layer: the command centre runs without internet, the grids draw the city.
 */
export function useMap(target: Readonly<ShallowRef<HTMLElement | null>>): MapContext {
  const map = markRaw(
    new OlMap({
      controls: defaultControls({ attribution: false, rotate: false }).extend([new ScaleLine({ units: 'metric' })]),
      interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false }),
      view: new View({
        projection: 'EPSG:3857',
        center: fromLonLat(DEFAULT_CENTER_LONLAT),
        zoom: DEFAULT_ZOOM,
        minZoom: 8,
        maxZoom: 20,
      }),
    }),
  );

  const ctx: MapContext = {
    map,
    focusOn(lon, lat, options = {}) {
      const view = map.getView();
      view.cancelAnimations();
      view.animate(
        { center: fromLonLat([lon, lat]), zoom: Math.max(view.getZoom() ?? 0, options.minZoom ?? FOCUS_MIN_ZOOM), duration: 350 },
        () => options.done?.(),
      );
    },
  };

  provide(MAP_KEY, ctx);

  onMounted(() => {
    if (target.value) map.setTarget(target.value);
  });
  // Layer, overlay and listener composables clean up in onBeforeUnmount; the map goes last.
  onUnmounted(() => {
    map.setTarget(undefined);
    map.dispose();
  });

  return ctx;
}

export function useMapContext(): MapContext {
  const ctx = inject(MAP_KEY);
  if (!ctx) throw new Error('useMapContext(): no map provided; call inside a component under MapView');
  return ctx;
}
