import { Injectable } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { CATEGORY_ALIASES, FALLBACK_CATEGORY, IncidentCategory, LimitStep, StepLimits } from './incident-categories';
import { IncidentCategoryRepository } from './incident-category.repository';
import { Priority, TimeBasis } from '@gridhub/contracts';

/** How long a hub keeps the taxonomy before reading it again (another hub may have changed a limit). */
const CACHE_MS = 30_000;

/** The taxonomy (大类/小类), cached in memory: it is read on every intake, dispatch and timer. */
@Injectable()
export class IncidentCategoryService {
  private cache: { at: number; byCode: Map<string, IncidentCategory> } | null = null;

  constructor(
    private readonly categories: IncidentCategoryRepository,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<IncidentCategory[]> {
    return [...(await this.load()).values()];
  }

  /** The category of a code (aliases resolved), or null if the taxonomy has none by that code. */
  async find(code: string): Promise<IncidentCategory | null> {
    const byCode = await this.load();
    return byCode.get(CATEGORY_ALIASES[code] ?? code) ?? null;
  }

  /** Like find, falling back to 「其他」 for intakes (alerts) that name a class the city has not set up. */
  async resolve(code: string): Promise<IncidentCategory> {
    const found = await this.find(code);
    if (found) return found;
    const fallback = (await this.load()).get(FALLBACK_CATEGORY);
    if (!fallback) throw new Error(`incident category ${FALLBACK_CATEGORY} is missing (migration 005)`);
    return fallback;
  }

  async updateLimits(
    code: string,
    limits: Partial<Omit<StepLimits, 'handleMinutes'>> & { handleMinutes?: Partial<Record<Priority, number>> },
    enabled?: boolean,
    clock: { basis?: Partial<Record<LimitStep, TimeBasis>>; aroundTheClock?: boolean } = {},
  ): Promise<IncidentCategory | null> {
    const updated = await this.categories.updateLimits(code, limits, enabled, clock);
    this.cache = null;
    return updated;
  }

  private async load(): Promise<Map<string, IncidentCategory>> {
    const now = this.clock.now().getTime();
    if (!this.cache || now - this.cache.at > CACHE_MS) {
      const list = await this.categories.list();
      this.cache = { at: now, byCode: new Map(list.map((c) => [c.code, c])) };
    }
    return this.cache.byCode;
  }
}
