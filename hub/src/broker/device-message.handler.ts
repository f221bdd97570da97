import { Injectable, Logger } from '@nestjs/common';
import { Clock, Device, DeviceService, IngestService, ingestMetrics, LiveChannel, parseStatus } from '@gridhub/ingest';
import { MONITOR_ROLES, parseDeviceTopic, TOPIC_ROOT } from '@gridhub/contracts';
import { WorkerLocationService } from '@gridhub/gridops';

const LOCATION_TOPIC = new RegExp(`^${TOPIC_ROOT}/workers/([^/]+)/location$`);
const DEVICE_CACHE_MS = 30_000;

/**
 * One device or tablet message taken from an external engine (an MQTT cluster broker's shared subscription or a
 * JetStream consumer), where the engine has already checked the login and the topic. `handle` resolves once the
 * message is durable (stored, dead-lettered, or nothing to keep) and rejects when it is not: the caller must then
 * leave it unacknowledged so the engine delivers it again.
 */
@Injectable()
export class DeviceMessageHandler {
  private readonly logger = new Logger(DeviceMessageHandler.name);
  private readonly devices = new Map<string, { device: Device | null; at: number }>();
  /** Device messages this instance stored (or dead-lettered). */
  handled = 0;

  constructor(
    private readonly deviceService: DeviceService,
    private readonly ingest: IngestService,
    private readonly live: LiveChannel,
    private readonly clock: Clock,
    private readonly locations: WorkerLocationService,
  ) {}

  async handle(rawTopic: string, payload: Buffer): Promise<void> {
    const location = LOCATION_TOPIC.exec(rawTopic);
    if (location) {
      const problem = await this.locations.recordMessage(location[1]!, payload);
      if (problem) this.logger.warn(`location on ${rawTopic} refused: ${problem}`);
      return;
    }
    const topic = parseDeviceTopic(rawTopic);
    if (!topic) return; // not a device topic (the engine's permissions should not have let it through); nothing to keep
    const device = await this.deviceOf(topic.deviceId);
    if (!device || !device.enabled || device.family !== topic.family) {
      ingestMetrics.refusals.inc({ action: 'publish' });
      this.logger.warn(`message on ${rawTopic} ignored: no enabled ${topic.family} device ${topic.deviceId} (check the broker's permissions)`);
      return;
    }
    const outcome = await this.ingest.accept(device, topic, rawTopic, payload);
    this.handled += 1;
    if (topic.kind === 'status' && outcome === 'stored') {
      const online = parseStatus(payload) === true;
      this.live.publish('device.status', { deviceId: device.id, family: device.family, online, at: this.clock.now().toISOString() }, { roles: MONITOR_ROLES, gridCode: device.gridCode });
    }
  }

  private async deviceOf(id: string): Promise<Device | null> {
    const hit = this.devices.get(id);
    if (hit && Date.now() - hit.at < DEVICE_CACHE_MS) return hit.device;
    const device = await this.deviceService.find(id);
    if (this.devices.size > 200_000) this.devices.clear();
    this.devices.set(id, { device, at: Date.now() });
    return device;
  }
}
