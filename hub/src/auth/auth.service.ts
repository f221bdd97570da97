import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock, SecretHasher } from '@gridhub/ingest';
import { HubRuntime } from '../runtime';
import { AccountRepository } from './account.repository';
import { Account, AccountDetail, Principal } from './account.types';
import { AuditRepository } from './audit.repository';
import { KioskToken, KioskTokenRepository } from './kiosk-token.repository';
import { RefreshTokenRepository } from './refresh-token.repository';

export type Authentication =
  | { kind: 'ok'; account: AccountDetail }
  | { kind: 'refused' }
  | { kind: 'locked'; until: Date }
  | { kind: 'disabled' };

/** A wall screen's access token, from its kiosk token. */
export interface KioskSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  kiosk: { id: string; name: string; gridScope: string | null };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
  user: Account;
}

/** How long a verified token's account is trusted before it is read again (role, scope, disabled). */
const ACCOUNT_CACHE_MS = 5_000;
/** Verified access tokens remembered (until they expire), so a client's every request does not verify its signature again. */
const TOKEN_CACHE_SIZE = 10_000;

@Injectable()
export class AuthService {
  /** A hash to verify against when the username is unknown, so timing does not tell which usernames exist. */
  private dummyHash: Promise<string> | null = null;
  private readonly accountCache = new Map<string, { account: AccountDetail | null; at: number }>();
  private readonly kioskCache = new Map<string, { kiosk: KioskToken | null; at: number }>();
  /** Token → its claims and expiry (ms); only tokens whose signature and expiry were checked get here. */
  private readonly verifiedTokens = new Map<string, { claims: Principal; expiresAt: number }>();

