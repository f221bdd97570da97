import { ApiCreated, ApiOk, ApiOkOrText, CurrentUser } from '@gridhub/ingest';
import { BadRequestException, Body, Controller, Get, Ip, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@gridhub/ingest';
import { MONITOR_ROLES } from '@gridhub/contracts';
import type { Response } from 'express';
import { Principal } from '../auth/account.types';
import { AccessRequestDto, CatalogueQuery, DecisionDto, RequestsQuery, UpdateCatalogueEntryDto } from './catalogue.dto';
import { catalogueCsv, CatalogueService } from './catalogue.service';
import { CatalogueFilter, CatalogueViewer } from './catalogue.types';
import { accessRequestListSchema, accessRequestSchema, catalogueItemSchema, catalogueListSchema } from './catalogue.schema';

const DEVICE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function viewerOf(u: Principal): CatalogueViewer {
  return { username: u.username, admin: u.role === 'admin', departmentCode: u.departmentCode ?? null, gridScope: u.gridScope };
}

/** The shared catalogue of video and sensing resources (视频监控与感知数据资源目录), docs/catalogue.md. */
@ApiTags('catalogue')
@ApiBearerAuth()
@Roles(...MONITOR_ROLES)
@Controller('api/v1/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  /** Every resource the viewer's department may know of, with stream links where it may use them; `format=csv` exports. */
  @Get()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkOrText(catalogueListSchema, 'text/csv', 'the resources, or with format=csv as CSV')
  async list(@Query() query: CatalogueQuery, @CurrentUser() user: Principal, @Ip() ip: string | undefined, @Res() res: Response): Promise<void> {
    const { format = 'json', ...rest } = query;
    const filter: CatalogueFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const items = await this.catalogue.list(viewerOf(user), filter, { ip: ip ?? null, format });
    if (format === 'csv') {
      const name = `catalogue-${new Date().toISOString().slice(0, 10)}.csv`;
      res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}"`).send(catalogueCsv(items));
      return;
    }
    res.status(200).json({ items, total: items.length });
  }

  @Get('access-requests')
  @ApiOk(accessRequestListSchema)
  async requests(@Query() query: RequestsQuery, @CurrentUser() user: Principal) {
    return { items: await this.catalogue.requests(viewerOf(user), query.status ?? null) };
  }

  /** A department asks for another department's conditional resource. */
  @Post('access-requests')
  @ApiCreated(accessRequestSchema)
  async request(@Body() body: AccessRequestDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    return this.catalogue.request(viewerOf(user), body.deviceId, body.reason, { ip: ip ?? null });
  }

  /** The owner department or an administrator approves (until expiresAt), rejects or revokes. */
  @Post('access-requests/:id/decision')
  @ApiCreated(accessRequestSchema)
  async decide(@Param('id') id: string, @Body() body: DecisionDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    if (!/^\d{1,18}$/.test(id)) throw new BadRequestException('id must be an access request id');
    return this.catalogue.decide(viewerOf(user), id, body.decision, body.expiresAt ?? null, { ip: ip ?? null });
  }

  /** One resource with its stream links: 403 without access (audited). */
  @Get(':deviceId')
  @ApiOk(catalogueItemSchema)
  async get(@Param('deviceId') deviceId: string, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    if (!DEVICE_ID.test(deviceId)) throw new BadRequestException('deviceId must be a device id');
    return this.catalogue.get(viewerOf(user), deviceId, { ip: ip ?? null });
  }

  @Roles('admin')
  @Put(':deviceId')
  @ApiOk(catalogueItemSchema)
  async change(@Param('deviceId') deviceId: string, @Body() body: UpdateCatalogueEntryDto, @CurrentUser() user: Principal, @Ip() ip: string | undefined) {
    if (!DEVICE_ID.test(deviceId)) throw new BadRequestException('deviceId must be a device id');
    // Only the fields given: an absent one keeps its value, null clears it.
    const change = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    return this.catalogue.change(viewerOf(user), deviceId, change, { ip: ip ?? null });
  }
}
