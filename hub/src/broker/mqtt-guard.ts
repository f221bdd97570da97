/**
 * Protections at the broker's door, kept in memory per hub instance (a cluster broker such as EMQX has its own):
 * a login throttle against password guessing and per-device rate limits.
 */

interface Attempts {
  failures: number;
  firstAt: number;
  blockedUntil: number;
}

/**
 * Refuses further logins for a (username, address) pair after `maxFailures` failed ones within `windowMs`,
 * for `blockMs`, without checking the password at all. Bounded: the oldest entries go first.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, Attempts>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 10 * 60_000,
    private readonly blockMs = 10 * 60_000,
    private readonly capacity = 100_000,
  ) {}

  /** Milliseconds until this pair may try again; 0 when it may try now. */
  blockedFor(username: string, address: string, now: number): number {
    const entry = this.attempts.get(key(username, address));
    return entry && entry.blockedUntil > now ? entry.blockedUntil - now : 0;
  }

  /** Counts a failure; returns true when this failure started a block. */
  failed(username: string, address: string, now: number): boolean {
    const k = key(username, address);
    let entry = this.attempts.get(k);
    if (!entry || now - entry.firstAt > this.windowMs) entry = { failures: 0, firstAt: now, blockedUntil: 0 };
    entry.failures += 1;
    this.attempts.delete(k); // re-insert: the map's order is the eviction order
    this.attempts.set(k, entry);
    if (this.attempts.size > this.capacity) this.attempts.delete(this.attempts.keys().next().value!);
    if (entry.failures >= this.maxFailures) {
      entry.blockedUntil = now + this.blockMs;
      entry.failures = 0;
      entry.firstAt = now;
      return true;
    }
    return false;
  }

  succeeded(username: string, address: string): void {
    this.attempts.delete(key(username, address));
  }
}

const key = (username: string, address: string) => `${username}\u0000${address}`;

interface Bucket {
  messages: number;
  bytes: number;
  at: number;
}

/**
 * Token buckets per device, one for messages and one for bytes, each holding `burstSeconds` worth of its
 * rate (a device catching up after an outage sends its backlog at once). A publish over the rate waits — the
 * broker reads nothing more from that device meanwhile (TCP backpressure, nothing lost); only a device so
 * far over that a message would wait longer than `maxDelayMs` is refused and disconnected.
 */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly messagesPerSecond: number,
    private readonly bytesPerSecond: number,
    private readonly burstSeconds = 10,
    private readonly maxDelayMs = 30_000,
  ) {}

  /** Takes one message of `bytes` from the device's buckets: how long to hold it (ms), or null to refuse it. */
  take(deviceId: string, bytes: number, now: number): number | null {
    const capacity = { messages: this.messagesPerSecond * this.burstSeconds, bytes: this.bytesPerSecond * this.burstSeconds };
    const bucket = this.buckets.get(deviceId) ?? { messages: capacity.messages, bytes: capacity.bytes, at: now };
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    const messages = Math.min(capacity.messages, bucket.messages + elapsed * this.messagesPerSecond) - 1;
    const octets = Math.min(capacity.bytes, bucket.bytes + elapsed * this.bytesPerSecond) - bytes;
    const waitMs = Math.max(0, (-messages / this.messagesPerSecond) * 1000, (-octets / this.bytesPerSecond) * 1000);
    if (waitMs > this.maxDelayMs) return null;
    this.buckets.set(deviceId, { messages, bytes: octets, at: now });
    return Math.ceil(waitMs);
  }

  forget(deviceId: string): void {
    this.buckets.delete(deviceId);
  }
}
