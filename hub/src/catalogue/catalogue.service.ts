import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import { AuditRepository } from '../auth/audit.repository';
import { CatalogueRepository, EntryChange } from './catalogue.repository';
import { AccessRequest, CatalogueFilter, CatalogueItem, CatalogueViewer, RequestStatus } from './catalogue.types';

/** The longest a request may be approved for (a year); renewals are new requests. */
const MAX_GRANT_MS = 366 * 86_400_000;

export interface AuditContext {
  ip: string | null;
}

/**
 * The shared catalogue's rules (docs/catalogue.md): a department uses its own resources, the shared ones, and
 * another department's conditional ones through a request that department approved, until the approval's expiry.
 * Restricted resources stay with their owner. Administrators see everything. Every read of the catalogue, every
 * look-up of a resource (granted or refused) and every request and decision is audited.
 */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly repository: CatalogueRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async list(viewer: CatalogueViewer, filter: CatalogueFilter, context: AuditContext & { format: 'json' | 'csv' }): Promise<CatalogueItem[]> {
    const now = this.clock.now();
    const items = await this.repository.list(viewer, filter, now);
    const granted = items.filter((i) => i.access === 'granted').map((i) => i.deviceId);
    await this.record(viewer, 'catalogue.read', null, context, {
      format: context.format,
      filter,
      listed: items.length,
      withStreams: items.filter((i) => i.streams !== null).length,
      ...(granted.length ? { granted } : {}),
    });
    return items;
  }

  /** One resource with its stream links; refused (403) without access, which is audited too. */
  async get(viewer: CatalogueViewer, deviceId: string, context: AuditContext): Promise<CatalogueItem> {
    const item = await this.repository.find(viewer, deviceId, this.clock.now());
    if (!item || (item.accessClass === 'restricted' && item.access === null)) throw new NotFoundException(`no resource ${deviceId} in your catalogue`);
    if (item.access === null) {
      await this.record(viewer, 'catalogue.refused', deviceId, context, { accessClass: item.accessClass, owner: item.ownerDepartment });
      throw new ForbiddenException(
        `${deviceId} belongs to ${item.ownerDepartment ?? 'no department'} and is shared on request: ask for access (POST /api/v1/catalogue/access-requests)`,
      );
    }
    await this.record(viewer, 'catalogue.access', deviceId, context, { access: item.access, ...(item.grantExpiresAt ? { until: item.grantExpiresAt } : {}) });
    return item;
  }

  async change(viewer: CatalogueViewer, deviceId: string, change: EntryChange, context: AuditContext): Promise<CatalogueItem> {
    if (change.ownerDepartment && !(await this.repository.departmentExists(change.ownerDepartment))) {
      throw new BadRequestException(`ownerDepartment ${change.ownerDepartment} is not a known department`);
    }
    if (!(await this.repository.update(deviceId, change, viewer.username, this.clock.now()))) throw new NotFoundException(`no resource ${deviceId}`);
    await this.record(viewer, 'catalogue.change', deviceId, context, { ...change });
    return (await this.repository.find(viewer, deviceId, this.clock.now()))!;
  }

  async request(viewer: CatalogueViewer, deviceId: string, reason: string, context: AuditContext): Promise<AccessRequest> {
    if (!viewer.departmentCode) throw new BadRequestException('requests are made for a department: your account has none (ask an administrator)');
    const item = await this.repository.find(viewer, deviceId, this.clock.now());
    if (!item) throw new NotFoundException(`no resource ${deviceId}`);
    if (item.ownerDepartment === viewer.departmentCode) throw new BadRequestException(`${deviceId} is your department's own resource`);
    if (item.accessClass === 'shared') throw new BadRequestException(`${deviceId} is shared with every department: no request is needed`);
    if (item.accessClass === 'restricted') throw new ForbiddenException(`${deviceId} is not shared (不予共享): it stays with its owner`);
    const created = await this.repository.request({ deviceId, departmentCode: viewer.departmentCode, reason, by: viewer.username, now: this.clock.now() });
    if (!created) throw new ConflictException(`your department already has a pending request for ${deviceId}`);
    await this.record(viewer, 'catalogue.request', deviceId, context, { request: created.id, reason });
    return created;
  }

  async requests(viewer: CatalogueViewer, status: RequestStatus | null): Promise<AccessRequest[]> {
    return this.repository.requests(viewer, status, this.clock.now());
  }

  /**
   * The owner department (or an administrator) approves until `expiresAt`, rejects, or revokes an approval.
   * The requesting department cannot decide its own request.
   */
  async decide(viewer: CatalogueViewer, id: string, decision: 'approve' | 'reject' | 'revoke', expiresAt: Date | null, context: AuditContext): Promise<AccessRequest> {
    const now = this.clock.now();
    const request = await this.repository.findRequest(id, now);
    if (!request) throw new NotFoundException(`no access request ${id}`);
    const owner = viewer.departmentCode !== null && viewer.departmentCode === request.ownerDepartment;
    if (!viewer.admin && !owner) throw new ForbiddenException(`only ${request.ownerDepartment ?? 'an administrator'} (the owner) or an administrator decides this request`);
    if (decision === 'approve') {
      if (!expiresAt) throw new BadRequestException('an approval needs expiresAt');
      if (expiresAt <= now) throw new BadRequestException('expiresAt must be in the future');
      if (expiresAt.getTime() - now.getTime() > MAX_GRANT_MS) throw new BadRequestException('an approval lasts at most 366 days');
    }
    const [from, to]: [RequestStatus[], RequestStatus] =
      decision === 'approve' ? [['pending'], 'approved'] : decision === 'reject' ? [['pending'], 'rejected'] : [['approved'], 'revoked'];
    if (!(await this.repository.decide(id, from, to, viewer.username, now, expiresAt))) {
      throw new ConflictException(`request ${id} is ${request.status}; it can be ${decision === 'revoke' ? 'revoked only when approved' : `${decision}d only while pending`}`);
    }
    await this.record(viewer, 'catalogue.decide', request.deviceId, context, { request: id, decision, department: request.departmentCode, ...(expiresAt ? { expiresAt } : {}) });
    return (await this.repository.findRequest(id, now))!;
  }

  private record(viewer: CatalogueViewer, action: Parameters<AuditRepository['record']>[0]['action'], target: string | null, context: AuditContext, detail: Record<string, unknown>) {
    return this.audit.record({
      at: this.clock.now(),
      actor: `account:${viewer.username}`,
      action,
      target,
      ip: context.ip,
      detail: { department: viewer.departmentCode, ...detail },
    });
  }
}

