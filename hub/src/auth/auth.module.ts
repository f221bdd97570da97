import { Global, Module } from '@nestjs/common';
import { Clock, SecretHasher } from '@gridhub/ingest';
import { AccountRepository } from './account.repository';
import { AccountController } from './account.controller';
import { AuditRepository } from './audit.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { KioskTokenRepository } from './kiosk-token.repository';
import { KioskController } from './kiosk.controller';
import { RefreshTokenRepository } from './refresh-token.repository';

/**
 * Accounts, logins, tokens and the audit log — global, so the HTTP guard, the broker and the live socket share
 * one AuthService. Needs the hub's global JwtModule, pg Pool and HubRuntime.
 */
@Global()
@Module({
  controllers: [AuthController, AccountController, KioskController],
  providers: [AccountRepository, AuditRepository, RefreshTokenRepository, KioskTokenRepository, AuthService, SecretHasher, Clock],
  exports: [AccountRepository, AuditRepository, AuthService],
})
export class AuthModule {}
