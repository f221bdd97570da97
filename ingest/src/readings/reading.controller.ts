import { ApiOk, openApiSchema, z } from '../common/api-schema';
import { latestSchema, seriesSchema } from './reading.schema';
import { BadRequestException, Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock } from '../common/clock';
import { parseBbox, presentDevice } from '../devices/device.controller';
import { AreaQuery } from '../devices/device.dto';
import { LatestRepository } from './latest.repository';
import { AreaSeriesQuery, SeriesQuery } from './reading.dto';
import { SeriesRequest, TimeseriesRequestError, TimeseriesService, toCsv, UnknownDeviceError } from './timeseries.service';

const DAY_MS = 86_400_000;
/** JSON, or CSV with `format=csv`. */
const SERIES_ANSWER = { content: { 'application/json': { schema: openApiSchema(seriesSchema) }, 'text/csv': { schema: { type: 'string' } } } } as const;

@ApiTags('readings')
@ApiBearerAuth()
@Controller('api/v1')
export class ReadingController {
  constructor(
    private readonly timeseries: TimeseriesService,
    private readonly latest: LatestRepository,
    private readonly clock: Clock,
  ) {}

  /** One device's readings, raw or bucketed; `format=csv` for a download. */
  @Get('devices/:id/readings')
  @ApiOkResponse(SERIES_ANSWER)
  async device(@Param('id') id: string, @Query() query: SeriesQuery, @Res({ passthrough: true }) res: Response) {
    return this.answer({ id }, query, res);
  }

  /** Several devices' readings of one metric, by deviceId, grid (any level) or bbox. */
  @Get('readings')
  @ApiOkResponse(SERIES_ANSWER)
  async area(@Query() query: AreaSeriesQuery, @Res({ passthrough: true }) res: Response) {
    const bbox = parseBbox(query.bbox);
    const selector = query.deviceId
      ? { id: query.deviceId }
      : { ...(query.gridCode ? { gridCode: query.gridCode } : {}), ...(bbox ? { bbox } : {}) };
    return this.answer(selector, query, res);
  }

  /** The latest value of every metric per device, as GeoJSON points for the map. */
  @Get('latest')
  @ApiOk(latestSchema)
  async latestValues(@Query() query: AreaQuery): Promise<z.infer<typeof latestSchema>> {
    const bbox = parseBbox(query.bbox);
    const rows = await this.latest.list({
      ...(query.family ? { family: query.family } : {}),
      ...(query.gridCode ? { gridCode: query.gridCode } : {}),
      ...(bbox ? { bbox } : {}),
    });
    return {
      type: 'FeatureCollection' as const,
      features: rows.map(({ device, readings }) => ({
        type: 'Feature' as const,
        id: device.id,
        geometry: { type: 'Point' as const, coordinates: [device.lon, device.lat] as [number, number] },
        properties: {
          ...presentDevice(device),
          readings: Object.fromEntries(Object.entries(readings).map(([metric, v]) => [metric, { value: v.value, time: v.time.toISOString() }])),
        },
      })),
    };
  }

  private async answer(devices: SeriesRequest['devices'], query: SeriesQuery, res: Response) {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - DAY_MS);
    try {
      const result = await this.timeseries.query({ devices, metric: query.metric ?? null, from, to, bucket: query.bucket ?? 'raw' });
      if (query.format !== 'csv') return result;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="readings-${from.toISOString().slice(0, 10)}.csv"`);
      return toCsv(result);
    } catch (error) {
      if (error instanceof TimeseriesRequestError) throw new BadRequestException(error.message);
      if (error instanceof UnknownDeviceError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
