import { canMove, IncidentParties, refusalOf } from './incident-status';

const incident = (overrides: Partial<IncidentParties>): IncidentParties => ({
  status: 'dispatched',
  assigneeWorkerId: 'w1',
  verifierWorkerId: null,
  reinspectorWorkerId: null,
  source: 'patrol',
  emergency: false,
  verifiedValid: null,
  extensionPending: null,
  suspensionPending: null,
  suspendedAt: null,
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

  it('lets shift leads close, dispatchers dispatch and evaluate', () => {
    expect(refusalOf('close', incident({ status: 'reinspecting', reinspectionPassed: true }), lead)).toBeNull();
    expect(refusalOf('dispatch', incident({ status: 'filed', assigneeWorkerId: null }), dispatcher)).toBeNull();
    expect(refusalOf('evaluate', incident({ status: 'closed' }), dispatcher)).toBeNull();
  });
});

describe('refusalOf, beyond the status', () => {
  it('closes only after the re-inspection passed, and passes it once', () => {
    const supervisor = { role: 'supervisor', workerId: 's3' };
    const open = incident({ status: 'reinspecting', reinspectorWorkerId: 's3' });
    expect(refusalOf('close', open, lead)).toEqual({ code: 409, message: 'cannot close before the re-inspection has passed (reinspect_pass)' });
    expect(refusalOf('reinspect_pass', open, supervisor)).toBeNull();
    const passed = { ...open, reinspectionPassed: true };
    expect(refusalOf('close', passed, lead)).toBeNull();
    expect(refusalOf('reinspect_pass', passed, supervisor)).toEqual({ code: 409, message: 'the re-inspection has already passed; the shift lead closes it' });
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

describe('verification and re-inspection (监督员)', () => {
  const supervisor = (workerId: string) => ({ role: 'supervisor', workerId });

  it('are refused to everyone but a supervisor', () => {
    const verifying = incident({ status: 'verifying', assigneeWorkerId: null, verifierWorkerId: 's1' });
    const reinspecting = incident({ status: 'reinspecting', reinspectorWorkerId: 's1' });
    for (const actor of [lead, dispatcher, { role: 'admin', workerId: null }, worker('w1'), worker('s1')]) {
      expect(refusalOf('verify', verifying, actor)?.code).toBe(403);
      expect(refusalOf('reinspect_pass', reinspecting, actor)?.code).toBe(403);
      expect(refusalOf('reinspect_fail', reinspecting, actor)?.code).toBe(403);
    }
    expect(refusalOf('verify', verifying, supervisor('s1'))).toBeNull();
    expect(refusalOf('reinspect_pass', reinspecting, supervisor('s1'))).toBeNull();
  });

  it('bind the supervisor the incident names; one naming nobody is open to any supervisor', () => {
    expect(refusalOf('verify', incident({ status: 'verifying', verifierWorkerId: 's1' }), supervisor('s2'))?.code).toBe(403);
    expect(refusalOf('reinspect_pass', incident({ status: 'reinspecting', reinspectorWorkerId: null }), supervisor('s2'))).toBeNull();
  });

  it('keep a supervisor from handling', () => {
    expect(refusalOf('accept', incident({ assigneeWorkerId: 's1' }), supervisor('s1'))?.code).toBe(403);
  });

  it('file a public or hotline report only after a valid verification, emergencies excepted', () => {
    const reported = incident({ status: 'reported', assigneeWorkerId: null, source: 'hotline', verifiedValid: null });
    expect(refusalOf('file', reported, lead)).toMatchObject({ code: 409, message: expect.stringContaining('supervisor has verified') });
    expect(refusalOf('file', { ...reported, status: 'verifying', verifiedValid: false }, lead)?.code).toBe(409);
    expect(refusalOf('file', { ...reported, status: 'verifying', verifiedValid: true }, lead)).toBeNull();
    expect(refusalOf('file', { ...reported, emergency: true }, lead)).toBeNull();
    expect(refusalOf('file', { ...reported, source: 'patrol' }, lead)).toBeNull();
  });
});

describe('suspension (挂账)', () => {
  it('is requested by the assignee or the command centre and approved by a shift lead', () => {
    expect(refusalOf('request_suspension', incident({}), worker('w1'))).toBeNull();
    expect(refusalOf('request_suspension', incident({}), worker('w2'))?.code).toBe(403);
    expect(refusalOf('request_suspension', incident({}), dispatcher)).toBeNull();
    const requested = incident({ suspensionPending: { reason: 'permit' } });
    expect(refusalOf('approve_suspension', requested, dispatcher)?.code).toBe(403);
    expect(refusalOf('approve_suspension', requested, lead)).toBeNull();
    expect(refusalOf('approve_suspension', incident({}), lead)).toEqual({ code: 409, message: 'no suspension request is waiting' });
    expect(refusalOf('resume', incident({ status: 'closed' }), lead)?.code).toBe(409);
  });

  it('stops the clock once: no second request, no extension and a resume only while it is stopped', () => {
    const stopped = incident({ suspendedAt: '2026-10-08T02:00:00Z' });
    expect(refusalOf('request_suspension', stopped, worker('w1'))).toEqual({ code: 409, message: 'the clock is already stopped (挂账)' });
    expect(refusalOf('request_suspension', incident({ suspensionPending: { reason: 'x' } }), worker('w1'))?.message).toContain('already waiting');
    expect(refusalOf('request_extension', stopped, worker('w1'))?.message).toBe('the clock is stopped (挂账): resume it before asking for more time');
    expect(refusalOf('approve_extension', { ...stopped, extensionPending: { hours: 2 } }, lead)?.message).toBe('the clock is stopped (挂账): resume it before extending the deadline');
    expect(refusalOf('resume', incident({}), lead)).toEqual({ code: 409, message: 'the clock is not stopped: nothing to resume' });
    expect(refusalOf('resume', stopped, dispatcher)).toBeNull();
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
