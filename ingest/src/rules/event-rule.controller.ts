import { ApiOk } from '../common/api-schema';
import { eventRuleListSchema, eventRuleSchema } from './rule.schema';
import { Body, Controller, Get, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MONITOR_ROLES } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { EventRuleService } from './event-rule.service';
import { WARNING_COLOURS, WarningColour } from '@gridhub/contracts';

export class EventRuleDto {
  @ApiProperty({ example: '暴露垃圾' })
  @IsString()
  @Length(1, 100)
  nameZh!: string;

  @ApiProperty({ example: 'Exposed garbage' })
  @IsString()
  @Length(1, 100)
  nameEn!: string;

  @ApiProperty({ description: 'detections below this confidence raise nothing', example: 0.6 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'minConfidence must be a number' })
  @Min(0, { message: 'minConfidence must be between 0 and 1' })
  @Max(1, { message: 'minConfidence must be between 0 and 1' })
  minConfidence!: number;

  @ApiPropertyOptional({ example: 'garbage_exposed', description: 'incident category filed; absent = alert only' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { message: 'incidentCategory must be a category code such as garbage_exposed' })
  incidentCategory?: string;

  @ApiProperty({ enum: WARNING_COLOURS })
  @IsIn(WARNING_COLOURS, { message: `severity must be one of ${WARNING_COLOURS.join(', ')}` })
  severity!: WarningColour;

  @ApiProperty({ description: 'repeats within this many seconds merge', example: 1800 })
  @IsInt({ message: 'mergeWindowS must be a whole number of seconds' })
  @Min(0, { message: 'mergeWindowS must be between 0 and 604800' })
  @Max(604800, { message: 'mergeWindowS must be between 0 and 604800' })
  mergeWindowS!: number;

  @ApiProperty({ description: 'detections within this many metres of an open alert merge', example: 30 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'mergeRadiusM must be a number' })
  @Min(0, { message: 'mergeRadiusM must be between 0 and 10000' })
  @Max(10000, { message: 'mergeRadiusM must be between 0 and 10000' })
  mergeRadiusM!: number;

  @ApiProperty()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled!: boolean;
}

/** Event rules: one per video detection type and emergency alarm type (seeded; edited, not created). */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1/event-rules')
export class EventRuleController {
  constructor(private readonly events: EventRuleService) {}

  @Get()
  @Roles(...MONITOR_ROLES)
  @ApiOk(eventRuleListSchema)
  async list() {
    const items = await this.events.list();
    return { items, total: items.length };
  }

  @Put(':type')
  @Roles('admin', 'bureau_analyst')
  @ApiOk(eventRuleSchema)
  async replace(@Param('type') type: string, @Body() body: EventRuleDto) {
    const rule = await this.events.update(type, { ...body, incidentCategory: body.incidentCategory ?? null });
    if (!rule) throw new NotFoundException(`no event rule for type ${type}`);
    return rule;
  }
}