  constructor(
    private readonly accounts: AccountRepository,
    private readonly hasher: SecretHasher,
    private readonly jwt: JwtService,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly kioskTokens: KioskTokenRepository,
    private readonly audit: AuditRepository,
    private readonly runtime: HubRuntime,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks a username and password, with lock-out: after `maxFailures` wrong passwords in a row the account is
   * locked for `lockoutMinutes` and its password is not even checked. Every outcome is audited.
   */
  async authenticate(username: string, password: string, ip: string | null, channel: 'http' | 'mqtt' = 'http'): Promise<Authentication> {
    const { maxFailures, lockoutMinutes } = this.runtime.config.auth;
    const now = this.clock.now();
    const actor = `account:${username.slice(0, 64)}`;
    const detail = { channel };
    const found = await this.accounts.findWithHash(username);
    if (!found) {
      this.dummyHash ??= this.hasher.hashPassword('not-a-real-password');
      await this.hasher.verify(await this.dummyHash, password);
      await this.audit.record({ at: now, actor, action: 'login.failure', target: null, ip, detail: { ...detail, reason: 'unknown username' } });
      return { kind: 'refused' };
    }
    const { account, passwordHash } = found;
    if (account.lockedUntil && account.lockedUntil > now) {
      await this.audit.record({ at: now, actor, action: 'login.locked', target: account.id, ip, detail });
      return { kind: 'locked', until: account.lockedUntil };
    }
    if (!(await this.hasher.verify(passwordHash, password))) {
      const lockedUntil = await this.accounts.recordFailure(account.id, now, maxFailures, lockoutMinutes);
      await this.audit.record({ at: now, actor, action: 'login.failure', target: account.id, ip, detail: { ...detail, reason: 'wrong password', lockedUntil } });
      return lockedUntil ? { kind: 'locked', until: lockedUntil } : { kind: 'refused' };
    }
    if (account.disabled) {
      await this.audit.record({ at: now, actor, action: 'login.failure', target: account.id, ip, detail: { ...detail, reason: 'account disabled' } });
      return { kind: 'disabled' };
    }
    await this.accounts.recordSuccess(account.id);
    await this.audit.record({ at: now, actor, action: 'login.success', target: account.id, ip, detail });
    return { kind: 'ok', account };
  }

  /** Logs in: an access token (short) and a refresh token (long, rotated on use). */
  async login(username: string, password: string, ip: string | null): Promise<Authentication | { kind: 'session'; session: Session }> {
    const outcome = await this.authenticate(username, password, ip);
    if (outcome.kind !== 'ok') return outcome;
    return { kind: 'session', session: await this.sessionFor(outcome.account) };
  }

  /** Exchanges a refresh token for a new pair; a replayed token revokes its family. */
  async refresh(refreshToken: string, ip: string | null): Promise<Session | null> {
    const now = this.clock.now();
    const outcome = await this.refreshTokens.rotate(refreshToken, now, this.runtime.config.auth.refreshTokenTtlSeconds);
    if (outcome.kind === 'invalid') return null;
    if (outcome.kind === 'reused') {
      await this.audit.record({ at: now, actor: 'anonymous', action: 'token.reuse', target: outcome.accountId, ip, detail: { revoked: 'family' } });
      return null;
    }
    const account = await this.accounts.findById(outcome.accountId);
    if (!account || account.disabled) {
      await this.refreshTokens.revokeAll(outcome.accountId, now);
      return null;
    }
    await this.audit.record({ at: now, actor: `account:${account.username}`, action: 'token.refresh', target: account.id, ip });
    return this.sessionFor(account, outcome.token);
  }

  async logout(refreshToken: string, ip: string | null): Promise<void> {
    const now = this.clock.now();
    const accountId = await this.refreshTokens.revoke(refreshToken, now);
    if (accountId) await this.audit.record({ at: now, actor: 'account', action: 'logout', target: accountId, ip });
  }

  /**
   * The principal behind an access token: the signature and expiry are checked, then the account itself
   * (read at most every few seconds), so a disabled account, a new role or a new scope takes effect at once.
   */
  async principalOf(token: string): Promise<Principal | null> {
    const claims = await this.verifiedClaims(token);
    if (!claims) return null;
    if (claims.role === 'kiosk') return this.kioskPrincipal(claims);
    const account = await this.cachedAccount(claims.sub);
    if (!account || account.disabled) return null;
    return {
      sub: account.id,
      username: account.username,
      role: account.role,
      workerId: account.workerId,
      gridScope: account.gridScope,
      departmentCode: account.departmentCode,
    };
  }

  /** Forget cached account state (after an administrator changed it). */
  forget(accountId: string): void {
    this.accountCache.delete(accountId);
  }

  /** Forget a kiosk token's cached state (after it was revoked): its access tokens stop working at once. */
  forgetKiosk(kioskId: string): void {
    this.kioskCache.delete(kioskId);
  }

  /**
   * Exchanges a kiosk token for a short access token with the role `kiosk` (never longer than the access-token
   * lifetime or the kiosk token's own end). Every exchange, and every refusal, is audited.
   */
  async kioskSession(token: string, ip: string | null): Promise<KioskSession | null> {
    const now = this.clock.now();
    const kiosk = await this.kioskTokens.use(token, now, ip);
    if (!kiosk) {
      await this.audit.record({ at: now, actor: 'anonymous', action: 'kiosk.refused', target: null, ip, detail: { reason: 'unknown, revoked or expired kiosk token' } });
      return null;
    }
    this.kioskCache.set(kiosk.id, { kiosk, at: Date.now() });
    const ttl = this.runtime.config.auth.accessTokenTtlSeconds;
    const left = kiosk.expiresAt ? Math.floor((kiosk.expiresAt.getTime() - now.getTime()) / 1000) : ttl;
    const expiresIn = Math.max(1, Math.min(ttl, left));
    const principal: Principal = { sub: kiosk.id, username: `kiosk:${kiosk.name}`, role: 'kiosk', workerId: null, gridScope: kiosk.gridScope, kioskId: kiosk.id };
    await this.audit.record({ at: now, actor: `kiosk:${kiosk.name}`, action: 'kiosk.session', target: kiosk.id, ip, detail: { expiresIn } });
    return {
      accessToken: await this.jwt.signAsync(principal, { expiresIn }),
      tokenType: 'Bearer',
      expiresIn,
      kiosk: { id: kiosk.id, name: kiosk.name, gridScope: kiosk.gridScope },
    };
  }

  private async kioskPrincipal(claims: Principal): Promise<Principal | null> {
    const id = claims.kioskId ?? claims.sub;
    const hit = this.kioskCache.get(id);
    let kiosk: KioskToken | null;
    if (hit && Date.now() - hit.at < ACCOUNT_CACHE_MS) kiosk = hit.kiosk;
    else {
      kiosk = await this.kioskTokens.findActive(id, this.clock.now());
      if (this.kioskCache.size > 1_000) this.kioskCache.clear();
      this.kioskCache.set(id, { kiosk, at: Date.now() });
    }
    if (!kiosk || kiosk.revokedAt || (kiosk.expiresAt && kiosk.expiresAt <= this.clock.now())) return null;
    return { sub: kiosk.id, username: `kiosk:${kiosk.name}`, role: 'kiosk', workerId: null, gridScope: kiosk.gridScope, kioskId: kiosk.id };
  }

  /**
   * The claims of a token whose signature and expiry hold. A token verified before is taken from memory until its
   * `exp` (the same clock jsonwebtoken checks it against); an HMAC verification per request was ~0.2 ms of the
   * hub's main thread at 100 requests/s.
   */
  private async verifiedClaims(token: string): Promise<Principal | null> {
    const hit = this.verifiedTokens.get(token);
    if (hit) {
      if (Date.now() < hit.expiresAt) return hit.claims;
      this.verifiedTokens.delete(token);
    }
    let claims: Principal & { exp?: number };
    try {
      claims = await this.jwt.verifyAsync<Principal & { exp?: number }>(token);
    } catch {
      return null;
    }
    // Tokens without an expiry are not remembered: they are verified every time.
    if (typeof claims.exp === 'number') {
      if (this.verifiedTokens.size >= TOKEN_CACHE_SIZE) this.verifiedTokens.clear();
      this.verifiedTokens.set(token, { claims, expiresAt: claims.exp * 1000 });
    }
    return claims;
  }

  private async cachedAccount(id: string): Promise<AccountDetail | null> {
    const hit = this.accountCache.get(id);
    if (hit && Date.now() - hit.at < ACCOUNT_CACHE_MS) return hit.account;
    const account = await this.accounts.findById(id);
    if (this.accountCache.size > 10_000) this.accountCache.clear();
    this.accountCache.set(id, { account, at: Date.now() });
    return account;
  }

  private async sessionFor(account: AccountDetail, refreshToken?: string): Promise<Session> {
    const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = this.runtime.config.auth;
    const principal: Principal = {
      sub: account.id,
      username: account.username,
      role: account.role,
      workerId: account.workerId,
      gridScope: account.gridScope,
      departmentCode: account.departmentCode,
    };
    return {
      accessToken: await this.jwt.signAsync(principal, { expiresIn: accessTokenTtlSeconds }),
      refreshToken: refreshToken ?? (await this.refreshTokens.issue(account.id, this.clock.now(), refreshTokenTtlSeconds)),
      tokenType: 'Bearer',
      expiresIn: accessTokenTtlSeconds,
      refreshExpiresIn: refreshTokenTtlSeconds,
      user: {
        id: account.id,
        username: account.username,
        role: account.role,
        displayName: account.displayName,
        workerId: account.workerId,
        gridScope: account.gridScope,
        departmentCode: account.departmentCode,
      },
    };
  }
}
