import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiOk, openApiSchema, z } from '@gridhub/ingest';
import { Public } from '../auth/public.decorator';
import { HealthService } from './health.service';

const check = z.object({ status: z.enum(['up', 'down']), detail: z.string().optional() });
const readiness = z.object({ status: z.enum(['ready', 'not ready']), checks: z.object({ database: check, redis: check, broker: check }) });

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @ApiOk(z.object({ status: z.literal('ok') }))
  live() {
    return { status: 'ok' };
  }

  /** Ready only when the database, Redis and the MQTT broker all answer. */
  @Get('ready')
  @ApiOk(readiness)
  @ApiResponse({ status: 503, description: 'not ready', schema: openApiSchema(readiness) })
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = await this.health.check();
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ready' : 'not ready', checks };
  }
}
