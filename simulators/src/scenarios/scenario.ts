import { CityOptions, Outgoing, SimCity, SimDevice } from '../city';
import { isoWithOffset, SimClock } from '../clock';
import { CommandCentre, CommandCentreStats } from '../command-centre';
import { Fleet, FleetStats } from '../fleet';
import { HubApi } from '../hub-client';
import { TabletStats, WorkerTablet } from '../tablet';

/** The demo city's supervisors (监督员), whose tablets verify and re-inspect. */
export const SUPERVISOR_USERNAMES = ['supervisor01', 'supervisor02'];

/** One story told against a running hub. */
export interface ScenarioDefinition {
  name: string;
  title: string;
  /** Simulated time the story covers; it is replayed to end at the present. */
  spanHours: number;
  pick(devices: SimDevice[]): SimDevice[];
  city(start: Date): Omit<CityOptions, 'seed' | 'start'>;
  /** Scripted happenings (a camera sees smoke, a sensor alarms) once the city exists. */
  setup?(city: SimCity, start: Date, log: (line: string) => void): void;
  /** Worker tablets take part (accounts worker01…, password given in the options). */
  tablets?: number;
  /** What the story should have produced; checked and printed at the end. */
  observe?(messages: Outgoing[], devices: SimDevice[]): string[];
}

export interface ScenarioOptions {
  httpUrl: string;
  mqttUrl: string;
  /** Device id → MQTT secret (the hub's demo-credentials.json). */
  secrets: Map<string, string>;
  seed?: number;
  /** Wall-clock seconds the replay should take (the clock speed follows). */
  wallSeconds?: number;
  /** Seconds to wait after the replay for alerts, incidents and tablets to settle. */
  settleSeconds?: number;
  dispatcher?: { username: string; password: string };
  workerPassword?: string;
  supervisorPassword?: string;
  /** Override the story's number of tablets (0 = none). */
  tablets?: number;
  /**
   * Register copies of the story's devices (same place and attributes, new ids) through the API and tell the
   * story with them, so stations that report live (the demo fleet) do not turn the replay into late data.
   * Needs an admin account; the copies are disabled again at the end.
   */
  freshDevices?: { username: string; password: string };
  log?: (line: string) => void;
}

export interface AlertSummary {
  id: string;
  deviceId: string | null;
  rule: string;
  severity: string | null;
  state: string | null;
  raw: Record<string, unknown>;
}

export interface IncidentSummary {
  id: string;
  code: string;
  category: string;
  status: string;
  priority: string;
  source: string;
  gridCode: string | null;
  assignee: string | null;
  raw: Record<string, unknown>;
}

export interface ScenarioReport {
  name: string;
  title: string;
  simulated: { from: string; to: string; speed: number };
  fleet: FleetStats;
  observed: string[];
  alerts: AlertSummary[] | null;
  incidents: IncidentSummary[];
  cap: { alertId: string; identifier: string | null; status: number }[];
  tablets: { username: string; stats: TabletStats }[];
  /** What the simulated shift lead and dispatcher did (when tablets took part). */
  commandCentre: CommandCentreStats | null;
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function itemsOf(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)) return (body as { items: Record<string, unknown>[] }).items;
  return [];
}

function alertSummary(a: Record<string, unknown>): AlertSummary {
  return {
    id: String(a['id']),
    deviceId: str(a['deviceId']) ?? str((a['source'] as Record<string, unknown> | undefined)?.['deviceId']),
    rule: str(a['ruleName']) ?? str(a['rule']) ?? str(a['title']) ?? str(a['headline']) ?? str(a['ruleId']) ?? '?',
    severity: str(a['severity']),
    state: str(a['state']) ?? str(a['status']),
    raw: a,
  };
}

function incidentSummary(i: Record<string, unknown>): IncidentSummary {
  return {
    id: String(i['id']),
    code: str(i['code']) ?? String(i['id']),
    category: str(i['category']) ?? '?',
    status: str(i['status']) ?? '?',
    priority: str(i['priority']) ?? '?',
    source: str(i['source']) ?? '?',
    gridCode: str(i['gridCode']),
    assignee: str(i['assigneeName']) ?? str(i['assigneeWorkerId']),
    raw: i,
  };
}

