import type OlMap from 'ol/Map';

/** What the map host provides to its children under MAP_KEY. */
export interface MapContext {
  /** markRaw'd: never reactive. */
  readonly map: OlMap;
  /** Animate the view to a WGS-84 point; `done` runs when the animation ends. */
  focusOn(lon: number, lat: number, options?: { minZoom?: number; done?: () => void }): void;
}

/** Taiyuan, the Fen River between Xiaodian and Yingze districts. */
export const DEFAULT_CENTER_LONLAT: [number, number] = [112.55, 37.83];
export const DEFAULT_ZOOM = 12;
export const FOCUS_MIN_ZOOM = 16;
