import { Injectable } from '@nestjs/common';
import { AlertService } from '../alerts/alert.service';
import { Clock } from '../common/clock';
import { RuleEvaluationService } from './rule-evaluation.service';
import { Rule, RuleDefinition } from './rule.types';
import { RuleFilter, RuleRepository } from './rule.repository';
import { validateRule } from './rule-validation';

/**
 * Rule administration: the rules as stored (list, read, create, change, remove), each checked before it is
 * written; every change reloads the rules that evaluation (RuleEvaluationService) holds in memory.
 */
@Injectable()
export class RuleService {
  constructor(
    private readonly repository: RuleRepository,
    private readonly evaluation: RuleEvaluationService,
    private readonly alerts: AlertService,
    private readonly clock: Clock,
  ) {}

  /** Reload rules (after a rule is added, changed or removed, or the grids changed). */
  invalidate(): void {
    this.evaluation.invalidate();
  }

  list(filter: RuleFilter): Promise<Rule[]> {
    return this.repository.list(filter);
  }

  find(id: number): Promise<Rule | null> {
    return this.repository.find(id);
  }

  async create(definition: RuleDefinition): Promise<Rule> {
    await validateRule(definition, this.repository);
    const id = await this.repository.insert(definition);
    this.invalidate();
    return (await this.repository.find(id))!;
  }

  async update(id: number, definition: RuleDefinition): Promise<Rule | null> {
    await validateRule(definition, this.repository);
    if (!(await this.repository.update(id, definition, this.clock.now()))) return null;
    await this.evaluation.ruleChanged(id);
    return this.repository.find(id);
  }

  async remove(id: number, actor: string): Promise<boolean> {
    const { deleted, cleared } = await this.repository.delete(id, actor, this.clock.now());
    if (!deleted) return false;
    this.evaluation.ruleRemoved(id, cleared.map((c) => c.deviceId));
    await this.alerts.announce({ raised: [], updated: [], cleared: cleared.map((c) => c.id) }, () => null);
    return true;
  }
}
