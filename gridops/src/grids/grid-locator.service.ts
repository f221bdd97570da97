import { Injectable, OnModuleInit } from '@nestjs/common';
import { GridResolver } from '@gridhub/ingest';
import { GridIndex } from './grid-index';
import { GridRepository } from './grid.repository';

/** Finds the unit grid of a point from an in-memory index of all unit grids, rebuilt when grids change. */
@Injectable()
export class GridLocatorService extends GridResolver implements OnModuleInit {
  private index = new GridIndex([]);

  constructor(private readonly grids: GridRepository) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  async reload(): Promise<void> {
    this.index = new GridIndex(await this.grids.list('grid'));
  }

  locate(lon: number, lat: number): string | null {
    return this.index.locate(lon, lat);
  }
}
