import type Feature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import type { GridCollection } from '../api/types';
import { featureId, KIND } from '../map/features';

export const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

export function readGridFeatures(fc: GridCollection, kind: 'grid' | 'boundary'): Feature[] {
  const features = geojson.readFeatures(fc) as Feature[];
  for (const f of features) {
    f.set(KIND, kind, true);
    const code = f.get('code') as string | undefined;
    if (code) f.setId(featureId(kind, `${f.get('level') ?? ''}:${code}`));
  }
  return features;
}
