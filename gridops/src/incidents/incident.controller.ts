import { Body, Controller, ForbiddenException, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiCreated, ApiOk, CurrentUser, Roles, z } from '@gridhub/ingest';
import {
  candidateListSchema,
  candidateSchema,
  createdIncidentSchema,
  duplicateListSchema,
  duplicateSchema,
  incidentDetailSchema,
  incidentEventListSchema,
  incidentEventSchema,
  incidentPageSchema,
  IncidentResponse,
  IncidentRowOnWire,
  incidentSchema,
} from './incident.schema';
import { INCIDENT_ACTIONS, refusalOf } from '@gridhub/contracts';
import { RankedCandidate } from '../dispatch/dispatch-policy';
import { isFieldRole } from '@gridhub/contracts';
import { COMMAND_CENTRE_ROLES } from './incident-access';
import { CreateIncidentDto, IncidentActionDto, ListIncidentsQuery } from './incident.dto';
import { DuplicateCandidate } from './incident.repository';
import { IncidentService } from './incident.service';
import { Actor, Incident, IncidentEventRow } from './incident.types';

/** 138****5678 / z***@example.com: contact data shown in full only to the command centre (脱敏). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return digits.length < 7 ? '****' : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const [user, domain] = email.split('@');
  return `${(user ?? '').slice(0, 1)}***@${domain ?? ''}`;
}

export function presentIncident(i: Incident, actor: Actor): IncidentResponse {
  const full = COMMAND_CENTRE_ROLES.includes(actor.role);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(i)) out[key] = value instanceof Date ? value.toISOString() : value;
  return {
    ...(out as IncidentRowOnWire),
    // What the caller may do now, by the same rules the actions endpoint applies (clients need not guess).
    allowedActions: INCIDENT_ACTIONS.filter((action) => refusalOf(action, i, actor) === null),
    reporterName: full ? i.reporterName : i.reporterName ? `${i.reporterName.slice(0, 1)}**` : null,
    reporterPhone: full ? i.reporterPhone : maskPhone(i.reporterPhone),
    reporterEmail: full ? i.reporterEmail : maskEmail(i.reporterEmail),
  };
}

export function presentEvent(e: IncidentEventRow): z.infer<typeof incidentEventSchema> {
  return { ...e, id: Number(e.id), at: e.at.toISOString() };
}

const presentDuplicate = (d: DuplicateCandidate): z.infer<typeof duplicateSchema> => ({ ...d, createdAt: d.createdAt.toISOString() });

const presentCandidate = (c: RankedCandidate): z.infer<typeof candidateSchema> => ({
  workerId: c.id,
  name: c.name,
  status: c.status,
  distanceM: c.distanceM,
  openTasks: c.openTasks,
  skillMatch: c.skillMatch,
  primaryHere: c.primaryHere,
  backupHere: c.backupHere,
  departmentCode: c.departmentCode,
  reason: c.reason,
});

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentController {
  constructor(private readonly incidents: IncidentService) {}

  /** 信息收集: a worker's patrol report, or a public / 12345 report or task from above entered by the command centre. */
  @Post()
  @Roles('admin', 'dispatcher', 'shift_lead', 'grid_worker', 'supervisor', 'bureau_analyst')
  @ApiCreated(createdIncidentSchema)
  async create(@Body() body: CreateIncidentDto, @CurrentUser() actor: Actor) {
    const source = body.source ?? (isFieldRole(actor.role) ? 'patrol' : actor.role === 'bureau_analyst' ? 'superior' : 'public');
    if (isFieldRole(actor.role) && source !== 'patrol') throw new ForbiddenException('a grid worker or supervisor reports from patrol (source patrol)');
    if (actor.role === 'bureau_analyst' && source !== 'superior') throw new ForbiddenException('a bureau assigns tasks from above (source superior)');
    if (COMMAND_CENTRE_ROLES.includes(actor.role) && source === 'patrol') throw new ForbiddenException('patrol reports come from grid workers');
    const { incident, duplicates } = await this.incidents.report(
      {
        ...(body.category !== undefined ? { category: body.category } : {}),
        ...(body.lon !== undefined ? { lon: body.lon } : {}),
        ...(body.lat !== undefined ? { lat: body.lat } : {}),
        componentId: body.componentId ?? null,
        source,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.priority ? { priority: body.priority } : {}),
        reporterName: body.reporterName ?? null,
        reporterPhone: body.reporterPhone ?? null,
        reporterEmail: body.reporterEmail ?? null,
      },
      actor,
    );
    return { ...presentIncident(incident, actor), duplicates: duplicates.map(presentDuplicate) };
  }

  @Get()
  @ApiOk(incidentPageSchema)
  async list(@Query() q: ListIncidentsQuery, @CurrentUser() user: Actor) {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const areaCode = q.gridCode ?? q.districtCode;
    const { items, total } = await this.incidents.list(
      {
        limit,
        offset,
        ...(q.status?.length ? { status: q.status as never } : {}),
        ...(q.priority?.length ? { priority: q.priority } : {}),
        ...(q.category?.length ? { category: q.category } : {}),
        ...(areaCode ? { areaCode } : {}),
        ...(q.assignee ? { assigneeWorkerId: q.assignee } : {}),
        ...(q.overdue ? { overdue: q.overdue === 'true' } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
      },
      user,
    );
    return { items: items.map((i) => presentIncident(i, user)), total, limit, offset };
  }

  @Get(':id')
  @ApiOk(incidentDetailSchema)
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor) {
    const incident = await this.incidents.get(id, user);
    const events = await this.incidents.history(id, user);
    return { ...presentIncident(incident, user), events: events.map(presentEvent) };
  }

  /** The trail (全程留痕): every step with actor, time, place, note and photos, oldest first. */
  @Get(':id/history')
  @ApiOk(incidentEventListSchema)
  async history(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor) {
    const items = (await this.incidents.history(id, user)).map(presentEvent);
    return { items, total: items.length };
  }

  /** Open incidents of the same category nearby and recent: candidates to merge. */
  @Get(':id/duplicates')
  @ApiOk(duplicateListSchema)
  async duplicates(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor) {
    const incident = await this.incidents.get(id, user);
    const items = (await this.incidents.duplicates(incident)).map(presentDuplicate);
    return { items, total: items.length };
  }

  /** Workers ranked for a dispatch (the dispatcher's override): distance, load, why. */
  @Get(':id/suggestions')
  @Roles('admin', 'dispatcher', 'shift_lead')
  @ApiOk(candidateListSchema)
  async suggestions(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor) {
    const items = (await this.incidents.suggestions(id, user)).slice(0, 50).map(presentCandidate);
    return { items, total: items.length };
  }

  /** One step of the loop: `{ "action": "accept" }`, `{ "action": "check_in", "lon": …, "lat": … }`, … */
  @Post(':id/actions')
  @HttpCode(200)
  @ApiOk(incidentSchema)
  async act(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: IncidentActionDto, @CurrentUser() user: Actor) {
    const { action, ...rest } = body;
    const input = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return presentIncident(await this.incidents.act(id, { action, ...input }, user), user);
  }
}
