import { BadRequestException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { GridLocatorService } from '../grids/grid-locator.service';
import { ImportMode } from '../grids/grid-hierarchy.service';
import { checkComponentFeatures, ComponentProblem } from './component-validation';
import { ComponentFilter, ComponentRepository } from './component.repository';
import { Component, ComponentClass, ComponentState } from './component.types';

export interface ComponentImportReport {
  mode: ImportMode;
  features: number;
  accepted: number;
  created: number;
  updated: number;
  /** Refused features with every reason (nothing stored in atomic mode when there is one). */
  problems: ComponentProblem[];
}

/** A component as a GeoJSON Feature (WGS-84) with its class names, for the map and for re-import. */
export function componentFeature(c: Component, cls: ComponentClass | undefined) {
  return {
    type: 'Feature' as const,
    id: c.id,
    geometry: { type: 'Point' as const, coordinates: [c.lon, c.lat] },
    properties: {
      id: c.id,
      classCode: c.classCode,
      majorCode: c.classCode.slice(0, 2),
      classNameZh: cls?.nameZh ?? null,
      classNameEn: cls?.nameEn ?? null,
      name: c.name,
      departmentCode: c.departmentCode,
      gridCode: c.gridCode,
      state: c.state,
      address: c.address,
      updatedAt: c.updatedAt.toISOString(),
    },
  };
}

/** The component registry (部件): GB/T 30428.2-style classes, owner department, place, grid and state. */
@Injectable()
export class ComponentService {
  private classCache: { at: number; byCode: Map<string, ComponentClass> } | null = null;

  constructor(
    private readonly components: ComponentRepository,
    private readonly locator: GridLocatorService,
    private readonly clock: Clock,
  ) {}

  async classes(): Promise<Map<string, ComponentClass>> {
    if (!this.classCache || Date.now() - this.classCache.at > 60_000) {
      this.classCache = { at: Date.now(), byCode: new Map((await this.components.classes()).map((c) => [c.code, c])) };
    }
    return this.classCache.byCode;
  }

  async find(id: string, scope: string | null = null): Promise<Component> {
    const component = await this.components.find(id);
    if (!component || (scope && !(component.gridCode ?? '').startsWith(scope))) throw new NotFoundException(`component ${id} not found`);
    return component;
  }

  async feature(id: string, scope: string | null) {
    const c = await this.find(id, scope);
    return componentFeature(c, (await this.classes()).get(c.classCode));
  }

  async list(filter: ComponentFilter, scope: string | null) {
    if (scope) {
      if (filter.gridPrefix && !filter.gridPrefix.startsWith(scope) && !scope.startsWith(filter.gridPrefix)) {
        throw new ForbiddenException(`your account is confined to ${scope}; ${filter.gridPrefix} is outside it`);
      }
      if (!filter.gridPrefix || scope.startsWith(filter.gridPrefix)) filter = { ...filter, gridPrefix: scope };
    }
    const { items, total } = await this.components.list(filter);
    const classes = await this.classes();
    return { type: 'FeatureCollection' as const, total, features: items.map((c) => componentFeature(c, classes.get(c.classCode))) };
  }

  async setState(id: string, state: ComponentState, scope: string | null) {
    await this.find(id, scope);
    const updated = await this.components.setState(id, state, this.clock.now());
    return componentFeature(updated!, (await this.classes()).get(updated!.classCode));
  }

  /**
   * Imports a GeoJSON FeatureCollection of Point features. atomic (default): nothing is stored when any feature
   * is refused; partial: the valid ones are stored; validate: nothing is stored. Existing ids are replaced.
   */
  async import(body: unknown, mode: ImportMode): Promise<ComponentImportReport> {
    const check = checkComponentFeatures(body, {
      classes: await this.classes(),
      departments: await this.components.departmentCodes(),
      locate: (lon, lat) => this.locator.locate(lon, lat),
    });
    if ('error' in check) throw new BadRequestException(check.error);
    const features = check.accepted.length + check.problems.length;
    const store = mode === 'partial' || (mode === 'atomic' && check.problems.length === 0);
    const written = store ? await this.components.upsertMany(check.accepted.map((a) => a.component), this.clock.now()) : { created: 0, updated: 0 };
    return { mode, features, accepted: check.accepted.length, ...written, problems: check.problems };
  }

  /** The component an incident names, or 422 (an unknown component is the reporter's mistake). */
  async forIncident(id: string): Promise<Component & { incidentCategory: string }> {
    const component = await this.components.find(id);
    if (!component) throw new UnprocessableEntityException(`unknown component ${id} (see GET /api/v1/components)`);
    const cls = (await this.classes()).get(component.classCode);
    return { ...component, incidentCategory: cls?.incidentCategory ?? 'other' };
  }
}
