import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { GridResolver } from '@gridhub/ingest';
import { GridIndex } from './grid-index';
import { GridNode, GridRepository } from './grid.repository';
import { ResponsibleParty } from './grid.types';

/** How often an instance checks whether another instance imported grids (its own imports reload at once). */
export const GRID_REFRESH_INTERVAL_MS = 15_000;

export interface ResponsibleAnswer {
  /** The grid asked about. */
  code: string;
  /** The grid whose responsible party applies: the grid itself, or the nearest ancestor that has one (属地兜底). */
  fromCode: string | null;
  inherited: boolean;
  responsible: ResponsibleParty | null;
}

/**
 * Finds the unit grid of a point from an in-memory index of all unit grids, and the chain of codes and names
 * above any grid. Rebuilt after an import on this instance and, on the others, within GRID_REFRESH_INTERVAL_MS
 * (they compare a fingerprint of the grids table).
 */
@Injectable()
export class GridLocatorService extends GridResolver implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GridLocatorService.name);
  private index = new GridIndex([]);
  private nodes = new Map<string, GridNode>();
  private version = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly grids: GridRepository) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.refreshIfChanged().catch((error: Error) => this.logger.warn(`grid refresh check failed: ${error.message}`));
    }, GRID_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    const version = await this.grids.version();
    const [unitGrids, nodes] = await Promise.all([this.grids.list('grid'), this.grids.nodes()]);
    this.index = new GridIndex(unitGrids);
    this.nodes = new Map(nodes.map((n) => [n.code, n]));
    this.version = version;
  }

  async refreshIfChanged(): Promise<boolean> {
    if ((await this.grids.version()) === this.version) return false;
    await this.reload();
    return true;
  }

  get size(): number {
    return this.index.size;
  }

  locate(lon: number, lat: number): string | null {
    return this.index.locate(lon, lat);
  }

  /** The grid and its ancestors, from the top of the hierarchy (city or district) down to `code`. */
  chain(code: string): GridNode[] {
    const chain: GridNode[] = [];
    for (let at = this.nodes.get(code); at && chain.length < 8; at = at.parentCode ? this.nodes.get(at.parentCode) : undefined) {
      chain.unshift(at);
    }
    return chain;
  }

  node(code: string): GridNode | undefined {
    return this.nodes.get(code);
  }

  /** 属地兜底: a grid without a responsible party falls to its nearest ancestor that has one. */
  responsibleFor(code: string): ResponsibleAnswer {
    const chain = this.chain(code);
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i]!;
      if (node.responsible) return { code, fromCode: node.code, inherited: node.code !== code, responsible: node.responsible };
    }
    return { code, fromCode: null, inherited: false, responsible: null };
  }
}
