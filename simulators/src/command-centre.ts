import { HttpError, HubApi, IncidentAction } from './hub-client';

export interface CommandCentreOptions {
  httpUrl: string;
  dispatcher?: { username: string; password: string };
  shiftLead?: { username: string; password: string };
  /** Wall milliseconds between rounds. */
  everyMs?: number;
  log?: (line: string) => void;
}

export interface CommandCentreStats {
  filed: number;
  voided: number;
  dispatched: number;
  closed: number;
  evaluated: number;
  errors: number;
  lastError: string | null;
}

interface IncidentRow {
  id: string;
  code: string;
  title?: string;
  status: string;
  source?: string;
  verifiedAt?: string | null;
  verifiedValid?: boolean | null;
  reinspectionPassed?: boolean | null;
}

/**
 * The people of the supervision centre, so the loop closes in a simulation (监管分离): the shift lead files
 * patrol reports and what a grid worker verified as real, voids the rest, and closes what passed
 * re-inspection; the dispatcher asks for verification of other reports, re-dispatches what came back (a
 * rejected task) and records the evaluation of closed cases.
 */
export class CommandCentre {
  readonly stats: CommandCentreStats = { filed: 0, voided: 0, dispatched: 0, closed: 0, evaluated: 0, errors: 0, lastError: null };
  private readonly dispatcher: HubApi;
  private readonly lead: HubApi;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly log: (line: string) => void;
  /** Incidents a step failed on (e.g. nobody on duty to dispatch to), not retried every round. */
  private readonly given = new Set<string>();

  constructor(readonly options: CommandCentreOptions) {
    this.dispatcher = new HubApi(options.httpUrl);
    this.lead = new HubApi(options.httpUrl);
    this.log = options.log ?? ((line) => process.stdout.write(line + '\n'));
  }

  async start(): Promise<void> {
    const d = this.options.dispatcher ?? { username: 'dispatcher', password: 'Dispatch-2026' };
    const l = this.options.shiftLead ?? { username: 'shiftlead', password: 'Shift-2026' };
    await this.dispatcher.login(d.username, d.password);
    await this.lead.login(l.username, l.password);
    const loop = () => {
      this.round = this.work()
        .catch((error: Error) => {
          this.stats.errors++;
          this.stats.lastError = error.message;
        })
        .finally(() => {
          this.round = null;
          if (this.timer) this.timer = setTimeout(loop, this.options.everyMs ?? 1000);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private async list(status: string): Promise<IncidentRow[]> {
    return (await this.dispatcher.incidents(status)).filter((i) => !this.given.has(`${i.id}/${i.status}`));
  }

  private async act(api: HubApi, incident: IncidentRow, body: IncidentAction): Promise<boolean> {
    try {
      await api.act(incident.id, body);
      return true;
    } catch (error) {
      // 409: someone (a timer, a person) moved it first; anything else is noted and not retried.
      if (!(error instanceof HttpError && error.status === 409)) {
        this.stats.errors++;
        this.stats.lastError = error instanceof Error ? error.message : String(error);
      }
      this.given.add(`${incident.id}/${incident.status}`);
      return false;
    }
  }

  private async work(): Promise<void> {
    // Intake: a grid worker's own patrol report is filed at once (the worker was there); others are verified first.
    for (const i of await this.list('reported')) {
      if (i.source === 'patrol') {
        if (await this.act(this.lead, i, { action: 'file', note: '网格员巡查上报，立案 / patrol report, filed' })) {
          this.stats.filed++;
          this.log(`[值班长 shift lead] filed ${i.code} ${i.title ?? ''}`);
        }
      } else if (await this.act(this.dispatcher, i, { action: 'request_verification' })) {
        this.log(`[派遣员 dispatcher] asked for verification of ${i.code} ${i.title ?? ''}`);
      }
    }
    for (const i of await this.list('verifying')) {
      if (!i.verifiedAt) continue;
      if (i.verifiedValid) {
        if (await this.act(this.lead, i, { action: 'file', note: '核实属实，立案 / verified, filed' })) {
          this.stats.filed++;
          this.log(`[值班长 shift lead] filed ${i.code} ${i.title ?? ''}`);
        }
      } else if (await this.act(this.lead, i, { action: 'void', reason: '现场核实不属实 / not found on site' })) {
        this.stats.voided++;
        this.log(`[值班长 shift lead] voided ${i.code} ${i.title ?? ''}`);
      }
    }
    for (const i of await this.list('filed')) {
      if (await this.act(this.dispatcher, i, { action: 'dispatch', note: '派遣 / dispatched' })) {
        this.stats.dispatched++;
        this.log(`[派遣员 dispatcher] dispatched ${i.code} ${i.title ?? ''}`);
      }
    }
    for (const i of await this.list('reinspecting')) {
      if (!i.reinspectionPassed) continue;
      if (await this.act(this.lead, i, { action: 'close', note: '核查合格，结案 / re-inspected, closed' })) {
        this.stats.closed++;
        this.log(`[值班长 shift lead] closed ${i.code} ${i.title ?? ''}`);
      }
    }
    for (const i of await this.list('closed')) {
      if (await this.act(this.dispatcher, i, { action: 'evaluate', grade: 'satisfied', note: '回访满意 / the reporter is satisfied' })) {
        this.stats.evaluated++;
      }
    }
  }
}
