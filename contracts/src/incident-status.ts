import { isFieldRole, type Role } from './role';

/**
 * The seven-step closed loop (docs/domain/governance.md): intake → verify/file → dispatch → handle →
 * feedback → re-inspect/close → evaluate. One place for the state names, the actions and who may take them.
 */
export const INCIDENT_STATUSES = [
  'reported', // 1 信息收集
  'verifying', // 2 核实 (a supervisor is asked to verify on site)
  'filed', // 2 立案 — waiting for the dispatcher
  'voided', // 2 作废
  'dispatched', // 3 任务派遣 — the handling clock starts
  'accepted', // 4 任务处理: the assignee took it
  'in_progress', // 4 arrived on site (GPS check-in)
  'handled', // 5 处理反馈 (notes and photos)
  'reinspecting', // 6 核查
  'closed', // 6 结案
  'evaluated', // 7 综合评价
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Not yet closed or voided. */
export const OPEN_STATUSES: IncidentStatus[] = [
  'reported',
  'verifying',
  'filed',
  'dispatched',
  'accepted',
  'in_progress',
  'handled',
  'reinspecting',
];

/** With a handler working on it: counts toward a worker's load. */
export const ASSIGNED_STATUSES: IncidentStatus[] = ['dispatched', 'accepted', 'in_progress'];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const INCIDENT_SOURCES = ['patrol', 'public', 'hotline', 'superior', 'sensor', 'video', 'emergency'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export const EVALUATION_GRADES = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];


/** Which worker of the incident a grid worker must be to take the action. */
export type WorkerBinding = 'assignee' | 'verifier' | 'reinspector';

/**
 * What else the incident must show for an action, beyond its status: an extension or suspension request waiting (or
 * not), the handling clock running or stopped (挂账), the re-inspection passed (or not yet), a public or hotline
 * report verified before it is filed.
 */
export type ActionCondition =
  | 'extension_pending'
  | 'no_extension_pending'
  | 'suspension_pending'
  | 'no_suspension_pending'
  | 'clock_running'
  | 'clock_stopped'
  | 'reinspection_passed'
  | 'reinspection_open'
  | 'verified_if_required';

const CONDITIONS: Record<ActionCondition, { holds: (i: IncidentParties) => boolean; refusal: (action: string, i: IncidentParties) => string }> = {
  extension_pending: { holds: (i) => !!i.extensionPending, refusal: () => 'no extension request is waiting' },
  no_extension_pending: { holds: (i) => !i.extensionPending, refusal: () => 'an extension request is already waiting for the shift lead' },
  suspension_pending: { holds: (i) => !!i.suspensionPending, refusal: () => 'no suspension request is waiting' },
  no_suspension_pending: { holds: (i) => !i.suspensionPending, refusal: () => 'a suspension request is already waiting for the shift lead' },
  clock_running: {
    holds: (i) => !i.suspendedAt,
    refusal: (action) =>
      action === 'request_extension'
        ? 'the clock is stopped (挂账): resume it before asking for more time'
        : action === 'approve_extension'
          ? 'the clock is stopped (挂账): resume it before extending the deadline'
          : 'the clock is already stopped (挂账)',
  },
  clock_stopped: { holds: (i) => !!i.suspendedAt, refusal: () => 'the clock is not stopped: nothing to resume' },
  reinspection_passed: { holds: (i) => i.reinspectionPassed === true, refusal: () => 'cannot close before the re-inspection has passed (reinspect_pass)' },
  reinspection_open: { holds: (i) => i.reinspectionPassed !== true, refusal: () => 'the re-inspection has already passed; the shift lead closes it' },
  verified_if_required: {
    holds: (i) => !needsVerification(i) || i.verifiedValid === true,
    refusal: (_action, i) => `cannot file a ${i.source} report before a supervisor has verified it on site (request_verification, then verify with valid: true)`,
  },
};

export interface ActionRule {
  from: readonly IncidentStatus[];
  /** Roles that may take it; a grid worker additionally must be the bound worker. */
  roles: readonly Role[];
  worker?: WorkerBinding;
  /** Conditions beyond the status, checked in order. */
  when?: readonly ActionCondition[];
  /** The status it leads to; null: the status stays (a record on the trail). */
  to: IncidentStatus | null;
}

const COMMAND: Role[] = ['admin', 'dispatcher', 'shift_lead'];
const LEADS: Role[] = ['admin', 'shift_lead'];
const HANDLING: IncidentStatus[] = ['dispatched', 'accepted', 'in_progress'];

/**
 * Supervision and handling kept apart (监管分离, GB/T 30428): the intake operator (dispatcher) asks for verification
 * and dispatches, the shift lead (值班长) files, voids, approves extensions and suspensions and closes, the
 * supervisor (监督员) verifies on site and re-inspects, grid workers handle only what is theirs. Only a supervisor
 * verifies or re-inspects: the one the incident names, or any supervisor while it names none.
 */
export const ACTION_RULES = {
  request_verification: { from: ['reported'], roles: COMMAND, to: 'verifying' },
  verify: { from: ['verifying'], roles: ['supervisor'], worker: 'verifier', to: null },
  file: { from: ['reported', 'verifying'], roles: LEADS, when: ['verified_if_required'], to: 'filed' },
  void: { from: ['reported', 'verifying'], roles: LEADS, to: 'voided' },
  dispatch: { from: ['filed', 'dispatched'], roles: COMMAND, to: 'dispatched' },
  accept: { from: ['dispatched'], roles: ['grid_worker'], worker: 'assignee', to: 'accepted' },
  reject: { from: ['dispatched', 'accepted'], roles: ['grid_worker'], worker: 'assignee', to: 'filed' },
  check_in: { from: ['accepted'], roles: ['grid_worker'], worker: 'assignee', to: 'in_progress' },
  handle: { from: ['in_progress'], roles: ['grid_worker'], worker: 'assignee', to: 'handled' },
  request_extension: { from: HANDLING, roles: ['grid_worker'], worker: 'assignee', when: ['no_extension_pending', 'clock_running'], to: null },
  approve_extension: { from: HANDLING, roles: LEADS, when: ['extension_pending', 'clock_running'], to: null },
  refuse_extension: { from: HANDLING, roles: LEADS, when: ['extension_pending'], to: null },
  // 挂账/缓办: the clock stops while the shift lead's approval stands, and restarts on resume.
  request_suspension: { from: HANDLING, roles: ['grid_worker', ...COMMAND], worker: 'assignee', when: ['clock_running', 'no_suspension_pending'], to: null },
  approve_suspension: { from: HANDLING, roles: LEADS, when: ['suspension_pending', 'clock_running'], to: null },
  refuse_suspension: { from: HANDLING, roles: LEADS, when: ['suspension_pending'], to: null },
  resume: { from: HANDLING, roles: COMMAND, when: ['clock_stopped'], to: null },
  reinspect_pass: { from: ['reinspecting'], roles: ['supervisor'], worker: 'reinspector', when: ['reinspection_open'], to: null },
  reinspect_fail: { from: ['reinspecting'], roles: ['supervisor'], worker: 'reinspector', to: 'dispatched' },
  close: { from: ['reinspecting'], roles: LEADS, when: ['reinspection_passed'], to: 'closed' },
  evaluate: { from: ['closed'], roles: COMMAND, to: 'evaluated' },
} as const satisfies Record<string, ActionRule>;

export type IncidentAction = keyof typeof ACTION_RULES;
export const INCIDENT_ACTIONS = Object.keys(ACTION_RULES) as IncidentAction[];

/** Entries the system writes on its own (timers, intake): never requested through the actions endpoint. */
export const SYSTEM_ACTIONS = ['report', 'reassign', 'escalate', 'supervise', 'overdue', 'start_reinspection'] as const;

export interface ActionActor {
  role: string;
  workerId: string | null;
}

/** What `refusalOf` reads of an incident: the server's record and its wire form both carry these fields. */
export interface IncidentParties {
  status: IncidentStatus;
  assigneeWorkerId: string | null;
  verifierWorkerId: string | null;
  reinspectorWorkerId: string | null;
  /** For the filing rule: a public or hotline report is verified first (emergencies excepted). */
  source: string;
  emergency: boolean;
  verifiedValid: boolean | null;
  /** The extension and suspension requests waiting for the shift lead, if any; when the clock was stopped (挂账). */
  extensionPending: unknown;
  suspensionPending: unknown;
  suspendedAt: unknown;
  reinspectionPassed: boolean | null;
}

/** Sources whose reports a supervisor verifies on site before they are filed (emergencies excepted). */
export const VERIFIED_SOURCES = ['public', 'hotline'] as const;

/** Whether the report must be verified on site by a supervisor before it is filed. */
export function needsVerification(incident: { source: string; emergency: boolean }): boolean {
  return !incident.emergency && (VERIFIED_SOURCES as readonly string[]).includes(incident.source);
}

export type ActionRefusal = { code: 403 | 409; message: string };

/**
 * Whether `actor` may take `action` on the incident now: null if so, else the 403 (not this actor) or
 * 409 (not from this state) with a message naming the state. The server refuses with it and the browser shows
 * or enables its buttons by it: one rule for both.
 */
export function refusalOf(action: IncidentAction, incident: IncidentParties, actor: ActionActor): ActionRefusal | null {
  const rule: ActionRule = ACTION_RULES[action];
  if (!rule.roles.includes(actor.role as Role)) {
    return { code: 403, message: `${action} needs the role ${rule.roles.join(' or ')}; you are ${actor.role}` };
  }
  if (!rule.from.includes(incident.status)) {
    return {
      code: 409,
      message: `cannot ${action} an incident that is ${incident.status} (allowed from ${rule.from.join(', ')})`,
    };
  }
  if (isFieldRole(actor.role) && rule.worker) {
    const bound = { assignee: incident.assigneeWorkerId, verifier: incident.verifierWorkerId, reinspector: incident.reinspectorWorkerId }[
      rule.worker
    ];
    // A supervisor takes a verification or re-inspection nobody is named for; a worker only their own task.
    const open = actor.role === 'supervisor' && bound === null;
    if (!actor.workerId || (!open && bound !== actor.workerId)) {
      return { code: 403, message: `${action}: this incident's ${rule.worker} is another worker` };
    }
  }
  for (const condition of rule.when ?? []) {
    if (!CONDITIONS[condition].holds(incident)) return { code: 409, message: CONDITIONS[condition].refusal(action, incident) };
  }
  return null;
}

/** Every allowed move between statuses (for documentation and checks). */
export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return Object.values(ACTION_RULES).some((r: ActionRule) => r.to === to && r.from.includes(from));
}
