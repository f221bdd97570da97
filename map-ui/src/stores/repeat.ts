import { isAbort } from '../api/client';

/**
 * Runs `task` now and then `intervalMs` after each run finishes (runs never overlap); `now()` runs it at once.
 * Used for the slow resync beside the live feed: events keep the stores current, the resync repairs anything missed.
 */
export class Repeater {
  private timer: number | undefined;
  private controller: AbortController | null = null;
  private stopped = true;

  constructor(
    private readonly task: (signal: AbortSignal) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  now(): void {
    if (!this.stopped) void this.tick();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = null;
  }

  private async tick(): Promise<void> {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    const own = new AbortController();
    this.controller = own;
    try {
      await this.task(own.signal);
    } catch (err) {
      if (!isAbort(err)) console.error('[resync] failed', err);
    } finally {
      if (this.controller === own) {
        this.controller = null;
        if (!this.stopped) this.timer = window.setTimeout(() => void this.tick(), this.intervalMs);
      }
    }
  }
}

/** Calls `fn` once, `ms` after the last of a burst of calls. */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let t: number | undefined;
  const run = () => {
    window.clearTimeout(t);
    t = window.setTimeout(fn, ms);
  };
  run.cancel = () => window.clearTimeout(t);
  return run;
}
