import { canMove, IncidentParties, refusalOf } from './incident-status';

const incident = (overrides: Partial<IncidentParties>): IncidentParties => ({
  status: 'dispatched',
  assigneeWorkerId: 'w1',
  verifierWorkerId: null,
  reinspectorWorkerId: null,
  extensionPending: null,
  reinspectionPassed: null,
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

describe('refusalOf, beyond the status', () => {
  it('closes only after the re-inspection passed, and passes it once', () => {
    const open = incident({ status: 'reinspecting', reinspectorWorkerId: 'w3' });
    expect(refusalOf('close', open, lead)).toEqual({ code: 409, message: 'cannot close before the re-inspection has passed (reinspect_pass)' });
    expect(refusalOf('reinspect_pass', open, worker('w3'))).toBeNull();
    const passed = { ...open, reinspectionPassed: true };
    expect(refusalOf('close', passed, lead)).toBeNull();
    expect(refusalOf('reinspect_pass', passed, worker('w3'))).toEqual({ code: 409, message: 'the re-inspection has already passed; the shift lead closes it' });
  });

  it('takes one extension request at a time, and approves or refuses only a waiting one', () => {
    const waiting = incident({ status: 'accepted', extensionPending: { hours: 4, reason: 'parts' } });
    expect(refusalOf('request_extension', incident({ status: 'accepted' }), worker('w1'))).toBeNull();
    expect(refusalOf('request_extension', waiting, worker('w1'))).toMatchObject({ code: 409, message: expect.stringContaining('already waiting') });
    expect(refusalOf('approve_extension', incident({ status: 'accepted' }), lead)).toEqual({ code: 409, message: 'no extension request is waiting' });
    expect(refusalOf('approve_extension', waiting, lead)).toBeNull();
    expect(refusalOf('refuse_extension', waiting, lead)).toBeNull();
  });

  it('says 403 before 409: a role that may never take an action is not told about the state', () => {
    expect(refusalOf('close', incident({ status: 'reinspecting' }), dispatcher)?.code).toBe(403);
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
