import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '../common/clock';
import { ReadingsQuery } from './readings.dto';
import { ReadingsRepository } from './readings.repository';

const DAY_MS = 24 * 3600_000;

@ApiTags('readings')
@ApiBearerAuth()
@Controller('api/v1/readings')
export class ReadingsController {
  constructor(
    private readonly readings: ReadingsRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query() query: ReadingsQuery) {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - DAY_MS);
    if (from >= to) throw new BadRequestException('from must be before to');
    const rows = await this.readings.query({
      deviceId: query.deviceId,
      from,
      to,
      limit: query.limit ?? 1000,
      ...(query.metric ? { metric: query.metric } : {}),
    });
    const items = rows.map((r) => ({
      time: r.time.toISOString(),
      metric: r.metric,
      value: r.value,
      receivedAt: r.receivedAt.toISOString(),
      flags: r.flags,
    }));
    return { items, total: items.length };
  }
}