const CSV_COLUMNS: [string, (r: CatalogueItem) => unknown][] = [
  ['资源编号 id', (r) => r.deviceId],
  ['名称 name', (r) => r.name],
  ['类别 family', (r) => r.family],
  ['类型 type', (r) => r.type ?? ''],
  ['权属部门 owner', (r) => r.ownerNameZh ?? r.ownerDepartment ?? ''],
  ['共享类型 access class', (r) => r.accessClass],
  ['我的权限 my access', (r) => r.access ?? ''],
  ['授权截止 grant until', (r) => r.grantExpiresAt?.toISOString() ?? ''],
  ['经度 lon', (r) => r.lon],
  ['纬度 lat', (r) => r.lat],
  ['网格 grid', (r) => r.gridCode ?? ''],
  ['网格名称 grid name', (r) => r.gridName ?? ''],
  ['在线 online', (r) => (r.online ? 1 : 0)],
  ['最后上报 last seen', (r) => r.lastSeenAt?.toISOString() ?? ''],
  ['RTSP', (r) => r.streams?.rtsp ?? ''],
  ['HLS', (r) => r.streams?.hls ?? ''],
  ['GB/T 28181 通道 channel', (r) => r.streams?.gb28181Channel ?? ''],
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ is neutralised so a spreadsheet does not run it as a formula (negative numbers stay).
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The catalogue as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese headers). */
export function catalogueCsv(items: readonly CatalogueItem[]): string {
  const lines = [CSV_COLUMNS.map(([h]) => csvCell(h)).join(',')];
  for (const item of items) lines.push(CSV_COLUMNS.map(([, f]) => csvCell(f(item))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
