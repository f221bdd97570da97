import { BadRequestException, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import { Clock, LiveChannel } from '@gridhub/ingest';
import { WorkerRepository } from './worker.repository';
import { WorkerPosition } from './worker.types';

/** Positions kept per worker (older ones are pruned now and then). At one fix a minute: about a week. */
export const TRAIL_KEEP = 10_000;
/** A device time further ahead than this is refused (a tablet with a wrong clock). */
const MAX_FUTURE_MS = 5 * 60_000;

export interface LocationInput {
  lon: number;
  lat: number;
  at: Date;
  accuracyM?: number | null;
}

/**
 * Live location of grid workers from their tablets: MQTT `gridhub/v1/workers/{id}/location` (JSON
 * `{"ts": "…+08:00", "lon": …, "lat": …, "accuracy_m": …}`) or `POST /api/v1/workers/me/location`. Stores the
 * trail, moves the worker on the map and tells dispatchers and shift leads (`worker.location` on the live channel).
 */
@Injectable()
export class WorkerLocationService {
  private readonly logger = new Logger(WorkerLocationService.name);
  private recorded = 0;

  constructor(
    private readonly workers: WorkerRepository,
    private readonly clock: Clock,
    // Bound globally by the hub; absent in a bare module (no live clients to tell).
    @Optional() private readonly live?: LiveChannel,
  ) {}

  /** Records one position; throws 400 for an impossible one and 404 for an unknown worker. */
  async record(workerId: string, lon: number, lat: number, at: Date, accuracyM: number | null = null): Promise<WorkerPosition> {
    const problem = checkPosition(lon, lat, at, accuracyM, this.clock.now());
    if (problem) throw new BadRequestException(problem);
    const position = { at, lon, lat, accuracyM };
    if (!(await this.workers.recordPosition(workerId, position, this.clock.now()))) {
      throw new NotFoundException(`worker ${workerId} does not exist`);
    }
    const worker = await this.workers.find(workerId, this.clock.now());
    this.live?.publish(
      'worker.location',
      { workerId, name: worker?.name ?? null, lon, lat, at: at.toISOString(), accuracyM, status: worker?.status ?? null },
      { roles: ['admin', 'dispatcher', 'shift_lead'], gridCode: worker?.primaryGridCodes[0] ?? worker?.gridCodes[0] ?? null },
    );
    if (++this.recorded % 500 === 0) {
      this.workers.pruneTrail(workerId, TRAIL_KEEP).catch((error: Error) => this.logger.warn(`trail pruning failed: ${error.message}`));
    }
    return position;
  }

  /**
   * The MQTT path: parses a tablet's location message and records it. Returns an error message for a payload
   * that is not a location (the caller refuses the publish), or null when it was stored.
   */
  async recordMessage(workerId: string, payload: Buffer): Promise<string | null> {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      return 'a location message must be JSON: {"ts": "…", "lon": …, "lat": …}';
    }
    if (typeof message !== 'object' || message === null) return 'a location message must be a JSON object';
    const { lon, lat, ts } = message;
    const accuracy = message['accuracy_m'] ?? null;
    if (typeof lon !== 'number' || typeof lat !== 'number') return 'lon and lat must be numbers (WGS-84 degrees)';
    if (typeof ts !== 'string' || !/[zZ]|[+-]\d\d:?\d\d$/.test(ts) || Number.isNaN(Date.parse(ts))) return 'ts must be an ISO 8601 time with an offset';
    if (accuracy !== null && typeof accuracy !== 'number') return 'accuracy_m must be a number of metres';
    const at = new Date(ts);
    const problem = checkPosition(lon, lat, at, accuracy as number | null, this.clock.now());
    if (problem) return problem;
    await this.record(workerId, lon, lat, at, accuracy as number | null);
    return null;
  }

  async trail(workerId: string, limit: number, since: Date | null): Promise<{ workerId: string; positions: WorkerPosition[] }> {
    if (!(await this.workers.find(workerId, this.clock.now()))) throw new NotFoundException(`worker ${workerId} does not exist`);
    return { workerId, positions: await this.workers.trail(workerId, limit, since) };
  }
}

function checkPosition(lon: number, lat: number, at: Date, accuracyM: number | null, now: Date): string | null {
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) return 'lon must be a longitude in degrees (-180…180)';
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return 'lat must be a latitude in degrees (-90…90)';
  if (Number.isNaN(at.getTime())) return 'the time is not a valid time';
  if (at.getTime() > now.getTime() + MAX_FUTURE_MS) return `the time ${at.toISOString()} is in the future (tablet clock wrong?)`;
  if (accuracyM !== null && (!Number.isFinite(accuracyM) || accuracyM < 0)) return 'accuracy_m must be a non-negative number of metres';
  return null;
}
