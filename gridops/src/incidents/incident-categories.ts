import { Priority, TimeBasis } from '@gridhub/contracts';

/** The time limits of one category, in minutes (fractions allowed: a test city runs on seconds). */
export interface StepLimits {
  verifyMinutes: number;
  dispatchMinutes: number;
  acceptMinutes: number;
  handleMinutes: Record<Priority, number>;
  reinspectMinutes: number;
}

/** The limits that count time, each on working or natural time (migration 030). */
export const LIMIT_STEPS = ['verify', 'dispatch', 'accept', 'handle', 'reinspect'] as const;
export type LimitStep = (typeof LIMIT_STEPS)[number];

/** A minor class (小类) of the taxonomy with its major class (大类), seeded by migration 005. */
export interface IncidentCategory {
  code: string;
  /** 事件 (event) or 部件 (fixed asset). */
  kind: 'event' | 'component';
  majorCode: string;
  majorNameZh: string;
  majorNameEn: string;
  nameZh: string;
  nameEn: string;
  defaultPriority: Priority;
  /** 专业部门 that handles it as specialist work, if any. */
  departmentCode: string | null;
  /** The worker skill that fits it, preferred by automatic dispatch. */
  skill: string | null;
  /** Skips verification and goes straight to dispatch. */
  emergency: boolean;
  limits: StepLimits;
  /** Whether each limit counts working time (工作时) or natural time (自然时). */
  basis: Record<LimitStep, TimeBasis>;
  /** 24 小时制: every limit counts natural time, whatever `basis` says (emergencies). */
  aroundTheClock: boolean;
  enabled: boolean;
}

/** Category codes some sources use for the same class. */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = { water_logging: 'waterlogging' };

/** The category used when an intake names one the taxonomy does not have. */
export const FALLBACK_CATEGORY = 'other';
