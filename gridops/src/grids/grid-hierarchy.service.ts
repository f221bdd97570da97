import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { GridLocatorService, ResponsibleAnswer } from './grid-locator.service';
import { GridRepository } from './grid.repository';
import { GRID_LEVEL_NAMES, GridArea, GridLevel } from './grid.types';
import { checkParents, FeatureProblem, Gap, Overlap, parseFeature, topologyReport } from './grid-validation';

export const IMPORT_MODES = ['atomic', 'partial', 'validate'] as const;
/** atomic: nothing is stored if any feature is refused; partial: the valid ones are stored; validate: nothing is stored. */
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ImportReport {
  mode: ImportMode;
  /** Whether anything was written. */
  stored: boolean;
  received: number;
  accepted: number;
  refused: number;
  created: number;
  updated: number;
  problems: FeatureProblem[];
  /** Overlaps and gaps between siblings, over the hierarchy as it is (or would be) after the import. */
  topology: { overlaps: Overlap[]; gaps: Gap[] };
}

export interface LocateChainItem {
  code: string;
  name: string;
  level: GridLevel;
  levelName: { zh: string; en: string };
}

/** Import, export and lookup of the grid hierarchy (docs/domain/governance.md, "Grids and codes"). */
@Injectable()
export class GridHierarchyService {
  private readonly logger = new Logger(GridHierarchyService.name);

  constructor(
    private readonly grids: GridRepository,
    private readonly locator: GridLocatorService,
    private readonly clock: Clock,
  ) {}

  async import(body: unknown, mode: ImportMode): Promise<ImportReport> {
    const collection = body as FeatureCollection;
    if (typeof body !== 'object' || body === null || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
      throw new BadRequestException('the body must be a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})');
    }
    if (collection.features.length === 0) throw new BadRequestException('the FeatureCollection has no features');
    const problems: FeatureProblem[] = [];
    const parsed: GridArea[] = [];
    const indexOf = new Map<string, number>();
    collection.features.forEach((feature, i) => {
      const { area, problem } = parseFeature(feature, i);
      if (problem) return problems.push(problem);
      if (indexOf.has(area!.code)) {
        return problems.push({
          index: i,
          code: area!.code,
          reasons: [{ reason: 'duplicate_code', message: `code ${area!.code} already appears in feature ${indexOf.get(area!.code)}` }],
        });
      }
      indexOf.set(area!.code, i);
      parsed.push(area!);
    });
    const stored = await this.grids.nodes();
    const known = new Map(stored.map((n) => [n.code, n]));
    // A refused feature's code does not count as a parent: features below it are refused too.
    const refusedCodes = new Set(problems.map((p) => p.code).filter((c): c is string => !!c));
    const refusedNew = new Set([...refusedCodes].filter((c) => !known.has(c)));
    let accepted = checkParents(parsed, known, problems, indexOf, refusedNew);
    accepted = await this.checkDepartments(accepted, problems, indexOf);
    problems.sort((a, b) => a.index - b.index);

    const willStore = mode === 'partial' ? accepted.length > 0 : mode === 'atomic' && problems.length === 0;
    const topology = await this.topology(accepted);
    const created = accepted.filter((a) => !known.has(a.code)).length;
    if (willStore) {
      await this.grids.upsertMany(accepted, this.clock.now());
      await this.locator.reload();
      this.logger.log(`grids imported: ${accepted.length} (${created} new), ${problems.length} refused`);
    }
    return {
      mode,
      stored: willStore,
      received: collection.features.length,
      accepted: accepted.length,
      refused: collection.features.length - accepted.length,
      created: willStore ? created : 0,
      updated: willStore ? accepted.length - created : 0,
      problems,
      topology,
    };
  }

  private async checkDepartments(areas: GridArea[], problems: FeatureProblem[], indexOf: Map<string, number>): Promise<GridArea[]> {
    const wanted = [...new Set(areas.map((a) => a.responsible?.departmentCode).filter((c): c is string => !!c))];
    const existing = await this.grids.existingDepartments(wanted);
    return areas.filter((a) => {
      const dept = a.responsible?.departmentCode;
      if (!dept || existing.has(dept)) return true;
      problems.push({
        index: indexOf.get(a.code) ?? -1,
        code: a.code,
        reasons: [{ reason: 'bad_responsible', message: `responsible.departmentCode ${dept} is not a department (GET /api/v1/departments)` }],
      });
      return false;
    });
  }

  /** Overlaps and gaps among the siblings the import touches, with the stored grids merged in. */
  private async topology(accepted: GridArea[]): Promise<ImportReport['topology']> {
    if (accepted.length === 0) return { overlaps: [], gaps: [] };
    const all = new Map((await this.grids.list()).map((a) => [a.code, a]));
    for (const a of accepted) all.set(a.code, a);
    const touchedParents = new Set(accepted.map((a) => a.parentCode));
    const groups = new Map<string | null, GridArea[]>();
    for (const a of all.values()) {
      if (!touchedParents.has(a.parentCode)) continue;
      const group = groups.get(a.parentCode) ?? [];
      group.push(a);
      groups.set(a.parentCode, group);
    }
    // Parentless districts are not siblings of one another unless they are in the same import.
    const topLevel = groups.get(null);
    if (topLevel) groups.set(null, topLevel.filter((a) => accepted.some((x) => x.code === a.code)));
    const parents = new Map([...all.values()].filter((a) => touchedParents.has(a.code)).map((a) => [a.code, a]));
    return topologyReport(groups, parents);
  }

  /** The hierarchy at a level (and under a parent) as a FeatureCollection that `import` accepts unchanged. */
  async export(level: GridLevel, parent?: string): Promise<FeatureCollection<Polygon | MultiPolygon>> {
    if (parent && !(await this.grids.find(parent))) throw new NotFoundException(`grid ${parent} does not exist`);
    const areas = await this.grids.list(level, parent);
    return {
      type: 'FeatureCollection',
      features: areas.map(
        (a): Feature<Polygon | MultiPolygon> => ({
          type: 'Feature',
          id: a.code,
          geometry: a.geometry,
          properties: {
            code: a.code,
            name: a.name,
            level: a.level,
            parentCode: a.parentCode,
            ...(a.responsible ? { responsible: a.responsible } : {}),
          },
        }),
      ),
    };
  }

  /** The chain of codes and names from the city (or district) down to the unit grid containing the point. */
  locate(lon: number, lat: number): { lon: number; lat: number; gridCode: string; chain: LocateChainItem[]; responsible: ResponsibleAnswer } {
    const code = this.locator.locate(lon, lat);
    if (!code) throw new NotFoundException(`no unit grid contains lon ${lon}, lat ${lat}: the point is outside the city's grids`);
    const chain = this.locator.chain(code).map((n) => ({ code: n.code, name: n.name, level: n.level, levelName: GRID_LEVEL_NAMES[n.level] }));
    return { lon, lat, gridCode: code, chain, responsible: this.locator.responsibleFor(code) };
  }

  async responsible(code: string): Promise<ResponsibleAnswer> {
    if (!this.locator.node(code)) {
      await this.locator.refreshIfChanged();
      if (!this.locator.node(code)) throw new NotFoundException(`grid ${code} does not exist`);
    }
    return this.locator.responsibleFor(code);
  }
}