/**
 * Replays a story against a running hub: the picked devices connect over MQTT and publish what the city
 * produces over `spanHours` of simulated time, accelerated to end at the present in about `wallSeconds`;
 * tablets work the tasks that arrive; then it collects the alerts, incidents and CAP warnings the hub made.
 */
export async function runScenario(def: ScenarioDefinition, options: ScenarioOptions): Promise<ScenarioReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const notes: string[] = [];
  const dispatcher = options.dispatcher ?? { username: 'dispatcher', password: 'Dispatch-2026' };
  const api = await new HubApi(options.httpUrl).login(dispatcher.username, dispatcher.password);
  let devices = def.pick(await api.devices()).filter((d) => options.secrets.has(d.id) || options.freshDevices);
  if (devices.length === 0) throw new Error(`scenario ${def.name}: none of its devices has a secret in the credentials file`);
  const secrets = new Map(options.secrets);
  let admin: HubApi | null = null;
  if (options.freshDevices) {
    admin = await new HubApi(options.httpUrl).login(options.freshDevices.username, options.freshDevices.password);
    const stamp = Date.now().toString(36);
    const copies: SimDevice[] = [];
    for (const d of devices) {
      const { device, secret } = await admin.post<{ device: SimDevice; secret: string }>('/api/v1/devices', {
        id: `${d.id}-${def.name}-${stamp}`.slice(0, 64),
        family: d.family,
        name: `${d.name ?? d.id} (${def.name})`.slice(0, 100),
        lon: d.lon,
        lat: d.lat,
        attributes: d.attributes ?? {},
      });
      copies.push(device);
      secrets.set(device.id, secret);
    }
    devices = copies;
    log(`   registered ${copies.length} devices for the story: ${copies.map((d) => d.id).join(', ')}`);
  }

  const spanMs = def.spanHours * 3_600_000;
  // Rules follow each device's own time: readings older than what a station already sent are late data and
  // raise no alerts. A story replayed over stations that report live (the demo fleet) would change nothing.
  const live = devices.filter((d) => (d.family === 'air' || d.family === 'water') && d.lastSeenAt && Date.now() - new Date(d.lastSeenAt).getTime() < spanMs);
  if (live.length > 0) {
    notes.push(
      `${live.map((d) => d.id).join(', ')} reported within the story's span already: the hub treats the replay as late data and its rules ` +
        'ignore it. Use --fresh-devices (with the admin password), stop the live fleet, or run on a fresh hub.',
    );
    log(`   note: ${notes[notes.length - 1]}`);
  }
  const wallMs = (options.wallSeconds ?? 20) * 1000;
  const wallStart = new Date();
  const start = new Date(wallStart.getTime() - spanMs);
  const end = new Date(wallStart.getTime());
  const clock = new SimClock(start, spanMs / wallMs);
  log(`== ${def.name}: ${def.title}`);
  log(`   ${devices.length} devices replay ${isoWithOffset(start).slice(0, 16)} → ${isoWithOffset(end).slice(0, 16)} at ×${Math.round(clock.speed)}`);

  const fleet = new Fleet({
    ...def.city(start),
    seed: options.seed ?? 2026,
    mqttUrl: options.mqttUrl,
    devices,
    secrets,
    clock,
    summaryEveryS: 0,
    log,
  });
  def.setup?.(fleet.city, fleet.city.now, log);

  const tablets: WorkerTablet[] = [];
  const tabletCount = options.tablets ?? def.tablets ?? 0;
  // Tablets live on their own clock: the field work happens now, 100× faster than life.
  const fieldClock = new SimClock(new Date(wallStart.getTime() - 10 * 60_000), 100);
  for (let i = 1; i <= tabletCount; i++) {
    const tablet = new WorkerTablet({
      httpUrl: options.httpUrl,
      mqttUrl: options.mqttUrl,
      username: `worker${String(i).padStart(2, '0')}`,
      password: options.workerPassword ?? 'Worker-2026',
      clock: fieldClock,
      seed: options.seed ?? 2026,
      handlingMinutes: 10,
      rejectRate: 0.1,
      patrolEveryMin: def.name === 'street-day' ? 40 : 0,
      log,
    });
    try {
      await tablet.start();
      tablets.push(tablet);
    } catch (error) {
      notes.push(`tablet worker${String(i).padStart(2, '0')} could not start: ${(error as Error).message}`);
    }
  }
  // The supervisors (监督员) verify on site and re-inspect: without them nothing would be filed or closed.
  for (const username of tabletCount > 0 ? SUPERVISOR_USERNAMES : []) {
    const tablet = new WorkerTablet({
      httpUrl: options.httpUrl,
      mqttUrl: options.mqttUrl,
      username,
      password: options.supervisorPassword ?? 'Supervise-2026',
      clock: fieldClock,
      seed: options.seed ?? 2026,
      handlingMinutes: 10,
      rejectRate: 0,
      patrolEveryMin: 0,
      log,
    });
    try {
      await tablet.start();
      tablets.push(tablet);
    } catch (error) {
      notes.push(`tablet ${username} could not start: ${(error as Error).message}`);
    }
  }

  // With tablets in the field, the supervision centre files, voids, re-dispatches and closes too.
  const centre = tablets.length > 0 ? new CommandCentre({ httpUrl: options.httpUrl, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}), log }) : null;
  await centre?.start().catch((error: Error) => notes.push(`command centre could not start: ${error.message}`));

  // What the hub held before the story, so the report shows what the story made (or changed).
  const before = await snapshot(api);
  const sent: Outgoing[] = [];
  try {
    await fleet.connect();
    let lastSummary = Date.now();
    while (fleet.city.now.getTime() < end.getTime()) {
      const target = new Date(Math.min(clock.now().getTime(), end.getTime()));
      sent.push(...(await fleet.publishUntil(target)));
      if (Date.now() - lastSummary >= 5000) {
        log(fleet.summary());
        lastSummary = Date.now();
      }
      await sleep(200);
    }
    sent.push(...(await fleet.publishUntil(end)));
    log(fleet.summary());

    // Let rules, dispatch and tablets finish: wait until the incidents stop changing (or the time is up).
    const settleUntil = Date.now() + (options.settleSeconds ?? 15) * 1000;
    let previous = '';
    let stable = 0;
    while (Date.now() < settleUntil) {
      await sleep(1000);
      const now = JSON.stringify((await newIncidents(api, before.incidents)).map((i) => [i.id, i.status]));
      const tabletsBusy = tablets.some((t) => t.working);
      stable = now === previous && !tabletsBusy ? stable + 1 : 0;
      previous = now;
      if (stable >= 3) break;
    }
  } finally {
    if (admin) {
      for (const d of devices) await admin.post(`/api/v1/devices/${d.id}/disable`, {}).catch(() => undefined);
    }
    await centre?.stop();
    await Promise.all(tablets.map((t) => t.stop().catch(() => undefined)));
    await fleet.stop().catch(() => undefined);
  }

  const deviceIds = new Set(devices.map((d) => d.id));
  let alerts: AlertSummary[] | null = null;
  if (before.alerts === null) notes.push('GET /api/v1/alerts is not served by this hub: alerts not listed');
  else {
    alerts = (await listAlerts(api))!
      .filter((a) => before.alerts!.get(a.id) !== JSON.stringify(a.raw))
      .filter((a) => a.deviceId === null || deviceIds.has(a.deviceId));
  }
  const cap: ScenarioReport['cap'] = [];
  // Sensor warnings (rule alerts) are published as CAP 1.2; video and emergency alerts are staff-only JSON.
  const order = ['red', 'orange', 'yellow', 'blue'];
  const warnings = (alerts ?? [])
    .filter((a) => a.raw['kind'] === undefined || a.raw['kind'] === 'rule')
    .sort((a, b) => order.indexOf(a.severity ?? '') - order.indexOf(b.severity ?? ''));
  for (const alert of warnings.slice(0, 10)) {
    const res = await api.text(`/api/v1/alerts/${alert.id}/cap`);
    const identifier = /<identifier>([^<]+)<\/identifier>/.exec(res.body)?.[1] ?? null;
    cap.push({ alertId: alert.id, identifier, status: res.status });
  }
  const report: ScenarioReport = {
    name: def.name,
    title: def.title,
    simulated: { from: start.toISOString(), to: end.toISOString(), speed: clock.speed },
    fleet: fleet.stats,
    observed: def.observe?.(sent, devices) ?? [],
    alerts,
    incidents: await newIncidents(api, before.incidents),
    cap,
    tablets: tablets.map((t) => ({ username: t.options.username, stats: t.stats })),
    commandCentre: centre?.stats ?? null,
    notes,
  };
  printReport(report, log);
  return report;
}

