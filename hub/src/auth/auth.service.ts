import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SecretHasher } from '@gridhub/ingest';
import { AccountRepository } from './account.repository';
import { Account, Principal } from './account.types';

export const ACCESS_TOKEN_TTL_SECONDS = 12 * 3600;

@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly hasher: SecretHasher,
    private readonly jwt: JwtService,
  ) {}

  /** Checks a username and password; the same null for an unknown user and a wrong password. */
  async verify(username: string, password: string): Promise<Account | null> {
    const found = await this.accounts.findWithHash(username);
    if (!found) return null;
    return (await this.hasher.verify(found.passwordHash, password)) ? found.account : null;
  }

  async login(username: string, password: string) {
    const account = await this.verify(username, password);
    if (!account) return null;
    const principal: Principal = {
      sub: account.id,
      username: account.username,
      role: account.role,
      workerId: account.workerId,
      gridScope: account.gridScope,
    };
    return {
      accessToken: await this.jwt.signAsync(principal, { expiresIn: ACCESS_TOKEN_TTL_SECONDS }),
      tokenType: 'Bearer' as const,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: {
        id: account.id,
        username: account.username,
        role: account.role,
        displayName: account.displayName,
        workerId: account.workerId,
        gridScope: account.gridScope,
      },
    };
  }

  async principalOf(token: string): Promise<Principal | null> {
    try {
      return await this.jwt.verifyAsync<Principal>(token);
    } catch {
      return null;
    }
  }
}
