import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SENSOR_FAMILIES, SensorFamily } from '@gridhub/contracts';
import { TIME_OF_DAY } from './rule-schedule';
import { bureauOf, RATE_DIRECTIONS, RATE_UNITS, RateDirection, RateUnit, RULE_ACTIONS, RULE_KINDS, RuleAction, RuleDefinition, RuleKind } from './rule.types';
import { Bureau, BUREAUS, WARNING_COLOURS, WarningColour } from '@gridhub/contracts';

const number = { allowNaN: false, allowInfinity: false };

export class RuleScheduleDto {
  @ApiPropertyOptional({ description: 'ISO weekdays, Monday = 1 … Sunday = 7', example: [1, 2, 3, 4, 5] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true, message: 'schedule.days must hold whole weekdays 1–7' })
  @Min(1, { each: true, message: 'schedule.days must hold weekdays 1 (Monday) to 7 (Sunday)' })
  @Max(7, { each: true, message: 'schedule.days must hold weekdays 1 (Monday) to 7 (Sunday)' })
  days?: number[];

  @ApiPropertyOptional({ description: 'start, HH:MM Asia/Shanghai', example: '08:00' })
  @IsOptional()
  @Matches(TIME_OF_DAY, { message: 'schedule.from must be HH:MM' })
  from?: string;

  @ApiPropertyOptional({ description: 'end (exclusive), HH:MM Asia/Shanghai; earlier than from = over midnight', example: '20:00' })
  @IsOptional()
  @Matches(TIME_OF_DAY, { message: 'schedule.to must be HH:MM' })
  to?: string;
}

export class RuleScopeDto {
  @ApiPropertyOptional({ example: 'air-001' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'scope.deviceId must be a device id' })
  deviceId?: string;

  @ApiPropertyOptional({ description: 'a unit grid, community, street or district code: the grid and everything below it', example: '140106001' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'scope.gridCode must be a 6, 9, 12 or 15-digit grid code' })
  gridCode?: string;
}

/** A rule as POSTed or PUT. */
export class RuleDto {
  @ApiProperty({ example: 'PM2.5 重度污染持续 10 分钟' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'PM2.5 heavy pollution for 10 min' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  nameEn?: string;

  @ApiProperty({ enum: SENSOR_FAMILIES })
  @IsIn(SENSOR_FAMILIES, { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family!: SensorFamily;

  @ApiPropertyOptional({ description: 'metric watched (above, below, rate_of_change; optional for no_data)', example: 'pm25' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,40}$/, { message: 'metric must be a metric name such as pm25' })
  metric?: string;

  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS, { message: `kind must be one of ${RULE_KINDS.join(', ')}` })
  kind!: RuleKind;

  @ApiPropertyOptional({ description: 'raise level: value, rate, minutes (no_data), AQI level (aqi_level) or target class (water_class)' })
  @IsOptional()
  @IsNumber(number, { message: 'threshold must be a number' })
  threshold?: number;

  @ApiPropertyOptional({ description: 'hysteresis: the level at which an active alert clears (default: the raise level)' })
  @IsOptional()
  @IsNumber(number, { message: 'clearThreshold must be a number' })
  clearThreshold?: number;

  @ApiPropertyOptional({ enum: RATE_UNITS })
  @IsOptional()
  @IsIn(RATE_UNITS, { message: `ratePer must be one of ${RATE_UNITS.join(', ')}` })
  ratePer?: RateUnit;

  @ApiPropertyOptional({ enum: RATE_DIRECTIONS, default: 'rise' })
  @IsOptional()
  @IsIn(RATE_DIRECTIONS, { message: `rateDirection must be one of ${RATE_DIRECTIONS.join(', ')}` })
  rateDirection?: RateDirection;

  @ApiPropertyOptional({ description: 'raise only when breaching continuously this many seconds', default: 0 })
  @IsOptional()
  @IsInt({ message: 'durationS must be a whole number of seconds' })
  @Min(0, { message: 'durationS must be ≥ 0' })
  @Max(604800, { message: 'durationS must be at most 604800 (a week)' })
  durationS?: number;

  @ApiPropertyOptional({ type: RuleScheduleDto })
  @IsOptional()
  @IsObject({ message: 'schedule must be an object' })
  @ValidateNested()
  @Type(() => RuleScheduleDto)
  schedule?: RuleScheduleDto;

  @ApiPropertyOptional({ type: RuleScopeDto })
  @IsOptional()
  @IsObject({ message: 'scope must be an object' })
  @ValidateNested()
  @Type(() => RuleScopeDto)
  scope?: RuleScopeDto;

  @ApiProperty({ enum: WARNING_COLOURS })
  @IsIn(WARNING_COLOURS, { message: `severity must be one of ${WARNING_COLOURS.join(', ')}` })
  severity!: WarningColour;

  @ApiPropertyOptional({ enum: RULE_ACTIONS, default: 'notify' })
  @IsOptional()
  @IsIn(RULE_ACTIONS, { message: `actions must be one of ${RULE_ACTIONS.join(', ')}` })
  actions?: RuleAction;

  @ApiPropertyOptional({ enum: BUREAUS, description: 'default: environment for air, water for water' })
  @IsOptional()
  @IsIn(BUREAUS, { message: `notifyBureau must be one of ${BUREAUS.join(', ')}` })
  notifyBureau?: Bureau;

  @ApiPropertyOptional({ example: 'air_pollution' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { message: 'incidentCategory must be a category code such as air_pollution' })
  incidentCategory?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export function toRuleDefinition(dto: RuleDto): RuleDefinition {
  const actions = dto.actions ?? 'notify';
  return {
    name: dto.name,
    nameEn: dto.nameEn ?? null,
    family: dto.family,
    metric: dto.metric ?? null,
    kind: dto.kind,
    threshold: dto.threshold ?? null,
    clearThreshold: dto.clearThreshold ?? null,
    ratePer: dto.ratePer ?? null,
    rateDirection: dto.rateDirection ?? (dto.kind === 'rate_of_change' ? 'rise' : null),
    durationS: dto.durationS ?? 0,
    schedule: dto.schedule && (dto.schedule.days || dto.schedule.from || dto.schedule.to) ? { ...dto.schedule } : null,
    scope: { deviceId: dto.scope?.deviceId ?? null, gridCode: dto.scope?.gridCode ?? null },
    severity: dto.severity,
    actions,
    notifyBureau: dto.notifyBureau ?? (actions !== 'incident' ? bureauOf(dto.family) : null),
    incidentCategory: dto.incidentCategory ?? null,
    enabled: dto.enabled ?? true,
  };
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListRulesQuery {
  @ApiPropertyOptional({ enum: SENSOR_FAMILIES })
  @IsOptional()
  @IsIn(SENSOR_FAMILIES, { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family?: SensorFamily;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}
