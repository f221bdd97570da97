import { ApiOk } from '@gridhub/ingest';
import { sessionSchema } from './auth.schema';
import { Body, Controller, ForbiddenException, HttpCode, HttpException, HttpStatus, Ip, Post, UnauthorizedException } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { AuthService } from './auth.service';
import { Public } from './public.decorator';

export class LoginDto {
  @ApiProperty({ example: 'dispatcher' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'the refresh token from login or the last refresh' })
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  refreshToken!: string;
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOk(sessionSchema)
  async login(@Body() body: LoginDto, @Ip() ip: string | undefined) {
    const outcome = await this.auth.login(body.username, body.password, ip ?? null);
    switch (outcome.kind) {
      case 'session':
        return outcome.session;
      case 'locked':
        throw new HttpException(
          { statusCode: 423, error: 'Locked', message: `this account is locked after repeated failed logins until ${outcome.until.toISOString()}` },
          HttpStatus.LOCKED,
        );
      case 'disabled':
        throw new ForbiddenException('this account is disabled; ask an administrator');
      default:
        throw new UnauthorizedException('wrong username or password');
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOk(sessionSchema)
  async refresh(@Body() body: RefreshDto, @Ip() ip: string | undefined) {
    const session = await this.auth.refresh(body.refreshToken, ip ?? null);
    if (!session) throw new UnauthorizedException('the refresh token is invalid, expired, revoked or already used; log in again');
    return session;
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshDto, @Ip() ip: string | undefined): Promise<void> {
    await this.auth.logout(body.refreshToken, ip ?? null);
  }
}
