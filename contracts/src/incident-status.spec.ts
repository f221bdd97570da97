import { canMove, IncidentParties, refusalOf } from './incident-status';

const incident = (overrides: Partial<IncidentParties>): IncidentParties => ({
  status: 'dispatched',
  assigneeWorkerId: 'w1',
  verifierWorkerId: null,
  reinspectorWorkerId: null,
  ...overrides,
});
const worker = (workerId: string) => ({ role: 'grid_worker', workerId });
const lead = { role: 'shift_lead', workerId: null };
const dispatcher = { role: 'dispatcher', workerId: null };

describe('refusalOf', () => {
  it('lets the assignee accept a dispatched task', () => {
    expect(refusalOf('accept', incident({}), worker('w1'))).toBeNull();
  });

  it('refuses another worker with 403, naming whose it is', () => {
    expect(refusalOf('accept', incident({}), worker('w2'))).toEqual({ code: 403, message: 'accept: this incident\'s assignee is another worker' });
    expect(refusalOf('reinspect_pass', incident({ status: 'reinspecting', reinspectorWorkerId: 'w3' }), worker('w1'))?.code).toBe(403);
  });

  it('refuses a role that may not take the action with 403', () => {
    expect(refusalOf('file', incident({ status: 'reported' }), dispatcher)).toMatchObject({ code: 403, message: expect.stringContaining('shift_lead') });
    expect(refusalOf('accept', incident({}), lead)?.code).toBe(403);
  });

  it('refuses an action the state does not allow with 409 naming the state', () => {
    expect(refusalOf('accept', incident({ status: 'closed' }), worker('w1'))).toEqual({
      code: 409,
      message: 'cannot accept an incident that is closed (allowed from dispatched)',
    });
    expect(refusalOf('close', incident({ status: 'dispatched' }), lead)?.code).toBe(409);
  });

  it('lets shift leads re-inspect and close, dispatchers dispatch and evaluate', () => {
    expect(refusalOf('reinspect_fail', incident({ status: 'reinspecting' }), lead)).toBeNull();
    expect(refusalOf('dispatch', incident({ status: 'filed', assigneeWorkerId: null }), dispatcher)).toBeNull();
    expect(refusalOf('evaluate', incident({ status: 'closed' }), dispatcher)).toBeNull();
  });
});

describe('canMove', () => {
  it('follows the seven-step loop', () => {
    expect(canMove('reported', 'verifying')).toBe(true);
    expect(canMove('verifying', 'filed')).toBe(true);
    expect(canMove('filed', 'dispatched')).toBe(true);
    expect(canMove('accepted', 'in_progress')).toBe(true);
    expect(canMove('reinspecting', 'dispatched')).toBe(true); // rework
    expect(canMove('dispatched', 'filed')).toBe(true); // rejection
    expect(canMove('reported', 'dispatched')).toBe(false);
    expect(canMove('closed', 'dispatched')).toBe(false);
    expect(canMove('voided', 'filed')).toBe(false);
  });
});
