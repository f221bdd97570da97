export interface GridWorker {
  id: string;
  name: string;
  /** The unit grids this worker is responsible for. */
  gridCodes: string[];
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
}

/** A candidate for a dispatch, with how much work it already holds. */
export interface WorkerLoad {
  id: string;
  name: string;
  gridCodes: string[];
  openTasks: number;
}
