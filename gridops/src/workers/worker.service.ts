import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { WorkerRepository } from './worker.repository';
import { DutyShift, GridWorker, WorkerFilter, WorkerStatus } from './worker.types';

@Injectable()
export class WorkerService {
  constructor(
    private readonly workers: WorkerRepository,
    private readonly clock: Clock,
  ) {}

  list(filter: WorkerFilter): Promise<GridWorker[]> {
    return this.workers.list(filter, this.clock.now());
  }

  async get(id: string): Promise<GridWorker> {
    const worker = await this.workers.find(id, this.clock.now());
    if (!worker) throw new NotFoundException(`worker ${id} does not exist`);
    return worker;
  }

  async setStatus(id: string, status: WorkerStatus, onDuty?: boolean): Promise<GridWorker> {
    if (!(await this.workers.setStatus(id, status))) throw new NotFoundException(`worker ${id} does not exist`);
    if (onDuty !== undefined) await this.workers.setOnDuty(id, onDuty);
    return this.get(id);
  }

  async setShifts(id: string, shifts: DutyShift[]): Promise<GridWorker> {
    await this.get(id);
    for (const s of shifts) {
      if (s.starts === s.ends) throw new BadRequestException(`the shift on weekday ${s.weekday} starts and ends at ${s.starts}`);
    }
    await this.workers.setShifts(id, shifts);
    return this.get(id);
  }

  async setGrids(id: string, primary: string[], backup: string[]): Promise<GridWorker> {
    await this.get(id);
    const missing = await this.workers.missingGrids([...primary, ...backup]);
    if (missing.length > 0) throw new BadRequestException(`these grids do not exist: ${missing.join(', ')}`);
    await this.workers.setGrids(id, [...new Set(primary)], [...new Set(backup)]);
    return this.get(id);
  }
}
