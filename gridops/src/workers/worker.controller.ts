import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiOk, Clock, CurrentUser, iso, openApiSchema, Roles, z } from '@gridhub/ingest';
import { storedPositionSchema, trailSchema, workerListSchema, WorkerResponse, workerSchema } from './worker.schema';
import { WorkerLocationService } from './worker-location.service';
import { WorkerService } from './worker.service';
import { GridWorker, WORKER_STATUSES, WorkerStatus } from './worker.types';

/** What the hub's auth guard puts on the request (hub/src/auth/account.types.ts `Principal`). */
interface RequestUser {
  sub: string;
  role: string;
  workerId: string | null;
}

export function presentWorker(w: GridWorker): WorkerResponse {
  return { ...w, locationAt: iso(w.locationAt) };
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const GRID_CODE = /^\d{6}(\d{3}){0,3}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const STAFF = ['admin', 'dispatcher', 'shift_lead'];

export class ListWorkersQuery {
  @ApiPropertyOptional({ description: 'workers covering this grid or any grid under it (community/street/district code)' })
  @IsOptional()
  @Matches(GRID_CODE, { message: 'grid must be a grid code (6, 9, 12 or 15 digits)' })
  grid?: string;

  @ApiPropertyOptional({ enum: WORKER_STATUSES })
  @IsOptional()
  @IsIn(WORKER_STATUSES, { message: `status must be one of ${WORKER_STATUSES.join(', ')}` })
  status?: WorkerStatus;

  @ApiPropertyOptional({ description: 'on duty now (clocked in, not off, inside a shift)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'onDuty must be true or false' })
  onDuty?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'department must be a department code' })
  department?: string;
}

export class LocationBody {
  @ApiProperty({ example: 112.5466 })
  @IsLongitude({ message: 'lon must be a longitude in degrees (-180…180)' })
  lon!: number;

  @ApiProperty({ example: 37.8555 })
  @IsLatitude({ message: 'lat must be a latitude in degrees (-90…90)' })
  lat!: number;

  @ApiPropertyOptional({ description: 'the tablet’s time of the fix (ISO 8601 with offset); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'ts must be an ISO 8601 time' })
  @Matches(/([zZ]|[+-]\d\d:?\d\d)$/, { message: 'ts must carry an offset (e.g. +08:00)' })
  ts?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({}, { message: 'accuracyM must be a number of metres' })
  @Min(0)
  accuracyM?: number;
}

export class TrailQuery {
  @ApiPropertyOptional({ default: 100, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(5000)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time' })
  since?: string;
}

export class StatusBody {
  @ApiProperty({ enum: WORKER_STATUSES })
  @IsIn(WORKER_STATUSES, { message: `status must be one of ${WORKER_STATUSES.join(', ')}` })
  status!: WorkerStatus;

  @ApiPropertyOptional({ description: 'clock in (true) or out (false)' })
  @IsOptional()
  @IsBoolean()
  onDuty?: boolean;
}

export class ShiftDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ example: '08:00' })
  @Matches(TIME, { message: 'starts must be HH:MM' })
  starts!: string;

  @ApiProperty({ example: '17:30', description: 'before starts: the shift ends the next day' })
  @Matches(TIME, { message: 'ends must be HH:MM' })
  ends!: string;
}

export class ShiftsBody {
  @ApiProperty({ type: [ShiftDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ShiftDto)
  shifts!: ShiftDto[];
}

export class GridsBody {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(GRID_CODE, { each: true, message: 'primary must list grid codes' })
  primary!: string[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(GRID_CODE, { each: true, message: 'backup must list grid codes' })
  backup!: string[];
}

@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/v1/workers')
export class WorkerController {
  constructor(
    private readonly workers: WorkerService,
    private readonly locations: WorkerLocationService,
    private readonly clock: Clock,
  ) {}

  /** Grid workers with their grids (primary, backup), status, on-duty state, skills, location and workload. */
  @Get()
  @ApiOk(workerListSchema)
  async list(@Query() query: ListWorkersQuery): Promise<z.infer<typeof workerListSchema>> {
    const items = (await this.workers.list({ gridCode: query.grid, status: query.status, onDuty: query.onDuty, departmentCode: query.department })).map(
      (w) => ({ ...presentWorker(w), gridCode: w.primaryGridCodes[0] ?? w.gridCodes[0] ?? null }),
    );
    return { items, total: items.length };
  }

  /** The calling field account's own worker record (grid worker or supervisor). */
  @Get('me')
  @Roles('grid_worker', 'supervisor')
  @ApiOk(workerSchema)
  async me(@CurrentUser() user: RequestUser | undefined): Promise<WorkerResponse> {
    return presentWorker(await this.workers.get(ownWorker(user)));
  }

  /** A position from the worker's tablet over HTTP (the same as MQTT gridhub/v1/workers/{id}/location). */
  @Post('me/location')
  @Roles('grid_worker', 'supervisor')
  @HttpCode(202)
  @ApiResponse({ status: 202, schema: openApiSchema(storedPositionSchema) })
  async location(@CurrentUser() user: RequestUser | undefined, @Body() body: LocationBody): Promise<z.infer<typeof storedPositionSchema>> {
    const at = body.ts ? new Date(body.ts) : this.clock.now();
    const position = await this.locations.record(ownWorker(user), body.lon, body.lat, at, body.accuracyM ?? null);
    return { stored: true, ...position, at: position.at.toISOString() };
  }

  @Put('me/status')
  @Roles('grid_worker', 'supervisor')
  @ApiOk(workerSchema)
  async myStatus(@CurrentUser() user: RequestUser | undefined, @Body() body: StatusBody): Promise<WorkerResponse> {
    return presentWorker(await this.workers.setStatus(ownWorker(user), body.status, body.onDuty));
  }

  @Get(':id')
  @ApiOk(workerSchema)
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('no such worker (ids are UUIDs)') })) id: string): Promise<WorkerResponse> {
    return presentWorker(await this.workers.get(id));
  }

  /** The worker's recent positions, newest first (staff, or the worker themself). */
  @Get(':id/trail')
  @ApiOk(trailSchema)
  async trail(@CurrentUser() user: RequestUser | undefined, @Param('id', new ParseUUIDPipe()) id: string, @Query() query: TrailQuery): Promise<z.infer<typeof trailSchema>> {
    if (!user || (!STAFF.includes(user.role) && user.workerId !== id)) {
      throw new ForbiddenException('a worker’s trail is visible to dispatchers, shift leads, admins and the worker themself');
    }
    const { workerId, positions } = await this.locations.trail(id, query.limit ?? 100, query.since ? new Date(query.since) : null);
    return { workerId, positions: positions.map((p) => ({ ...p, at: p.at.toISOString() })) };
  }

  @Put(':id/status')
  @Roles('admin', 'dispatcher', 'shift_lead')
  @ApiOk(workerSchema)
  async status(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: StatusBody): Promise<WorkerResponse> {
    return presentWorker(await this.workers.setStatus(id, body.status, body.onDuty));
  }

  /** Replaces the worker's weekly duty schedule (China Standard Time). */
  @Put(':id/shifts')
  @Roles('admin', 'shift_lead')
  @ApiOk(workerSchema)
  async shifts(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ShiftsBody): Promise<WorkerResponse> {
    return presentWorker(await this.workers.setShifts(id, body.shifts));
  }

  /** Replaces the worker's primary and backup grids. */
  @Put(':id/grids')
  @Roles('admin')
  @ApiOk(workerSchema)
  async grids(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: GridsBody): Promise<WorkerResponse> {
    return presentWorker(await this.workers.setGrids(id, body.primary, body.backup));
  }
}

function ownWorker(user: RequestUser | undefined): string {
  const id = user?.workerId;
  if (!id) throw new ForbiddenException('this account is not linked to a grid worker');
  return id;
}
