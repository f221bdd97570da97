import { MqttClient } from 'mqtt';
import { workerLocationTopic, workerTasksTopic } from '@gridhub/contracts';
import { isoWithOffset, SimClock } from './clock';
import { HttpError, HubApi, IncidentAction, mqttSession } from './hub-client';
import { fieldPhoto } from './photo';
import { Rng } from './random';

/** What the hub sends on `gridhub/v1/workers/{id}/tasks` (gridops' TaskMessage). */
export interface TaskMessage {
  type: 'task.assigned' | 'task.updated' | string;
  incidentId: string;
  code?: string;
  category?: string;
  title?: string;
  priority?: string;
  status?: string;
  /** What the worker is asked to do on site; absent = handle. */
  step?: 'verify' | 'handle' | 'reinspect' | null;
  lon: number;
  lat: number;
  gridCode?: string | null;
  reason?: string;
  withdrawn?: boolean;
}

export interface TabletOptions {
  httpUrl: string;
  mqttUrl: string;
  username: string;
  password: string;
  clock: SimClock;
  seed: number;
  /** Share of (non-urgent) tasks refused with a reason. */
  rejectRate?: number;
  /** Walking speed in m/s (1.1–1.5 is a brisk walk with a tablet). */
  walkingSpeed?: number;
  /** Simulated seconds between location reports while moving. */
  locationEveryS?: number;
  /** Mean simulated minutes on site before the case is handled. */
  handlingMinutes?: number;
  /** Mean simulated minutes between patrol findings (0 = none). */
  patrolEveryMin?: number;
  log?: (line: string) => void;
}

export interface TabletStats {
  tasks: number;
  verified: number;
  reinspected: number;
  accepted: number;
  rejected: number;
  checkedIn: number;
  handled: number;
  photos: number;
  patrolReports: number;
  locations: number;
  errors: number;
  lastError: string | null;
}

const REJECT_REASONS = [
  '不在本人责任网格，请改派 / not in my grid, please reassign',
  '正在处置另一紧急案卷 / busy with an urgent case',
  '需专业部门处置（燃气/电力） / needs a specialist department',
];

const PATROL_FINDINGS = [
  { category: 'garbage_exposed', title: '暴露垃圾 Exposed garbage', note: '路边堆放生活垃圾约 2 m³ / household waste piled at the kerb' },
  { category: 'street_vending', title: '占道经营 Street vending', note: '人行道上流动摊贩 3 处 / three stalls on the pavement' },
  { category: 'illegal_parking', title: '违章停车 Illegal parking', note: '消防通道停放车辆 / cars in a fire lane' },
  { category: 'manhole_cover', title: '井盖破损 Damaged manhole cover', note: '井盖破损移位，已设临时警示 / broken cover, warning set' },
  { category: 'illegal_structure', title: '私搭乱建 Illegal structure', note: '楼顶新搭彩钢棚 / new steel shed on a roof' },
];

const M_PER_DEG_LAT = 111_320;

/** The hub took the task away (reassigned, withdrawn) while the worker was on it. */
class Withdrawn extends Error {}
/** The tablet was stopped while a task was in hand. */
class OffDuty extends Error {}
/** Unreferenced: a tablet's pending walk or wait never keeps the process alive once it is stopped. */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): { dx: number; dy: number } {
  const k = M_PER_DEG_LAT * Math.cos((a.lat * Math.PI) / 180);
  return { dx: (b.lon - a.lon) * k, dy: (b.lat - a.lat) * M_PER_DEG_LAT };
}

/**
 * A grid worker's tablet: logs in over HTTP and MQTT as the worker, takes tasks from its topic, accepts
 * (or, now and then, refuses with a reason), walks to the place along the streets (east–west, then
 * north–south) reporting its position, checks in there, handles the case after a while with a photo, and
 * reports what it finds on patrol. Timing follows the simulated clock.
 */
export class WorkerTablet {
  readonly stats: TabletStats = { tasks: 0, verified: 0, reinspected: 0, accepted: 0, rejected: 0, checkedIn: 0, handled: 0, photos: 0, patrolReports: 0, locations: 0, errors: 0, lastError: null };
  /** Incident id → the last step this tablet took on it. */
  readonly cases = new Map<string, string>();
  readonly api: HubApi;
  private client: MqttClient | null = null;
  private position: { lon: number; lat: number } | null = null;
  private readonly rng: Rng;
  private readonly queue: TaskMessage[] = [];
  /** Tasks (incident/step) queued or in hand, so a redelivered task is not worked twice. */
  private readonly active = new Set<string>();
  /** Incidents taken away from this worker while it was on the way. */
  private readonly withdrawn = new Set<string>();
  private busy: Promise<void> | null = null;
  private running = false;
  private patrolTimer: NodeJS.Timeout | null = null;
  private readonly log: (line: string) => void;
  workerId = '';
  name = '';

