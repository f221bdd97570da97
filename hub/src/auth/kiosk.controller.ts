import { ApiOk, ApiCreated, CurrentUser, iso, z } from '@gridhub/ingest';
import { issuedKioskTokenSchema, kioskTokenListSchema, kioskTokenSchema } from './account.schema';
import { kioskSessionSchema } from './auth.schema';
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Ip, NotFoundException, Param, ParseUUIDPipe, Post, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Clock, Roles } from '@gridhub/ingest';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { LiveGateway } from '../live/live.gateway';
import { AccountRepository } from './account.repository';
import { Principal } from './account.types';
import { AuditRepository } from './audit.repository';
import { AuthService } from './auth.service';
import { KioskToken, KioskTokenRepository } from './kiosk-token.repository';
import { Public } from './public.decorator';

export class IssueKioskTokenDto {
  @ApiProperty({ example: '指挥大厅主屏' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({ description: 'grid-hierarchy code the screen is confined to; omit for the whole city' })
  @IsOptional()
  @Matches(/^\d{6,15}$/, { message: 'gridScope must be a grid code (6 to 15 digits)' })
  gridScope?: string;

  @ApiPropertyOptional({ description: 'when the token stops working (ISO 8601); omit for until revoked' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: Date;
}

export class KioskSessionDto {
  @ApiProperty({ description: 'the kiosk token an administrator issued' })
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  token!: string;
}

/**
 * Kiosk tokens for wall screens: administrators issue and revoke them; a screen exchanges its token for a short
 * access token that opens only the overview (see KioskAllowed). Issue, revocation, every exchange and every
 * refusal land in the audit log.
 */
const presentKiosk = (k: KioskToken): z.infer<typeof kioskTokenSchema> => ({
  ...k,
  createdAt: iso(k.createdAt),
  expiresAt: iso(k.expiresAt),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
});

@ApiTags('kiosk')
@Controller('api/v1')
export class KioskController {
  constructor(
    private readonly kiosks: KioskTokenRepository,
    private readonly accounts: AccountRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditRepository,
    private readonly live: LiveGateway,
    private readonly clock: Clock,
  ) {}

  @ApiBearerAuth()
  @Roles('admin')
  @Get('kiosk-tokens')
  @ApiOk(kioskTokenListSchema)
  async list() {
    return { items: (await this.kiosks.list()).map(presentKiosk) };
  }

  /** Issues a token; it is in this answer only (the hub keeps its hash). `url` opens the overview with it. */
  @ApiBearerAuth()
  @Roles('admin')
  @Post('kiosk-tokens')
  @ApiCreated(issuedKioskTokenSchema)
  async issue(@Body() body: IssueKioskTokenDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    const now = this.clock.now();
    if (body.gridScope && !(await this.accounts.gridExists(body.gridScope))) throw new BadRequestException(`gridScope ${body.gridScope} is not a known grid`);
    if (body.expiresAt && body.expiresAt <= now) throw new BadRequestException('expiresAt must be in the future');
    const { token, kiosk } = await this.kiosks.issue({
      name: body.name,
      gridScope: body.gridScope ?? null,
      expiresAt: body.expiresAt ?? null,
      createdBy: user.username,
      now,
    });
    await this.audit.record({
      at: now,
      actor: `account:${user.username}`,
      action: 'kiosk.issue',
      target: kiosk.id,
      ip: ip ?? null,
      detail: { name: kiosk.name, gridScope: kiosk.gridScope, expiresAt: kiosk.expiresAt },
    });
    return { ...presentKiosk(kiosk), token, url: `/overview?kiosk=${encodeURIComponent(token)}` };
  }

  /** Revokes a token: its access tokens stop working and its screens' live connections are closed at once. */
  @ApiBearerAuth()
  @Roles('admin')
  @Delete('kiosk-tokens/:id')
  @ApiOk(kioskTokenSchema)
  async revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    const now = this.clock.now();
    const kiosk = await this.kiosks.revoke(id, user.username, now);
    if (!kiosk) throw new NotFoundException(`no kiosk token ${id}`);
    this.auth.forgetKiosk(id);
    this.live.disconnectKiosk(id);
    await this.audit.record({ at: now, actor: `account:${user.username}`, action: 'kiosk.revoke', target: id, ip: ip ?? null, detail: { name: kiosk.name } });
    return presentKiosk(kiosk);
  }

  /** A wall screen's exchange: its kiosk token for an access token with the role `kiosk` (overview only). */
  @Public()
  @Post('kiosk/session')
  @HttpCode(200)
  @ApiOk(kioskSessionSchema)
  async session(@Body() body: KioskSessionDto, @Ip() ip: string | undefined) {
    const session = await this.auth.kioskSession(body.token, ip ?? null);
    if (!session) throw new UnauthorizedException('the kiosk token is unknown, revoked or expired; ask an administrator for a new one');
    return session;
  }
}
