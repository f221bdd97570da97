import { markRaw, onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';
import type OlMap from 'ol/Map';
import Overlay from 'ol/Overlay';
import type Feature from 'ol/Feature';
import type { FeatureLike } from 'ol/Feature';
import type { Coordinate } from 'ol/coordinate';
import type { EventsKey } from 'ol/events';
import type Layer from 'ol/layer/Layer';
import Point from 'ol/geom/Point';
import { unByKey } from 'ol/Observable';
import type { Device, GridProperties, Incident, Worker } from '../api/types';
import { ITEM, KIND, type FeatureKind } from '../map/features';

export type PopupContent =
  | { kind: 'grid'; item: GridProperties }
  | { kind: 'device'; item: Device }
  | { kind: 'incident'; item: Incident }
  | { kind: 'worker'; item: Worker };

const POINT_KINDS: readonly FeatureKind[] = ['device', 'incident', 'worker'];
const isPointLayer = (layer: Layer) => POINT_KINDS.includes(layer.get(KIND) as FeatureKind);
const isClickable = (layer: Layer) => isPointLayer(layer) || layer.get(KIND) === 'grid';

function contentOf(feature: FeatureLike): PopupContent | null {
  const kind = feature.get(KIND) as FeatureKind | undefined;
  switch (kind) {
    case 'device':
    case 'incident':
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
        { layerFilter: isClickable, hitTolerance: 4 },
      );
      if (hit) open(hit, evt.coordinate);
      else close();
    }),
    map.on('pointermove', (evt) => {
      if (evt.dragging) return;
      const over = map.hasFeatureAtPixel(evt.pixel, { layerFilter: isPointLayer, hitTolerance: 4 });
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