  constructor(readonly options: TabletOptions) {
    this.api = new HubApi(options.httpUrl);
    this.rng = new Rng(options.seed, `tablet/${options.username}`);
    this.log = options.log ?? ((line) => process.stdout.write(line + '\n'));
  }

  async start(): Promise<void> {
    await this.api.login(this.options.username, this.options.password);
    const user = this.api.user!;
    if (!user.workerId) throw new Error(`${this.options.username} is not a grid worker`);
    this.workerId = user.workerId;
    this.name = user.displayName;
    const workers = await this.api.tryGet<{ items: { id: string; lon: number | null; lat: number | null }[] }>('/api/v1/workers');
    const me = workers?.items.find((w) => w.id === this.workerId);
    if (me?.lon != null && me.lat != null) this.position = { lon: me.lon, lat: me.lat };
    this.client = await mqttSession(this.options.mqttUrl, {
      username: this.options.username,
      password: this.options.password,
      clientId: `tablet-${this.options.username}`,
    });
    this.client.on('message', (_topic, payload) => this.onMessage(payload));
    await this.client.subscribeAsync(workerTasksTopic(this.workerId), { qos: 1 });
    this.running = true;
    this.say(`on duty, waiting for tasks on ${workerTasksTopic(this.workerId)}`);
    this.schedulePatrol();
  }

  /** Goes off duty: work in hand is dropped (its next step is not taken), the MQTT session closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.length = 0;
    if (this.patrolTimer) clearTimeout(this.patrolTimer);
    const client = this.client;
    this.client = null;
    await client?.endAsync(true);
  }

  /** True while a task is being worked or waits in the queue. */
  get working(): boolean {
    return this.busy !== null || this.queue.length > 0;
  }

  /** Resolves once every task received so far has been worked through. */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private say(line: string): void {
    this.log(`[${this.options.username} ${this.name}] ${line}`);
  }

  private onMessage(payload: Buffer): void {
    let task: TaskMessage;
    try {
      task = JSON.parse(payload.toString('utf8')) as TaskMessage;
    } catch {
      this.say(`ignored a task message that is not JSON`);
      return;
    }
    if (!task.incidentId) return;
    if (task.type === 'task.updated') {
      if (task.withdrawn) {
        this.withdrawn.add(task.incidentId);
        const queued = this.queue.findIndex((t) => t.incidentId === task.incidentId);
        if (queued >= 0) this.queue.splice(queued, 1);
        this.say(`task ${task.code ?? task.incidentId.slice(0, 8)} withdrawn (${task.reason ?? 'no reason given'})`);
      } else if (task.reason) {
        this.say(`task ${task.code ?? task.incidentId.slice(0, 8)} updated: ${task.reason}`);
      }
      return;
    }
    if (task.type !== 'task.assigned') return;
    const key = `${task.incidentId}/${task.step ?? 'handle'}`;
    if (this.active.has(key)) return; // a resent task (QoS 1 may deliver twice)
    this.active.add(key);
    this.withdrawn.delete(task.incidentId);
    this.stats.tasks++;
    this.cases.set(task.incidentId, 'received');
    this.queue.push(task);
    this.pump();
  }

  private pump(): void {
    if (this.busy || !this.running) return;
    const task = this.queue.shift();
    if (!task) return;
    this.busy = this.work(task)
      .catch((error: Error) => {
        if (!this.running) return;
        this.stats.errors++;
        this.stats.lastError = error.message;
        this.say(`could not finish ${task.code ?? task.incidentId}: ${error.message}`);
      })
      .finally(() => {
        this.active.delete(`${task.incidentId}/${task.step ?? 'handle'}`);
        this.busy = null;
        this.pump();
      });
  }

  private async action(incidentId: string, body: IncidentAction): Promise<void> {
    if (!this.running) throw new OffDuty();
    if (this.withdrawn.has(incidentId)) throw new Withdrawn();
    await this.api.act(incidentId, body);
    this.cases.set(incidentId, body.action);
  }

