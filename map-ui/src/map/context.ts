import type OlMap from 'ol/Map';
import type BaseLayer from 'ol/layer/Base';
import type { Ref } from 'vue';
import type Feature from 'ol/Feature';

/** A layer the map host knows about: shown in the layer switcher, counted on `#map`, waited for by `map-ready`. */
export interface RegisteredLayer {
  /** Stable key: `data-{key}-count` on `#map`, `data-layer` in the switcher. */
  key: string;
  /** i18n key of its name in the layer switcher. */
  labelKey: string;
  layers: readonly BaseLayer[];
  count?: Readonly<Ref<number>>;
  /** True once its first data are on the map; the map is not "ready" before every registered layer is. */
  synced?: Readonly<Ref<boolean>>;
  /** Not listed in the switcher (e.g. the background). */
  fixed?: boolean;
  /** Extra `data-*` attributes on `#map` (e.g. how the layer draws at the current zoom), for tests and the benchmark. */
  attrs?: Readonly<Ref<Record<string, string | number>>>;
  /** The zoom at least that focusing one of its items goes to (where the item is drawn on its own). */
  focusZoom?: number;
  /** The feature of an item by id (for focusing it from a list). */
  featureOf?: (id: string) => Feature | null;
}

/** What the map host provides to its children under MAP_KEY. */
export interface MapContext {
  /** markRaw'd: never reactive. */
  readonly map: OlMap;
  /** Animate the view to a WGS-84 point; `done` runs when the animation ends. */
  focusOn(lon: number, lat: number, options?: { minZoom?: number; done?: () => void }): void;
  /** Called by layer components in setup; unregistered on their unmount. */
  register(entry: RegisteredLayer): void;
  unregister(key: string): void;
}

/** Taiyuan, the Fen River between Xiaodian and Yingze districts. */
export const DEFAULT_CENTER_LONLAT: [number, number] = [112.55, 37.853];
export const DEFAULT_ZOOM = 15;
export const FOCUS_MIN_ZOOM = 16;
