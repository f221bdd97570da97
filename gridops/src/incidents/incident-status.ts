/**
 * The seven-step closed loop (../shared/domain/governance.md): intake → verify/file → dispatch → handle →
 * feedback → re-inspect/close → evaluate. One place for the state names and the allowed moves.
 */
export const INCIDENT_STATUSES = [
  'reported', // 1 信息收集
  'verifying', // 2 核实
  'filed', // 2 立案
  'voided', // 2 作废
  'dispatched', // 3 任务派遣 — the handling clock starts
  'accepted', // 4 任务处理 (worker took it)
  'handled', // 5 处理反馈
  'reinspecting', // 6 核查
  'closed', // 6 结案
  'evaluated', // 7 综合评价
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const OPEN_STATUSES: IncidentStatus[] = ['reported', 'verifying', 'filed', 'dispatched', 'accepted', 'handled', 'reinspecting'];

export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  reported: ['verifying', 'filed', 'voided'],
  verifying: ['filed', 'voided'],
  filed: ['dispatched'],
  voided: [],
  dispatched: ['accepted', 'dispatched'],
  accepted: ['handled'],
  handled: ['reinspecting'],
  reinspecting: ['closed', 'dispatched'],
  closed: ['evaluated'],
  evaluated: [],
};

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
