import { ROLLUP_EVERY_MS } from '@gridhub/contracts';
import { SILENCE_SWEEP_MS } from '../rules/rule-evaluation.service';

/** Storage facts and schedules the hub passes to ingest. */
export class MaintenanceOptions {
  /** The database has the timescaledb extension (hypertables, drop_chunks). */
  timescale = false;
  /** Raw readings and events older than this are removed (roll-ups are kept). */
  retentionDays = 400;
  livenessEveryMs = 30_000;
  rollupEveryMs = ROLLUP_EVERY_MS;
  retentionEveryMs = 6 * 3600_000;
  silenceEveryMs = SILENCE_SWEEP_MS;
}
