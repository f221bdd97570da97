import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { ApiText } from '@gridhub/ingest';
import { Public } from '../auth/public.decorator';

// Process metrics once per process, however many hubs a test starts.
if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ prefix: '' });

@ApiTags('metrics')
@Public()
@Controller('metrics')
export class MetricsController {
  /** Prometheus text exposition of the hub's counters and the process metrics. */
  @Get()
  @ApiText('text/plain', 'Prometheus text exposition (version 0.0.4)')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
