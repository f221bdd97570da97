import { markRaw, onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';
import type OlMap from 'ol/Map';
import Overlay from 'ol/Overlay';
import type Feature from 'ol/Feature';
import type { FeatureLike } from 'ol/Feature';
import type { Coordinate } from 'ol/coordinate';
import type { EventsKey } from 'ol/events';
import type Layer from 'ol/layer/Layer';
import Point from 'ol/geom/Point';
import type VectorSource from 'ol/source/Vector';
import { unByKey } from 'ol/Observable';
import { buffer, createEmpty, extend, getCenter } from 'ol/extent';
import type { CityComponent, Device, GridProperties, Incident, Worker } from '../api/types';
import { ITEM, KIND, type FeatureKind } from '../map/features';
import { SENSOR_LEVEL_MIN_ZOOM, SENSOR_LEVELS, type SensorGroup } from '../map/sensor-groups';

export type PopupContent =
  | { kind: 'grid'; item: GridProperties }
  | { kind: 'device'; item: Device }
  | { kind: 'incident'; item: Incident }
  | { kind: 'worker'; item: Worker }
  | { kind: 'component'; item: CityComponent };

const POINT_KINDS: readonly FeatureKind[] = ['device', 'sensor-group', 'incident', 'worker', 'component'];
const isPointLayer = (layer: Layer) => POINT_KINDS.includes(layer.get(KIND) as FeatureKind);
const isClickable = (layer: Layer) => isPointLayer(layer) || layer.get(KIND) === 'grid';

/** Layers whose features are hit-tested through their source (WebGL layers with GPU hit detection off). */
export const SOURCE_HIT = 'gridhub:sourceHit';
const usesSourceHit = (layer: Layer) => layer.get(SOURCE_HIT) === true;
const HIT_PX = 9;

function contentOf(feature: FeatureLike): PopupContent | null {
  const kind = feature.get(KIND) as FeatureKind | undefined;
  switch (kind) {
    case 'device':
    case 'incident':
    case 'component':
    case 'worker': {
      // A point that left the map (e.g. an incident that closed) has no item any more.
      const item: unknown = feature.get(ITEM);
      return item ? ({ kind, item } as PopupContent) : null;
    }
    case 'grid': {
      const p = feature.getProperties();
      return { kind: 'grid', item: { code: p.code, name: p.name, level: p.level, parentCode: p.parentCode ?? null } };
    }
    default:
      return null;
  }
}

/**
 * Click a feature → a small popup (an OpenLayers Overlay holding `element`) with its properties.
 * Points win over the grid polygon underneath. The popup follows the feature across refreshes.
 */
export function useFeaturePopup(map: OlMap, element: Readonly<ShallowRef<HTMLElement | null>>) {
  const content = shallowRef<PopupContent | null>(null);
  let overlay: Overlay | null = null;
  let followed: { feature: Feature; key: EventsKey | EventsKey[] } | null = null;

  function unfollow(): void {
    if (followed) unByKey(followed.key);
    followed = null;
  }

  function close(): void {
    unfollow();
    content.value = null;
    overlay?.setPosition(undefined);
  }

  function open(feature: FeatureLike, at: Coordinate): void {
    const next = contentOf(feature);
    if (!next) return close();
    unfollow();
    const geom = feature.getGeometry();
    const position = geom instanceof Point ? geom.getCoordinates() : at;
    content.value = next;
    overlay?.setPosition(position);
    if (geom instanceof Point && 'on' in feature) {
      const f = feature as Feature;
      // Polling replaces `item` and may move the point: keep the popup in step.
      followed = {
        feature: f,
        key: f.on(['change', 'propertychange'], () => {
          const updated = contentOf(f);
          if (!updated) return close();
          content.value = updated;
          const g = f.getGeometry();
          if (g instanceof Point) overlay?.setPosition(g.getCoordinates());
        }),
      };
    }
  }

  let lastHover = 0;

  function nearestBySource(pixel: number[]): Feature | null {
    const coordinate = map.getCoordinateFromPixel(pixel);
    if (!coordinate) return null;
    for (const layer of map.getAllLayers()) {
      if (!usesSourceHit(layer) || !layer.getVisible()) continue;
      const source = layer.getSource() as VectorSource | null;
      const f = source?.getClosestFeatureToCoordinate(coordinate, (feature) => layer.get('hitFilter')?.(feature) ?? true) as Feature | null;
      const g = f?.getGeometry();
      if (!f || !(g instanceof Point)) continue;
      const p = map.getPixelFromCoordinate(g.getCoordinates());
      if (p && Math.hypot(p[0]! - pixel[0]!, p[1]! - pixel[1]!) <= HIT_PX) return f;
    }
    return null;
  }
  /** Fit the group's sensors, at least as far in as the next finer level (a street opens into its communities…). */
  function zoomInto(group: SensorGroup): void {
    const view = map.getView();
    const extent = group.extent;
    const target = view.getResolutionForExtent(buffer(extent, 40), map.getSize());
    const next = SENSOR_LEVELS[SENSOR_LEVELS.indexOf(group.level) + 1] ?? 'points';
    const zoom = Math.max(view.getZoomForResolution(target) ?? 0, SENSOR_LEVEL_MIN_ZOOM[next] + 0.01);
    view.animate({ center: getCenter(extent), zoom: Math.min(zoom, 19), duration: 300 });
  }

  const keys: EventsKey[] = [
    map.on('singleclick', (evt) => {
      // Top-most first: points are above the grid polygons, so a point under the cursor wins.
      let hit: FeatureLike | null = null;
      map.forEachFeatureAtPixel(
        evt.pixel,
        (feature) => {
          hit = feature;
          return true;
        },
        { layerFilter: (l) => isClickable(l) && !usesSourceHit(l), hitTolerance: 4 },
      );
      // Sensors (WebGL, no GPU hit detection) are found in their source: the nearest one within a few pixels.
      if (!hit || (hit as FeatureLike).get(KIND) === 'grid') hit = nearestBySource(evt.pixel) ?? hit;
      if (hit && (hit as FeatureLike).get(KIND) === 'sensor-group') {
        // A group of sensors (zoomed out): zoom in on it until its sensors are drawn one by one.
        const group = (hit as FeatureLike).get(ITEM) as SensorGroup | undefined;
        close();
        if (group) zoomInto(group);
        return;
      }
      const members = hit ? ((hit as FeatureLike).get('features') as Feature[] | undefined) : undefined;
      if (members && members.length > 1) {
        // A cluster: zoom in until it falls apart.
        const extent = createEmpty();
        for (const m of members) extend(extent, m.getGeometry()!.getExtent());
        close();
        map.getView().fit(buffer(extent, 60), { duration: 300, maxZoom: 19, padding: [60, 60, 60, 60] });
        return;
      }
      if (members && members.length === 1) open(members[0]!, evt.coordinate);
      else if (hit) open(hit, evt.coordinate);
      else close();
    }),
    map.on('pointermove', (evt) => {
      if (evt.dragging || (evt.originalEvent as PointerEvent).pointerType === 'touch') return;
      const now = performance.now();
      if (now - lastHover < 80) return;
      lastHover = now;
      const over = map.hasFeatureAtPixel(evt.pixel, { layerFilter: (l) => isPointLayer(l) && !usesSourceHit(l), hitTolerance: 4 }) || !!nearestBySource(evt.pixel);
      const viewport = map.getViewport() as HTMLElement | undefined;
      if (viewport) viewport.style.cursor = over ? 'pointer' : '';
    }),
  ];

  onMounted(() => {
    if (!element.value) return;
    overlay = markRaw(
      new Overlay({
        element: element.value,
        positioning: 'bottom-center',
        offset: [0, -14],
        stopEvent: true,
        autoPan: { animation: { duration: 200 }, margin: 24 },
      }),
    );
    map.addOverlay(overlay);
  });

  onBeforeUnmount(() => {
    unByKey(keys);
    unfollow();
    if (overlay) map.removeOverlay(overlay);
    overlay?.dispose();
    overlay = null;
  });

  return {
    content,
    close,
    /** Open the popup on a feature programmatically (e.g. from the incident list). */
    openFeature: (feature: Feature) => {
      const geom = feature.getGeometry();
      if (geom instanceof Point) open(feature, geom.getCoordinates());
    },
  };
}