  private async work(task: TaskMessage): Promise<void> {
    try {
      if (task.step === 'verify') await this.verify(task);
      else if (task.step === 'reinspect') await this.reinspect(task);
      else await this.handle(task);
    } catch (error) {
      if (error instanceof OffDuty) return;
      if (!(error instanceof Withdrawn)) throw error;
      this.say(`stopped work on ${this.label(task)}: the task was withdrawn`);
    }
  }

  private label(task: TaskMessage): string {
    return `${task.code ?? task.incidentId.slice(0, 8)} ${task.title ?? task.category ?? ''}`.trim();
  }

  /** Walks there from where the tablet is (or, unknown, from a couple of blocks away). */
  private async goTo(task: TaskMessage, speed: number): Promise<{ lon: number; lat: number }> {
    this.position ??= { lon: task.lon + 150 / (M_PER_DEG_LAT * Math.cos((task.lat * Math.PI) / 180)), lat: task.lat + 100 / M_PER_DEG_LAT };
    const target = { lon: task.lon, lat: task.lat };
    const { dx, dy } = metres(this.position, target);
    const distance = Math.abs(dx) + Math.abs(dy);
    this.say(`walking ${Math.round(distance)} m to ${this.label(task)} (about ${Math.max(1, Math.round(distance / speed / 60))} min)`);
    await this.walkTo(target, speed);
    return target;
  }

  /** A photo of the scene, uploaded to the incident; its id, or null when the upload failed. */
  private async photo(incidentId: string, what: string): Promise<string | null> {
    if (!this.running) throw new OffDuty();
    try {
      const uploaded = await this.api.upload<{ id: string }>(`/api/v1/incidents/${incidentId}/attachments`, 'file', {
        name: `${what}-${incidentId.slice(0, 8)}.png`,
        type: 'image/png',
        data: fieldPhoto(this.rng.int(0, 2 ** 30)),
      });
      this.stats.photos++;
      return uploaded?.id ?? null;
    } catch (error) {
      this.say(`photo upload failed: ${(error as Error).message}`);
      return null;
    }
  }

  /** 核实: go and look; most video and public reports are real, some are not. */
  private async verify(task: TaskMessage): Promise<void> {
    const at = await this.goTo(task, this.options.walkingSpeed ?? 1.3);
    await this.waitSim(this.rng.uniform(1, 4) * 60_000);
    const valid = this.rng.chance(0.88);
    const photo = await this.photo(task.incidentId, 'verify');
    const note = valid ? '现场核实属实 / confirmed on site' : '现场未发现问题，建议作废 / nothing found on site';
    await this.action(task.incidentId, { action: 'verify', valid, note, ...at, attachmentIds: photo ? [photo] : [] });
    this.stats.verified++;
    this.say(`verified ${this.label(task)}: ${valid ? 'confirmed' : 'not found'}`);
  }

  /** 核查: go back after handling; now and then the job was not done well and goes back for rework. */
  private async reinspect(task: TaskMessage): Promise<void> {
    const at = await this.goTo(task, this.options.walkingSpeed ?? 1.3);
    await this.waitSim(this.rng.uniform(2, 6) * 60_000);
    const photo = await this.photo(task.incidentId, 'reinspect');
    const passed = this.rng.chance(0.9);
    await this.action(task.incidentId, {
      action: passed ? 'reinspect_pass' : 'reinspect_fail',
      note: passed ? '核查合格 / re-inspection passed' : '处置不彻底，需返工 / not fully handled, rework',
      ...(passed ? {} : { reason: '现场仍有残留，需返工 / still not cleared, rework' }),
      ...at,
      attachmentIds: photo ? [photo] : [],
    });
    this.stats.reinspected++;
    this.say(`re-inspected ${this.label(task)}: ${passed ? 'passed' : 'failed, back for rework'}`);
  }

