import { DeviceRateLimiter, LoginThrottle } from './mqtt-guard';

describe('LoginThrottle', () => {
  it('blocks a name and address after the allowed failures, for the block time only', () => {
    const throttle = new LoginThrottle(3, 60_000, 30_000);
    expect(throttle.failed('air-001', '10.0.0.1', 0)).toBe(false);
    expect(throttle.failed('air-001', '10.0.0.1', 1_000)).toBe(false);
    expect(throttle.blockedFor('air-001', '10.0.0.1', 1_500)).toBe(0);
    expect(throttle.failed('air-001', '10.0.0.1', 2_000)).toBe(true);
    expect(throttle.blockedFor('air-001', '10.0.0.1', 2_000)).toBe(30_000);
    expect(throttle.blockedFor('air-001', '10.0.0.2', 2_000)).toBe(0); // another address
    expect(throttle.blockedFor('air-002', '10.0.0.1', 2_000)).toBe(0); // another name
    expect(throttle.blockedFor('air-001', '10.0.0.1', 32_001)).toBe(0);
  });

  it('forgets failures outside the window and after a success', () => {
    const throttle = new LoginThrottle(2, 10_000, 30_000);
    throttle.failed('w', 'a', 0);
    expect(throttle.failed('w', 'a', 20_000)).toBe(false); // the first one is outside the window
    throttle.succeeded('w', 'a');
    expect(throttle.failed('w', 'a', 21_000)).toBe(false);
  });

  it('stays within its capacity', () => {
    const throttle = new LoginThrottle(2, 60_000, 60_000, 10);
    for (let i = 0; i < 100; i++) throttle.failed(`d${i}`, 'a', i);
    throttle.failed('d99', 'a', 200);
    expect(throttle.blockedFor('d99', 'a', 201)).toBeGreaterThan(0);
    throttle.failed('d0', 'a', 202);
    expect(throttle.blockedFor('d0', 'a', 203)).toBe(0); // d0's first failure was evicted
  });
});

describe('DeviceRateLimiter', () => {
  it('lets a burst through, then holds messages to the rate, then refuses a flood', () => {
    const limiter = new DeviceRateLimiter(10, 1_000_000, 1, 500);
    const delays = Array.from({ length: 10 }, () => limiter.take('d', 100, 0));
    expect(delays).toEqual(Array(10).fill(0));
    expect(limiter.take('d', 100, 0)).toBe(100); // one message at 10/s
    expect(limiter.take('d', 100, 0)).toBe(200);
    for (let i = 0; i < 3; i++) limiter.take('d', 100, 0);
    expect(limiter.take('d', 100, 0)).toBeNull(); // would wait more than 500 ms
    expect(limiter.take('other', 100, 0)).toBe(0); // per device
    expect(limiter.take('d', 100, 2_000)).toBe(0); // refilled
  });

  it('limits bytes as well as messages', () => {
    const limiter = new DeviceRateLimiter(1000, 1_000, 1, 2_000);
    expect(limiter.take('d', 1_000, 0)).toBe(0);
    expect(limiter.take('d', 500, 0)).toBe(500);
    expect(limiter.take('d', 2_000, 0)).toBeNull();
  });
});
