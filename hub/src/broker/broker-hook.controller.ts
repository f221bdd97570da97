import { ApiOk, z } from '@gridhub/ingest';
import { Body, Controller, Headers, HttpCode, NotFoundException, Post, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../auth/public.decorator';
import { HubRuntime } from '../runtime';
import { BrokerAccess } from './broker-access';

export class BrokerAuthenticateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) clientid?: string;
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(512) password!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) peerhost?: string;
}

export class BrokerAuthorizeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) clientid?: string;
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(1024) topic!: string;
  @ApiProperty({ enum: ['publish', 'subscribe', 'all'] }) @IsIn(['publish', 'subscribe', 'all']) action!: 'publish' | 'subscribe' | 'all';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) peerhost?: string;
}

/** EMQX's HTTP authentication answer. */
export const brokerAuthenticationSchema = z.union([
  z.object({ result: z.literal('deny') }),
  z.object({ result: z.literal('allow'), is_superuser: z.boolean() }),
]);
/** EMQX's HTTP authorization answer. */
export const brokerAuthorizationSchema = z.object({ result: z.enum(['allow', 'deny']) });

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * HTTP authentication and authorization for an external cluster broker (EMQX 5 "HTTP Server" authenticator and
 * authorizer), so device secrets and worker accounts stay in GridHub: the same rules as the embedded broker.
 * Answers `{ "result": "allow" | "deny" }` (and `is_superuser` for the hub's own account). The broker must send
 * `Authorization: Bearer <GRIDHUB_BROKER_HOOK_SECRET>`; without that setting the endpoints do not exist.
 */
@ApiTags('broker')
@Public()
@SkipThrottle()
@Controller('api/v1/broker')
export class BrokerHookController {
  constructor(
    private readonly access: BrokerAccess,
    private readonly runtime: HubRuntime,
  ) {}

  @Post('authenticate')
  @HttpCode(200)
  @ApiOperation({ summary: 'MQTT login check for an external broker (EMQX HTTP authentication)' })
  @ApiOk(brokerAuthenticationSchema)
  async authenticate(@Body() body: BrokerAuthenticateDto, @Headers('authorization') authorization?: string) {
    this.checkCaller(authorization);
    const identity = await this.access.login(body.username, body.password, body.peerhost ?? 'unknown');
    if (!identity || identity === 'blocked') return { result: 'deny' as const };
    return { result: 'allow' as const, is_superuser: identity.kind === 'hub' };
  }

  @Post('authorize')
  @HttpCode(200)
  @ApiOperation({ summary: 'MQTT topic check for an external broker (EMQX HTTP authorization)' })
  @ApiOk(brokerAuthorizationSchema)
  async authorize(@Body() body: BrokerAuthorizeDto, @Headers('authorization') authorization?: string) {
    this.checkCaller(authorization);
    const identity = await this.access.identityOf(body.username);
    if (!identity) return { result: 'deny' as const };
    // Only the hub itself subscribes through a shared group; for anyone else a $share topic matches nothing of theirs.
    const allowed =
      (body.action === 'subscribe' || this.access.publishRefusal(identity, body.topic) === null) &&
      (body.action === 'publish' || this.access.maySubscribe(identity, body.topic));
    return { result: allowed ? ('allow' as const) : ('deny' as const) };
  }

  private checkCaller(authorization: string | undefined): void {
    const secret = this.runtime.config.mqtt.hookSecret;
    if (!secret) throw new NotFoundException('broker hooks are off: set GRIDHUB_BROKER_HOOK_SECRET and give it to the broker');
    const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (!timingSafeEqual(digest(given), digest(secret))) throw new UnauthorizedException('the broker hook secret is missing or wrong');
  }
}