async function listAlerts(api: HubApi): Promise<AlertSummary[] | null> {
  const out: AlertSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const body = await api.tryGet(`/api/v1/alerts?limit=1000&offset=${offset}`);
    if (body === null) return null;
    const page = itemsOf(body);
    out.push(...page.map(alertSummary));
    if (page.length < 1000) return out;
  }
}

async function listIncidents(api: HubApi): Promise<IncidentSummary[]> {
  const out: IncidentSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = itemsOf(await api.get(`/api/v1/incidents?limit=1000&offset=${offset}`));
    out.push(...page.map(incidentSummary));
    if (page.length < 1000) return out;
  }
}

async function snapshot(api: HubApi): Promise<{ incidents: Set<string>; alerts: Map<string, string> | null }> {
  const alerts = await listAlerts(api);
  return {
    incidents: new Set((await listIncidents(api)).map((i) => i.id)),
    alerts: alerts ? new Map(alerts.map((a) => [a.id, JSON.stringify(a.raw)])) : null,
  };
}

async function newIncidents(api: HubApi, known: Set<string>): Promise<IncidentSummary[]> {
  return (await listIncidents(api)).filter((i) => !known.has(i.id));
}

export function printReport(r: ScenarioReport, log: (line: string) => void): void {
  const f = r.fleet;
  log(`-- ${r.name} report`);
  log(`   messages: ${f.sent} sent, ${f.acked} acknowledged, ${f.failed} failed (readings ${f.byKind.data}, events ${f.byKind.event}, status ${f.byKind.status})`);
  const events = Object.entries(f.events).map(([k, v]) => `${k} ×${v}`);
  if (events.length) log(`   events: ${events.join(', ')}`);
  for (const line of r.observed) log(`   observed: ${line}`);
  if (r.alerts === null) log('   alerts: (not available)');
  else {
    log(`   alerts: ${r.alerts.length}`);
    for (const a of r.alerts.slice(0, 20)) {
      const bureau = typeof a.raw['bureau'] === 'string' ? `→ ${a.raw['bureau']} bureau` : '';
      log(`     #${a.id} ${a.severity ?? ''} ${a.state ?? ''} ${a.deviceId ?? ''} ${a.rule} ${bureau}`.replace(/\s+/g, ' '));
    }
    if (r.alerts.length > 20) log(`     … ${r.alerts.length - 20} more`);
  }
  const byStatus = new Map<string, number>();
  for (const i of r.incidents) byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
  log(`   incidents: ${r.incidents.length} (${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ') || 'none'})`);
  for (const i of r.incidents.slice(0, 20)) {
    log(`     ${i.code} [${i.priority}] ${i.category} ${i.status} grid ${i.gridCode ?? '-'} → ${i.assignee ?? 'unassigned'} (${i.source})`);
  }
  if (r.incidents.length > 20) log(`     … ${r.incidents.length - 20} more`);
  if (r.cap.length) log(`   CAP warnings: ${r.cap.map((c) => c.identifier ?? `#${c.alertId}: HTTP ${c.status}`).join(', ')}`);
  for (const t of r.tablets) {
    const s = t.stats;
    if (s.tasks + s.patrolReports > 0) {
      log(`   tablet ${t.username}: ${s.tasks} tasks, ${s.verified} verified, ${s.accepted} accepted, ${s.rejected} rejected, ${s.handled} handled, ${s.reinspected} re-inspected, ${s.photos} photos, ${s.patrolReports} patrol reports, ${s.locations} positions${s.errors ? `, ${s.errors} errors (${s.lastError})` : ''}`);
    }
  }
  if (r.commandCentre) {
    const c = r.commandCentre;
    log(`   command centre: ${c.filed} filed, ${c.voided} voided, ${c.dispatched} re-dispatched, ${c.closed} closed, ${c.evaluated} evaluated${c.errors ? `, ${c.errors} errors (${c.lastError})` : ''}`);
  }
  for (const n of r.notes) log(`   note: ${n}`);
}
