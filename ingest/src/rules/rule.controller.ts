import { ApiCreated, ApiOk } from '../common/api-schema';
import { CurrentUser } from '../common/current-user';
import { ruleListSchema, RuleResponse, ruleSchema } from './rule.schema';
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MONITOR_ROLES } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { InvalidRuleError } from './rule-validation';
import { Rule } from './rule.types';
import { ListRulesQuery, RuleDto, toRuleDefinition } from './rule.dto';
import { RuleService } from './rule.service';


export function presentRule(rule: Rule): RuleResponse {
  return { ...rule, createdAt: rule.createdAt.toISOString(), updatedAt: rule.updatedAt.toISOString() };
}

const actorOf = (user: { username?: string } | undefined) => `user:${user?.username ?? 'unknown'}`;

@ApiTags('rules')
@ApiBearerAuth()
@Controller('api/v1/rules')
export class RuleController {
  constructor(private readonly rules: RuleService) {}

  @Get()
  @Roles(...MONITOR_ROLES)
  @ApiOk(ruleListSchema)
  async list(@Query() query: ListRulesQuery) {
    const items = await this.rules.list({ ...(query.family ? { family: query.family } : {}), ...(query.enabled !== undefined ? { enabled: query.enabled } : {}) });
    return { items: items.map(presentRule), total: items.length };
  }

  @Get(':id')
  @Roles(...MONITOR_ROLES)
  @ApiOk(ruleSchema)
  async get(@Param('id', ParseIntPipe) id: number) {
    const rule = await this.rules.find(id);
    if (!rule) throw new NotFoundException(`rule ${id} not found`);
    return presentRule(rule);
  }

  @Post()
  @Roles('admin', 'bureau_analyst')
  @ApiCreated(ruleSchema)
  async create(@Body() body: RuleDto) {
    return presentRule(await this.invalidAs400(() => this.rules.create(toRuleDefinition(body))));
  }

  @Put(':id')
  @Roles('admin', 'bureau_analyst')
  @ApiOk(ruleSchema)
  async replace(@Param('id', ParseIntPipe) id: number, @Body() body: RuleDto) {
    const rule = await this.invalidAs400(() => this.rules.update(id, toRuleDefinition(body)));
    if (!rule) throw new NotFoundException(`rule ${id} not found`);
    return presentRule(rule);
  }

  /** Removes a rule (kept for its alerts' history); its active alerts clear. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentUser() user: { username?: string } | undefined) {
    if (!(await this.rules.remove(id, actorOf(user)))) throw new NotFoundException(`rule ${id} not found`);
  }

  private async invalidAs400<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidRuleError) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: error.field, message: [error.message] });
      throw error;
    }
  }
}
