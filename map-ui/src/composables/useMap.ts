import { inject, markRaw, onBeforeUnmount, onMounted, onUnmounted, provide, shallowReactive, type ShallowRef } from 'vue';
import OlMap from 'ol/Map';
import View from 'ol/View';
import { defaults as defaultControls, ScaleLine } from 'ol/control';
import { defaults as defaultInteractions } from 'ol/interaction';
import { fromLonLat } from 'ol/proj';
import { MAP_KEY } from '../keys';
import { DEFAULT_CENTER_LONLAT, DEFAULT_ZOOM, FOCUS_MIN_ZOOM, type MapContext, type RegisteredLayer } from '../map/context';

/**
 * Creates the OpenLayers map, attaches it to `target` on mount and provides it to child components. The background is
 * the hub's offline vector basemap; tile sources are optional (BasemapLayer).
 */
export function useMap(target: Readonly<ShallowRef<HTMLElement | null>>) {
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
  const layers = shallowReactive<RegisteredLayer[]>([]);

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
    register(entry) {
      const i = layers.findIndex((l) => l.key === entry.key);
      if (i >= 0) layers.splice(i, 1, markRaw(entry));
      else layers.push(markRaw(entry));
    },
    unregister(key) {
      const i = layers.findIndex((l) => l.key === key);
      if (i >= 0) layers.splice(i, 1);
    },
  };

  provide(MAP_KEY, ctx);

  let resize: ResizeObserver | null = null;
  onMounted(() => {
    if (!target.value) return;
    map.setTarget(target.value);
    // Panels open and close beside the map: keep its canvas the size of its box.
    resize = new ResizeObserver(() => map.updateSize());
    resize.observe(target.value);
  });
  onBeforeUnmount(() => resize?.disconnect());
  // Layer, overlay and listener composables clean up in onBeforeUnmount; the map goes last.
  onUnmounted(() => {
    map.setTarget(undefined);
    map.dispose();
  });

  return { ctx, layers };
}

export function useMapContext(): MapContext {
  const ctx = inject(MAP_KEY);
  if (!ctx) throw new Error('useMapContext(): no map provided; call inside a component under MapView');
  return ctx;
}