  /** 处置: accept (or refuse with a reason), walk there, check in, handle with a photo. */
  private async handle(task: TaskMessage): Promise<void> {
    const label = this.label(task);
    const urgent = task.priority === 'urgent' || task.priority === 'high';
    if (!urgent && this.rng.chance(this.options.rejectRate ?? 0.08)) {
      const reason = this.rng.pick(REJECT_REASONS);
      await this.action(task.incidentId, { action: 'reject', reason });
      this.stats.rejected++;
      this.say(`rejected ${label}: ${reason}`);
      return;
    }
    await this.waitSim(this.rng.uniform(20, 90) * 1000); // reading the task
    await this.action(task.incidentId, { action: 'accept' });
    this.stats.accepted++;
    this.say(`accepted ${label}`);
    const speed = this.options.walkingSpeed ?? 1.3;
    const at = await this.goTo(task, urgent ? speed * 1.6 : speed);
    await this.action(task.incidentId, { action: 'check_in', ...at });
    this.stats.checkedIn++;
    this.say(`checked in at ${label}`);
    const minutes = Math.max(3, this.rng.normal(this.options.handlingMinutes ?? 15, (this.options.handlingMinutes ?? 15) / 3));
    await this.waitSim(minutes * 60_000);
    const photo = await this.photo(task.incidentId, 'handled');
    const note = `已现场处置，用时 ${Math.round(minutes)} 分钟 / handled on site in ${Math.round(minutes)} min${photo ? '' : ' (photo upload failed)'}`;
    await this.action(task.incidentId, { action: 'handle', note, attachmentIds: photo ? [photo] : [] });
    this.stats.handled++;
    this.say(`handled ${label} (${photo ? 'with a photo' : 'no photo'})`);
  }

  /** Walks along the streets (east–west first, then north–south), reporting the position as it goes. */
  private async walkTo(target: { lon: number; lat: number }, speed: number): Promise<void> {
    const corner = { lon: target.lon, lat: this.position!.lat };
    for (const leg of [corner, target]) {
      const start = { ...this.position! };
      const { dx, dy } = metres(start, leg);
      const length = Math.hypot(dx, dy);
      if (length < 1) continue;
      const heading = (Math.atan2(dx, dy) * 180) / Math.PI;
      const every = (this.options.locationEveryS ?? 15) * 1000;
      const legMs = (length / speed) * 1000;
      for (let done = 0; done < legMs; ) {
        const step = Math.min(every, legMs - done);
        await this.waitSim(step);
        done += step;
        const f = done / legMs;
        this.position = { lon: start.lon + (leg.lon - start.lon) * f, lat: start.lat + (leg.lat - start.lat) * f };
        await this.report(speed, (heading + 360) % 360);
      }
    }
    this.position = { ...target };
  }

  private async report(speed: number, heading: number): Promise<void> {
    if (!this.client || !this.position) return;
    const body = {
      ts: isoWithOffset(this.options.clock.now()),
      lon: Math.round(this.position.lon * 1e7) / 1e7,
      lat: Math.round(this.position.lat * 1e7) / 1e7,
      accuracy_m: Math.round(this.rng.uniform(3, 8)),
      speed_ms: Math.round(speed * 10) / 10,
      heading_deg: Math.round(heading),
    };
    await this.client.publishAsync(workerLocationTopic(this.workerId), JSON.stringify(body), { qos: 1 });
    this.stats.locations++;
  }

  /** Waits `ms` of simulated time. */
  private waitSim(ms: number): Promise<void> {
    return sleep(ms / this.options.clock.speed);
  }

  private schedulePatrol(): void {
    const mean = this.options.patrolEveryMin ?? 0;
    if (!(mean > 0) || !this.running) return;
    const wallMs = (this.rng.exponential(1 / mean) * 60_000) / this.options.clock.speed;
    this.patrolTimer = setTimeout(() => {
      void this.patrolReport().finally(() => this.schedulePatrol());
    }, wallMs);
  }

  /** Files what the worker found on patrol (信息收集 by the grid worker) at a spot near its position. */
  async patrolReport(): Promise<string | null> {
    const finding = this.rng.pick(PATROL_FINDINGS);
    if (!this.position) return null;
    const at = {
      lon: Math.round((this.position.lon + this.rng.normal(0, 25) / (M_PER_DEG_LAT * 0.79)) * 1e7) / 1e7,
      lat: Math.round((this.position.lat + this.rng.normal(0, 25) / M_PER_DEG_LAT) * 1e7) / 1e7,
    };
    try {
      const created = await this.api.report({
        source: 'patrol',
        category: finding.category,
        title: finding.title,
        description: finding.note,
        ...at,
      });
      const { id, code } = created;
      this.stats.patrolReports++;
      this.say(`reported on patrol: ${finding.title} (${code})`);
      if (id) {
        await this.api
          .upload(`/api/v1/incidents/${id}/attachments`, 'file', { name: 'patrol.png', type: 'image/png', data: fieldPhoto(this.rng.int(0, 2 ** 30)) })
          .then(() => this.stats.photos++)
          .catch(() => undefined);
      }
      return id;
    } catch (error) {
      this.stats.errors++;
      this.stats.lastError = error instanceof HttpError ? error.message : String(error);
      this.say(`patrol report refused: ${this.stats.lastError}`);
      return null;
    }
  }
}
