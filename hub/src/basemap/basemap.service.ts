import { Injectable } from '@nestjs/common';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BasemapRepository } from './basemap.repository';
import { HubRuntime } from '../runtime';
import { demoBasemap } from '../seed/demo-cities';
import { BasemapProperties } from './demo-city-basemap';

export interface Basemap extends FeatureCollection<Geometry, BasemapProperties> {
  /** [minLon, minLat, maxLon, maxLat] covering every feature. */
  bbox: [number, number, number, number];
}

/**
 * The offline vector background: boundaries from the live grid hierarchy (so a city that loads its own grids gets
 * its own outlines) and the configured demo city's river, parks and roads (GRIDHUB_DEMO_CITY). Drawn by the map UI
 * with no tile server or internet.
 */
@Injectable()
export class BasemapService {
  private readonly demo: ReturnType<typeof demoBasemap>;

  constructor(
    private readonly repository: BasemapRepository,
    runtime: HubRuntime,
  ) {
    this.demo = demoBasemap(runtime.config.demoCity);
  }

  async basemap(): Promise<Basemap> {
    const boundaries: Feature<Geometry, BasemapProperties>[] = (await this.repository.boundaries()).map((b) => ({
      type: 'Feature',
      id: `${b.level}:${b.code}`,
      geometry: b.geometry,
      properties: { layer: b.level, name: b.name, nameEn: b.name, code: b.code },
    }));
    const features = [...this.demo.features, ...boundaries];
    return { type: 'FeatureCollection', bbox: extentOf(features, this.demo.extent), features };
  }
}

function extentOf(features: readonly Feature<Geometry>[], start: [number, number, number, number]): [number, number, number, number] {
  const box: [number, number, number, number] = [...start];
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
      return;
    }
    for (const inner of c) visit(inner);
  };
  for (const feature of features) if (feature.geometry && 'coordinates' in feature.geometry) visit(feature.geometry.coordinates);
  return box;
}
