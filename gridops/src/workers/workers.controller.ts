import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { WorkerRepository } from './worker.repository';

@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/v1/workers')
export class WorkersController {
  constructor(private readonly workers: WorkerRepository) {}

  @Get()
  async list() {
    const items = (await this.workers.list()).map((w) => ({ ...w, gridCode: w.gridCodes[0] ?? null }));
    return { items, total: items.length };
  }
}
