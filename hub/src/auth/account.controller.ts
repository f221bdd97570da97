import { ApiCreated, ApiOk, CurrentUser, iso, z } from '@gridhub/ingest';
import { accountListSchema, accountViewSchema, auditListSchema, auditRecordSchema } from './account.schema';
import { BadRequestException, Body, ConflictException, Controller, Get, Ip, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Clock, Roles, SecretHasher } from '@gridhub/ingest';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { AccountRepository, AccountChange } from './account.repository';
import { isFieldRole, Role, ROLES } from '@gridhub/contracts';
import { AccountDetail, Principal } from './account.types';
import { AuditRecord, AuditRepository } from './audit.repository';
import { AuthService } from './auth.service';

/** At least 10 characters with a letter and a digit (GB/T 22239 level-3 systems ask for complexity). */
const PASSWORD_RULE = /^(?=.*[A-Za-z])(?=.*\d).{10,128}$/;
const PASSWORD_MESSAGE = 'password must have 10 to 128 characters with at least one letter and one digit';

export class CreateAccountDto {
  @ApiProperty({ example: 'xd-dispatcher' })
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, { message: 'username must be 3-64 lowercase letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty()
  @IsString()
  @Matches(PASSWORD_RULE, { message: PASSWORD_MESSAGE })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiProperty({ example: '小店区调度员' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  displayName!: string;

  @ApiPropertyOptional({ description: 'grid-hierarchy code the account is confined to; omit for the whole city' })
  @IsOptional()
  @Matches(/^\d{6,15}$/, { message: 'gridScope must be a grid code (6 to 15 digits)' })
  gridScope?: string;

  @ApiPropertyOptional({ description: 'the department the account works for (catalogue access); omit for none' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'departmentCode must be a department code' })
  departmentCode?: string;
}

export class UpdateAccountDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  displayName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^\d{6,15}$/, { message: 'gridScope must be a grid code (6 to 15 digits) or null' })
  gridScope?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'departmentCode must be a department code or null' })
  departmentCode?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(PASSWORD_RULE, { message: PASSWORD_MESSAGE })
  password?: string;
}

export class AuditQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  target?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be an audit entry id' })
  before?: string;
}

const present = (a: AccountDetail): z.infer<typeof accountViewSchema> => ({
  ...a,
  lockedUntil: iso(a.lockedUntil),
  createdAt: iso(a.createdAt),
  updatedAt: iso(a.updatedAt),
  locked: a.lockedUntil !== null && a.lockedUntil > new Date(),
});
const presentAudit = (r: AuditRecord): z.infer<typeof auditRecordSchema> => ({ ...r, at: iso(r.at) });

/** Account administration (admin only); every change lands in the audit log. */
@ApiTags('accounts')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1')
export class AccountController {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly audit: AuditRepository,
    private readonly auth: AuthService,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  @Get('accounts')
  @ApiOk(accountListSchema)
  async list() {
    return { items: (await this.accounts.list()).map(present) };
  }

  @Post('accounts')
  @ApiCreated(accountViewSchema)
  async create(@Body() body: CreateAccountDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    if (isFieldRole(body.role)) throw new BadRequestException('grid worker and supervisor accounts are created with their worker (POST /api/v1/workers)');
    if (body.gridScope && !(await this.accounts.gridExists(body.gridScope))) throw new BadRequestException(`gridScope ${body.gridScope} is not a known grid`);
    if (body.departmentCode && !(await this.accounts.departmentExists(body.departmentCode))) throw new BadRequestException(`departmentCode ${body.departmentCode} is not a known department`);
    if (await this.accounts.findWithHash(body.username)) throw new ConflictException(`username ${body.username} is taken`);
    const id = await this.accounts.insert({
      username: body.username,
      passwordHash: await this.hasher.hashPassword(body.password),
      role: body.role,
      displayName: body.displayName,
      gridScope: body.gridScope ?? null,
      workerId: null,
      departmentCode: body.departmentCode ?? null,
    });
    await this.record({ user, ip }, 'account.create', id, { username: body.username, role: body.role, gridScope: body.gridScope ?? null, departmentCode: body.departmentCode ?? null });
    return present((await this.accounts.findById(id))!);
  }

  @Patch('accounts/:id')
  @ApiOk(accountViewSchema)
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateAccountDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    const current = await this.accounts.findById(id);
    if (!current) throw new NotFoundException(`no account ${id}`);
    if (body.role !== undefined && (isFieldRole(body.role) !== isFieldRole(current.role) || (isFieldRole(body.role) && body.role !== current.role))) {
      throw new BadRequestException('the grid worker and supervisor roles go with a worker record of that duty and cannot be switched here');
    }
    if (body.gridScope && !(await this.accounts.gridExists(body.gridScope))) throw new BadRequestException(`gridScope ${body.gridScope} is not a known grid`);
    if (body.departmentCode && !(await this.accounts.departmentExists(body.departmentCode))) throw new BadRequestException(`departmentCode ${body.departmentCode} is not a known department`);
    if (id === user.sub && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      throw new BadRequestException('you cannot disable yourself or take away your own admin role');
    }
    const change: AccountChange = {};
    if (body.role !== undefined) change.role = body.role;
    if (body.displayName !== undefined) change.displayName = body.displayName;
    if (body.gridScope !== undefined) change.gridScope = body.gridScope;
    if (body.disabled !== undefined) change.disabled = body.disabled;
    if (body.departmentCode !== undefined) change.departmentCode = body.departmentCode;
    if (body.password !== undefined) change.passwordHash = await this.hasher.hashPassword(body.password);
    const updated = await this.accounts.update(id, change, this.clock.now());
    this.auth.forget(id);
    const { password: _password, ...visible } = body;
    await this.record({ user, ip }, 'account.update', id, { ...visible, ...(body.password ? { password: 'changed' } : {}) });
    return present(updated!);
  }

  @Post('accounts/:id/unlock')
  @ApiCreated(accountViewSchema)
  async unlock(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    const updated = await this.accounts.unlock(id, this.clock.now());
    if (!updated) throw new NotFoundException(`no account ${id}`);
    await this.record({ user, ip }, 'account.unlock', id, {});
    return present(updated);
  }

  @Get('audit')
  @ApiOk(auditListSchema)
  async auditLog(@Query() query: AuditQueryDto) {
    const filter: Parameters<AuditRepository['list']>[0] = { limit: query.limit ?? 100 };
    if (query.action) filter.action = query.action;
    if (query.target) filter.target = query.target;
    if (query.before) filter.beforeId = query.before;
    return { items: (await this.audit.list(filter)).map(presentAudit) };
  }

  private record({ user, ip }: { user: Principal; ip: string | undefined }, action: 'account.create' | 'account.update' | 'account.unlock', target: string, detail: Record<string, unknown>) {
    return this.audit.record({ at: this.clock.now(), actor: `account:${user.username}`, action, target, ip: ip ?? null, detail });
  }
}
