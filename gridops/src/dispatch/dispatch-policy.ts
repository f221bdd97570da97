import { WorkerLoad } from '../workers/worker.types';

/** Least-loaded on-duty worker first; ties go to the lowest id so the choice is repeatable. */
export function chooseWorker(candidates: readonly WorkerLoad[]): WorkerLoad | null {
  let best: WorkerLoad | null = null;
  for (const c of candidates) {
    if (!best || c.openTasks < best.openTasks || (c.openTasks === best.openTasks && c.id < best.id)) best = c;
  }
  return best;
}
