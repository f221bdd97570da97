import type { Incident } from '../api/types';

/** The deadline the incident is running against in its current step (the closed loop's time limits). */
export function currentDeadline(i: Incident): { at: number; step: 'verify' | 'dispatch' | 'accept' | 'handle' | 'reinspect' } | null {
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
    if (Number.isFinite(at)) return { at, step };
  }
  return null;
}

/** "-1:02:03" style remaining time; negative once past. */
export function formatRemaining(ms: number): string {
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
