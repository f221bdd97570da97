import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { INCIDENT_STATUSES, IncidentStatus } from './incident-status';
import { IncidentService } from './incident.service';
import { Incident } from './incident.types';

export class ListIncidentsQuery {
  @ApiPropertyOptional({ enum: ['open', ...INCIDENT_STATUSES] })
  @IsOptional()
  @IsIn(['open', ...INCIDENT_STATUSES])
  status?: IncidentStatus | 'open';

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit unit grid code' })
  gridCode?: string;

  @ApiPropertyOptional({ default: 500, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function present(i: Incident) {
  return { ...i, createdAt: i.createdAt.toISOString(), dispatchedAt: iso(i.dispatchedAt), dueAt: iso(i.dueAt) };
}

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentService) {}

  @Get()
  async list(@Query() query: ListIncidentsQuery) {
    const items = (
      await this.incidents.list({
        limit: query.limit ?? 500,
        ...(query.status ? { status: query.status } : {}),
        ...(query.gridCode ? { gridCode: query.gridCode } : {}),
      })
    ).map(present);
    return { items, total: items.length };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const found = await this.incidents.find(id);
    if (!found) throw new NotFoundException(`incident ${id} not found`);
    return { ...present(found.incident), events: found.events.map((e) => ({ ...e, at: e.at.toISOString() })) };
  }
}
