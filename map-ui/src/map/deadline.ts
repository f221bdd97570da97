import { timeBetween, type TimeBasis, type WorkingCalendar } from '@gridhub/contracts';
import type { Incident } from '../api/types';

export type DeadlineStep = 'verify' | 'dispatch' | 'accept' | 'handle' | 'reinspect';

/**
 * The deadline the incident is running against in its current step (the closed loop's time limits), and how
 * its limit counts (working or natural time). Null while none runs — or while the clock is stopped (挂账).
 */
export function currentDeadline(i: Incident): { at: number; step: DeadlineStep; basis: TimeBasis } | null {
  if (i.suspendedAt) return null;
  const basis: TimeBasis = i.stepBasis ?? 'natural';
  const pick = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
  const by: [string | null | undefined, 'verify' | 'dispatch' | 'accept' | 'handle' | 'reinspect'][] = [];
  switch (i.status) {
    case 'verifying':
      by.push([i.verifyDueAt, 'verify']);
      break;
    case 'reported':
    case 'filed':
      by.push([i.dispatchDueAt, 'dispatch']);
      break;
    case 'dispatched':
      by.push([i.acceptDueAt, 'accept'], [i.dueAt, 'handle']);
      break;
    case 'accepted':
    case 'in_progress':
      by.push([i.dueAt, 'handle']);
      break;
    case 'reinspecting':
      by.push([i.reinspectDueAt, 'reinspect']);
      break;
  }
  for (const [iso, step] of by) {
    const at = pick(iso);
    if (Number.isFinite(at)) return { at, step, basis };
  }
  return null;
}

/**
 * Milliseconds left until `at` on the limit's basis: working time counts only the working periods of workdays
 * (without the calendar, natural time).
 */
export function remainingMs(now: number, at: number, basis: TimeBasis, calendar: WorkingCalendar | null): number {
  if (basis === 'natural' || !calendar) return at - now;
  return timeBetween(new Date(now), new Date(at), 'working', calendar) * 60_000;
}

/** "-1:02:03" style remaining time; negative once past. Working time is written in hours (no days of 24 h). */
export function formatRemaining(ms: number, basis: TimeBasis = 'natural'): string {
  if (basis === 'working') {
    const neg = ms < 0;
    const m = Math.floor(Math.abs(ms) / 60_000);
    const body = `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
    return neg ? `−${body}` : body;
  }
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const body = d > 0 ? `${d}d ${pad(h)}:${pad(m)}` : h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return neg ? `−${body}` : body;
}
