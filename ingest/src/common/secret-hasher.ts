import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id hashes for device secrets and account passwords; plain secrets are never stored. */
@Injectable()
export class SecretHasher {
  hash(secret: string): Promise<string> {
    return argon2.hash(secret, { type: argon2.argon2id });
  }

  async verify(hash: string, secret: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, secret);
    } catch {
      return false;
    }
  }
}
