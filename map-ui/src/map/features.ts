import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import type VectorSource from 'ol/source/Vector';
import { fromLonLat } from 'ol/proj';

export type FeatureKind = 'grid' | 'boundary' | 'device' | 'sensor-group' | 'incident' | 'worker' | 'component';

/** Property names set on every feature and layer the app creates. */
export const KIND = 'gridhub:kind';
export const ITEM = 'item';

export function featureId(kind: FeatureKind, id: string): string {
  return `${kind}:${id}`;
}

/**
 * Makes `source` hold exactly one point per located item, updating features in place (same id) so
 * an open popup or selection survives a refresh. Items without a position are skipped.
 */
export function syncPointFeatures<T>(
  source: VectorSource<Feature<Point>>,
  kind: FeatureKind,
  items: readonly T[],
  idOf: (item: T) => string,
  lonLatOf: (item: T) => [number, number] | null,
  /** Extra properties (e.g. style indices): set with the feature when it is created, updated only when they change. */
  propsOf?: (item: T) => Record<string, unknown>,
): void {
  const seen = new Set<string>();
  const added: Feature<Point>[] = [];
  for (const item of items) {
    const lonLat = lonLatOf(item);
    if (!lonLat || !Number.isFinite(lonLat[0]) || !Number.isFinite(lonLat[1])) continue;
    const fid = featureId(kind, idOf(item));
    if (seen.has(fid)) continue;
    seen.add(fid);
    const coord = fromLonLat(lonLat);
    const existing = source.getFeatureById(fid);
    if (existing) {
      const geom = existing.getGeometry();
      const [x, y] = geom?.getCoordinates() ?? [];
      if (!geom) existing.setGeometry(new Point(coord));
      else if (x !== coord[0] || y !== coord[1]) geom.setCoordinates(coord);
      const extra = propsOf?.(item);
      const extraChanged = !!extra && Object.entries(extra).some(([k, v]) => existing.get(k) !== v);
      if (extraChanged) existing.setProperties(extra, true);
      // One change event per feature at most (each costs a spatial-index update in the source).
      if (existing.get(ITEM) !== item) existing.set(ITEM, item);
      else if (extraChanged) existing.changed();
    } else {
      // Everything set before the feature joins the source: a 50,000-point load is one bulk insert, no events.
      const f = new Feature<Point>({ geometry: new Point(coord), [KIND]: kind, [ITEM]: item, ...propsOf?.(item) });
      f.setId(fid);
      added.push(f);
    }
  }
  for (const f of source.getFeatures()) {
    if (seen.has(String(f.getId()))) continue;
    f.unset(ITEM); // tells whoever follows this feature (the popup) that it is gone
    source.removeFeature(f);
  }
  if (added.length > 0) source.addFeatures(added);
}
