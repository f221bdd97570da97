import { CurrentUser } from '../common/current-user';
import { assertWithinScope, scopeOf, ScopedActor } from '../common/grid-scope';
import { ConflictException, Controller, Get, Header, HttpCode, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ATOM_CONTENT_TYPE, CAP_CONTENT_TYPE, atomFeed, capDocument, capMessage } from '../cap/cap.builder';
import { GBT35965_CONTENT_TYPE, gbt35965Document } from '../cap/gbt35965.builder';
import { WarningOptions } from '../cap/warning-options';
import { Clock } from '../common/clock';
import { MONITOR_ROLES, warningIdentifier } from '@gridhub/contracts';
import { Roles } from '../common/roles';
import { AlertEvent, AlertView } from '@gridhub/contracts';
import { ApiOk, ApiText, iso, z } from '../common/api-schema';
import { alertDetailSchema, alertEventSchema, AlertResponse, alertListSchema, alertSchema } from './alert.schema';
import { ListAlertsQuery } from './alert.dto';
import { AlertRepository } from './alert.repository';
import { AlertService } from './alert.service';
import { PublicRoute } from './public-route';

export function presentAlert(a: AlertView): AlertResponse {
  return {
    ...a,
    raisedAt: iso(a.raisedAt),
    updatedAt: iso(a.updatedAt),
    lastValueAt: iso(a.lastValueAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    clearedAt: iso(a.clearedAt),
  };
}

const presentEvent = (e: AlertEvent): z.infer<typeof alertEventSchema> => ({ ...e, at: iso(e.at) });
type ScopedRequest = { user?: ScopedActor & { username?: string } };
const actorOf = (user: { username?: string } | undefined) => `user:${user?.username ?? 'unknown'}`;
const ID = /^[1-9]\d{0,17}$/;

/**
 * Sensor warnings (alerts of reading rules) are public information: their CAP documents and the Atom feed
 * of active ones need no token, like a weather-warning feed. Video and emergency alerts (they point at
 * people and homes) and device faults are for signed-in staff only, in JSON.
 */
const isPublicWarning = (a: AlertView) => a.kind === 'rule';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertController {
  constructor(
    private readonly alerts: AlertService,
    private readonly repository: AlertRepository,
    private readonly clock: Clock,
    private readonly warnings: WarningOptions,
  ) {}

  @Get()
  @Roles(...MONITOR_ROLES)
  @ApiOk(alertListSchema)
  async list(@Query() query: ListAlertsQuery, @CurrentUser() user: ScopedRequest['user']) {
    const { items, total } = await this.alerts.list({
      scope: scopeOf(user),
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
      ...(query.status ? { status: query.status } : {}),
      ...(query.severity ? { severity: query.severity } : {}),
      ...(query.family ? { family: query.family } : {}),
      ...(query.bureau ? { bureau: query.bureau } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.deviceId ? { deviceId: query.deviceId } : {}),
      ...(query.gridCode ? { gridCode: query.gridCode } : {}),
    });
    return { items: items.map(presentAlert), total };
  }

  /** Atom feed of active public warnings, each linking its CAP 1.2 document. Public. */
  @Get('feed')
  @PublicRoute()
  @ApiProduces(ATOM_CONTENT_TYPE)
  @ApiText(ATOM_CONTENT_TYPE, 'Atom feed of the active public warnings')
  @Header('content-type', `${ATOM_CONTENT_TYPE}; charset=utf-8`)
  async feed(@Req() req: Request) {
    const { items } = await this.repository.list({ status: 'active', kind: 'rule', limit: 500, offset: 0 });
    return atomFeed(items, `${req.protocol}://${req.get('host')}`, this.clock.now());
  }

  @Get(':id')
  @Roles(...MONITOR_ROLES)
  @ApiOk(alertDetailSchema)
  async get(@Param('id') id: string, @CurrentUser() user: ScopedRequest['user']) {
    const { alert, history } = await this.alerts.get(this.checkId(id));
    assertWithinScope(alert.gridCode, user, `alert ${id}`);
    return { ...presentAlert(alert), history: history.map(presentEvent) };
  }

  /** The warning as a CAP 1.2 alert (Alert, then Update after changes, Cancel once cleared). Public for sensor warnings. */
  @Get(':id/cap')
  @PublicRoute()
  @ApiProduces(CAP_CONTENT_TYPE)
  @ApiText(CAP_CONTENT_TYPE, 'CAP 1.2 alert document')
  @Header('content-type', `${CAP_CONTENT_TYPE}; charset=utf-8`)
  async cap(@Param('id') id: string) {
    const alert = await this.repository.find(this.checkId(id));
    if (!alert || !isPublicWarning(alert)) throw new NotFoundException(`alert ${id} is not a public warning`);
    const area = alert.gridCode ? await this.repository.gridArea(alert.gridCode) : null;
    return capDocument(alert, area);
  }

  /**
   * The same warning as a GB/T 35965.1-2018 early-warning document (预警信息), for China's early-warning release
   * system: the standard's identifier (ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N) and fields. Public like the CAP document.
   */
  @Get(':id/gbt35965')
  @PublicRoute()
  @ApiProduces(GBT35965_CONTENT_TYPE)
  @ApiText(GBT35965_CONTENT_TYPE, 'GB/T 35965.1-2018 early-warning document')
  @Header('content-type', `${GBT35965_CONTENT_TYPE}; charset=utf-8`)
  async gbt35965(@Param('id') id: string) {
    const alert = await this.repository.find(this.checkId(id));
    if (!alert || !isPublicWarning(alert)) throw new NotFoundException(`alert ${id} is not a public warning`);
    const area = alert.gridCode ? await this.repository.gridArea(alert.gridCode) : null;
    const message = capMessage(alert);
    const identify = async (msgType: 'Alert' | 'Update' | 'Cancel', sent: Date) => {
      const sequence = await this.repository.warningSequence(alert.id, msgType, sent);
      if (sequence === null) throw new ConflictException(`ten GB/T 35965.1 messages were entered in that second already; the standard numbers no more (0–9)`);
      return warningIdentifier(this.warnings.senderCode, sent, sequence);
    };
    const identifier = await identify(message.msgType, message.sent);
    const references = message.msgType === 'Alert' ? null : await identify('Alert', alert.raisedAt);
    return gbt35965Document(alert, area, { identifier, references }, { code: this.warnings.senderCode, name: this.warnings.senderName });
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(...MONITOR_ROLES)
  @ApiOk(alertSchema)
  async acknowledge(@Param('id') id: string, @CurrentUser() user: ScopedRequest['user']) {
    await this.checkScope(id, user);
    return presentAlert(await this.alerts.acknowledge(this.checkId(id), actorOf(user)));
  }

  @Post(':id/clear')
  @HttpCode(200)
  @Roles(...MONITOR_ROLES)
  @ApiOk(alertSchema)
  async clear(@Param('id') id: string, @CurrentUser() user: ScopedRequest['user']) {
    await this.checkScope(id, user);
    return presentAlert(await this.alerts.clear(this.checkId(id), actorOf(user)));
  }

  /** An account confined to part of the grid hierarchy acts only on alerts there. */
  private async checkScope(id: string, user: ScopedRequest['user']): Promise<void> {
    if (!user?.gridScope) return;
    const alert = await this.repository.find(this.checkId(id));
    if (alert) assertWithinScope(alert.gridCode, user, `alert ${id}`);
  }

  private checkId(id: string): string {
    if (!ID.test(id)) throw new NotFoundException(`alert ${id} not found`);
    return id;
  }
}
