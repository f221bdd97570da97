export const WORKER_STATUSES = ['available', 'busy', 'off'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** One weekly duty shift in China Standard Time; `ends` before `starts` crosses midnight. */
export interface DutyShift {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** HH:MM */
  starts: string;
  ends: string;
}

/** What a worker does in the loop: handles (网格员) or verifies and re-inspects (监督员). */
export type WorkerDuty = 'grid_worker' | 'supervisor';

export interface GridWorker {
  id: string;
  name: string;
  duty: WorkerDuty;
  /** All grids this worker covers, primary and backup. */
  gridCodes: string[];
  primaryGridCodes: string[];
  backupGridCodes: string[];
  /** The on_duty flag (clocked in). */
  onDuty: boolean;
  /** Clocked in, not "off", and inside a duty shift now (or no shifts defined). */
  onDutyNow: boolean;
  status: WorkerStatus;
  skills: string[];
  departmentCode: string | null;
  username: string | null;
  lon: number | null;
  lat: number | null;
  locationAt: Date | null;
  /** Incidents assigned to the worker and not yet closed or voided. */
  openTasks: number;
  shifts: DutyShift[];
}

/** A candidate for a dispatch, with how much work it already holds. */
export interface WorkerLoad {
  id: string;
  name: string;
  gridCodes: string[];
  openTasks: number;
  /** Holds one of those grids as its primary (own) grid, not only as a backup. */
  primary?: boolean;
  status?: WorkerStatus;
  skills?: string[];
  lon?: number | null;
  lat?: number | null;
}

export interface WorkerPosition {
  at: Date;
  lon: number;
  lat: number;
  accuracyM: number | null;
}

export interface WorkerFilter {
  /** Workers covering this grid or any grid under it (a community, street or district code). */
  gridCode?: string;
  status?: WorkerStatus;
  onDuty?: boolean;
  departmentCode?: string;
}
