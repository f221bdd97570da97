import { PageQuery } from '@gridhub/ingest';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EVALUATION_GRADES, EvaluationGrade, INCIDENT_ACTIONS, INCIDENT_STATUSES, IncidentAction, PRIORITIES, Priority, TIME_BASES, TimeBasis } from '@gridhub/contracts';

/** Sources a person can report through the API; sensor, video and emergency come from the alert intake. */
export const REPORT_SOURCES = ['patrol', 'public', 'hotline', 'superior'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

const list = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : String(value).split(',')).map((v) => String(v).trim()).filter(Boolean);

export class CreateIncidentDto {
  @ApiPropertyOptional({ example: '1401060103000001', description: 'the component (部件) it is about: routed to its owner department, the first duplicate signal; category, lon and lat default to its' })
  @IsOptional()
  @Matches(/^\d{16}$/, { message: 'componentId must be a 16-digit component identifier' })
  componentId?: string;

  @ApiProperty({ example: 'garbage_exposed', description: 'minor class code (GET /api/v1/incident-categories); optional with a componentId' })
  @ValidateIf((o: CreateIncidentDto) => o.componentId === undefined || o.category !== undefined)
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { message: 'category must be a category code such as garbage_exposed' })
  category?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiProperty({ example: 112.5512, description: 'optional with a componentId' })
  @ValidateIf((o: CreateIncidentDto) => o.componentId === undefined || o.lon !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'lon must be a number' })
  @Min(-180)
  @Max(180)
  lon?: number;

  @ApiProperty({ example: 37.8521, description: 'optional with a componentId' })
  @ValidateIf((o: CreateIncidentDto) => o.componentId === undefined || o.lat !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'lat must be a number' })
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ enum: PRIORITIES, description: 'default: the category’s' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ enum: REPORT_SOURCES, description: 'patrol for grid workers (their only choice); public, hotline (12345) or superior for the command centre' })
  @IsOptional()
  @IsIn(REPORT_SOURCES)
  source?: ReportSource;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reporterName?: string;

  @ApiPropertyOptional({ maxLength: 32 })
  @IsOptional()
  @Matches(/^\+?[0-9 -]{5,32}$/, { message: 'reporterPhone must be a phone number' })
  reporterPhone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail({}, { message: 'reporterEmail must be an e-mail address' })
  @MaxLength(254)
  reporterEmail?: string;
}

export class ListIncidentsQuery extends PageQuery(1000) {
  @ApiPropertyOptional({ description: `comma-separated: open, ${INCIDENT_STATUSES.join(', ')}` })
  @IsOptional()
  @Transform(list)
  @IsIn(['open', ...INCIDENT_STATUSES], { each: true, message: `status must be open or one of ${INCIDENT_STATUSES.join(', ')}` })
  status?: string[];

  @ApiPropertyOptional({ description: `comma-separated: ${PRIORITIES.join(', ')}` })
  @IsOptional()
  @Transform(list)
  @IsIn(PRIORITIES, { each: true, message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority?: Priority[];

  @ApiPropertyOptional({ description: 'comma-separated category codes' })
  @IsOptional()
  @Transform(list)
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { each: true, message: 'category must be category codes' })
  category?: string[];

  @ApiPropertyOptional({ description: 'a unit grid, community, street or district code: incidents in it and below it' })
  @IsOptional()
  @Matches(/^\d{6,15}$/, { message: 'gridCode must be a grid, community, street or district code (6–15 digits)' })
  gridCode?: string;

  @ApiPropertyOptional({ description: 'alias of gridCode' })
  @IsOptional()
  @Matches(/^\d{6,15}$/, { message: 'districtCode must be a code of 6–15 digits' })
  districtCode?: string;

  @ApiPropertyOptional({ description: 'worker id of the assignee' })
  @IsOptional()
  @IsUUID('all', { message: 'assignee must be a worker id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'reported at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'reported before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

}

export class IncidentActionDto {
  @ApiProperty({ enum: INCIDENT_ACTIONS })
  @IsIn(INCIDENT_ACTIONS, { message: `action must be one of ${INCIDENT_ACTIONS.join(', ')}` })
  action!: IncidentAction;

  @ApiPropertyOptional({ description: 'dispatch / request_verification: the worker chosen (default: automatic)' })
  @IsOptional()
  @IsUUID('all', { message: 'workerId must be a worker id' })
  workerId?: string;

  @ApiPropertyOptional({ description: 'reject, void, request_extension, reinspect_fail, refuse_extension, request_suspension (needed), refuse_suspension', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;

  @ApiPropertyOptional({ description: 'where the action was taken (check_in needs it)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ type: [String], description: 'ids of photos uploaded to this incident' })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: 'attachmentIds must be attachment ids' })
  attachmentIds?: string[];

  @ApiPropertyOptional({ description: 'request_extension: hours to add to the deadline (working hours when the handling limit counts working time)', minimum: 0.01, maximum: 720 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(720)
  hours?: number;

  @ApiPropertyOptional({ description: 'verify: the report is real' })
  @IsOptional()
  @IsBoolean()
  valid?: boolean;

  @ApiPropertyOptional({ enum: EVALUATION_GRADES })
  @IsOptional()
  @IsIn(EVALUATION_GRADES)
  grade?: EvaluationGrade;

  @ApiPropertyOptional({ description: 'file: dispatch automatically right after filing (default true)' })
  @IsOptional()
  @IsBoolean()
  dispatch?: boolean;
}

class HandleMinutesDto {
  @IsOptional() @IsNumber() @Min(0.001) @Max(525600) urgent?: number;
  @IsOptional() @IsNumber() @Min(0.001) @Max(525600) high?: number;
  @IsOptional() @IsNumber() @Min(0.001) @Max(525600) normal?: number;
  @IsOptional() @IsNumber() @Min(0.001) @Max(525600) low?: number;
}

class LimitBasisDto {
  @IsOptional() @IsIn(TIME_BASES) verify?: TimeBasis;
  @IsOptional() @IsIn(TIME_BASES) dispatch?: TimeBasis;
  @IsOptional() @IsIn(TIME_BASES) accept?: TimeBasis;
  @IsOptional() @IsIn(TIME_BASES) handle?: TimeBasis;
  @IsOptional() @IsIn(TIME_BASES) reinspect?: TimeBasis;
}

/** A city sets its own time limits (CJ/T 315 gives the framework); minutes, fractions allowed. */
export class UpdateCategoryDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0.001) @Max(525600) verifyMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0.001) @Max(525600) dispatchMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0.001) @Max(525600) acceptMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0.001) @Max(525600) reinspectMinutes?: number;

  @ApiPropertyOptional({ description: 'handling minutes by priority' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HandleMinutesDto)
  handleMinutes?: HandleMinutesDto;

  @ApiPropertyOptional({ description: 'per limit: working (工作时, working hours of workdays) or natural (自然时) time' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitBasisDto)
  basis?: LimitBasisDto;

  @ApiPropertyOptional({ description: '24 小时制: every limit counts natural time (emergencies)' })
  @IsOptional()
  @IsBoolean()
  aroundTheClock?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}
