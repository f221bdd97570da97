import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DeviceTopic } from '@gridhub/contracts';
import { PayloadValidator } from '../contracts/payload.schema';
import { Device } from '../devices/device.types';
import { LastSeenTracker } from '../devices/last-seen.tracker';
import { LivenessRepository } from '../devices/liveness.repository';
import { RuleEvaluationService } from '../rules/rule-evaluation.service';
import { ingestMetrics } from '../ingest.metrics';
import { deadLetter, MessageWrite, READING_FLAGS } from './reading.types';
import { IngestWriter } from './ingest-writer';

/** Device time this far ahead of the receive time is flagged `future`; this far behind, `stale`. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const STALE_HORIZON_MS = 7 * 24 * 3600_000;

export type IngestOutcome = 'stored' | 'dead-lettered';

/** `status` payloads: "online"/"offline", as text or as {"status": …} (a device's retained status and will). */
export function parseStatus(payload: Buffer): boolean | { reason: string } {
  const text = payload.toString('utf8').trim();
  let value: unknown = text;
  if (text.startsWith('{')) {
    try {
      value = (JSON.parse(text) as { status?: unknown }).status;
    } catch (error) {
      return { reason: `not JSON: ${(error as Error).message}` };
    }
  }
  if (value === 'online') return true;
  if (value === 'offline') return false;
  return { reason: 'status must be "online" or "offline"' };
}

@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly validator = new PayloadValidator();

  constructor(
    private readonly writer: IngestWriter,
    private readonly rules: RuleEvaluationService,
    private readonly liveness: LivenessRepository,
    private readonly lastSeen: LastSeenTracker,
    private readonly clock: Clock,
  ) {}

  /**
   * Validates and durably stores one message from an authenticated device on its own topic. Resolves once
   * the message (or its dead letter) is committed; rejects if the database could not take it, in which case
   * the message must not be acknowledged.
   */
  async accept(device: Device, topic: DeviceTopic, rawTopic: string, payload: Buffer): Promise<IngestOutcome> {
    const receivedAt = this.clock.now();
    // Parsing happens in a plain function, so only what is written stays referenced while the message waits
    // for its commit (thousands wait at once under load; what they hold is what the garbage collector copies).
    const { write, status } = this.parse(device, topic, rawTopic, payload, receivedAt);
    const outcome: IngestOutcome = write?.kind === 'dead-letter' ? 'dead-lettered' : 'stored';
    try {
      if (write) {
        await this.writer.submit(write, (reason) => deadLetter(receivedAt, device.id, rawTopic, `rejected by the database: ${reason}`, payload));
      }
    } catch (error) {
      ingestMetrics.messages.inc({ family: device.family, kind: topic.kind, outcome: 'not-durable' });
      throw error;
    }
    // A goodbye (status offline, or the will the broker sends for a lost device) is not a sign of life.
    if (status === false) await this.liveness.setOnline(device.id, false, receivedAt);
    else this.lastSeen.record(device.id, receivedAt);
    ingestMetrics.messages.inc({ family: device.family, kind: topic.kind, outcome });
    if (write?.kind === 'dead-letter') {
      this.logger.warn(`dead letter from ${device.id} on ${rawTopic}: ${write.row.reason}`);
    } else if (write?.kind === 'readings') {
      this.rules.evaluate(device, write.row);
    } else if (write?.kind === 'event') {
      this.rules.evaluateEvent(device, write.row).catch((error: Error) => {
        this.logger.error(`event rule evaluation failed for ${device.id}: ${error.message}`, error.stack);
      });
    }
    return outcome;
  }

  /** What one message writes: its readings, its event, or a dead letter saying why it was refused (status: nothing). */
  private parse(device: Device, topic: DeviceTopic, rawTopic: string, payload: Buffer, receivedAt: Date): { write: MessageWrite | null; status: boolean | null } {
    const reject = (reason: string) => ({
      write: { kind: 'dead-letter' as const, row: deadLetter(receivedAt, device.id, rawTopic, reason, payload) },
      status: null,
    });
    if (topic.kind === 'status') {
      const result = parseStatus(payload);
      return typeof result === 'boolean' ? { write: null, status: result } : reject(result.reason);
    }
    if (topic.kind === 'data') {
      const result = this.validator.validateData(device.family, payload);
      if (!result.ok) return reject(result.reason);
      const time = result.deviceTime;
      const row = { time, deviceId: device.id, receivedAt, flags: this.flagsFor(time, receivedAt), values: result.value.readings };
      return { write: { kind: 'readings', row }, status: null };
    }
    const result = this.validator.validateEvent(device.family, payload);
    if (!result.ok) return reject(result.reason);
    if (JSON.stringify(result.value).includes('\\u0000')) return reject('event fields must not contain NUL characters');
    const { ts: _ts, type, ...fields } = result.value;
    const row = { time: result.deviceTime, deviceId: device.id, type, receivedAt, flags: this.flagsFor(result.deviceTime, receivedAt), payload: fields };
    return { write: { kind: 'event', row }, status: null };
  }

  private flagsFor(deviceTime: Date, receivedAt: Date): number {
    const delta = deviceTime.getTime() - receivedAt.getTime();
    if (delta > FUTURE_TOLERANCE_MS) return READING_FLAGS.future;
    if (-delta > STALE_HORIZON_MS) return READING_FLAGS.stale;
    return 0;
  }
}
