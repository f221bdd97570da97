import { OnWire } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '@gridhub/ingest';
import { GridWorker, WORKER_STATUSES, WorkerPosition } from './worker.types';

/** A grid worker (网格员) or supervisor (监督员) with grids, duty, position and workload. */
export const workerSchema = z.object({
  id: z.string(),
  name: z.string(),
  duty: z.enum(['grid_worker', 'supervisor']),
  gridCodes: z.array(z.string()),
  primaryGridCodes: z.array(z.string()),
  backupGridCodes: z.array(z.string()),
  onDuty: z.boolean(),
  onDutyNow: z.boolean(),
  status: z.enum(WORKER_STATUSES),
  skills: z.array(z.string()),
  departmentCode: z.string().nullable(),
  username: z.string().nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  locationAt: isoTime.nullable(),
  openTasks: z.number().int(),
  shifts: z.array(z.object({ weekday: z.number().int(), starts: z.string(), ends: z.string() })),
});
export type WorkerResponse = z.infer<typeof workerSchema>;

/** The list adds the worker's first grid (its own, else a backup) for the map. */
export const workerListSchema = listOf(workerSchema.extend({ gridCode: z.string().nullable() }));

export const positionSchema = z.object({ at: isoTime, lon: z.number(), lat: z.number(), accuracyM: z.number().nullable() });
export const storedPositionSchema = positionSchema.extend({ stored: z.literal(true) });
/** Recent positions, newest first. */
export const trailSchema = z.object({ workerId: z.string(), positions: z.array(positionSchema) });

const _worker: Same<WorkerResponse, OnWire<GridWorker>> = true;
const _position: Same<z.infer<typeof positionSchema>, OnWire<WorkerPosition>> = true;
void _worker;
void _position;
