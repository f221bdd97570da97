import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '@gridhub/ingest';
import { GridLocatorService } from '../grids/grid-locator.service';
import { IncidentCategory } from '../incidents/incident-categories';
import { IncidentCategoryService } from '../incidents/incident-category.service';
import { IncidentService } from '../incidents/incident.service';
import { isoCst } from './open311.format';
import { CLOSED_STATES, Open311Repository, Open311Row } from './open311.repository';
import { Open311Exception, Open311Request, Open311ServiceDefinition, Open311ServiceInfo } from './open311.types';

/**
 * Categories only sensors and video analytics raise: not offered to citizens (they call 110/119 for those, or
 * report the visible consequence — smoke, a flooded road — under a public service).
 */
export const SENSOR_ONLY_CATEGORIES: readonly string[] = [
  'air_pollution',
  'water_pollution',
  'flood_warning',
  'smoke_alarm',
  'sos_button',
  'fallen_person',
  'building_tilt',
  'crowd_gathering',
  'intrusion',
];

/** GeoReport's default window for GET requests without dates, and its page size. */
const DEFAULT_WINDOW_DAYS = 90;
const MAX_REQUESTS = 1000;
const MAX_IDS = 100;

const STATUS_NOTES: Readonly<Record<string, string>> = {
  reported: '已受理，待核实 / Received, awaiting verification',
  verifying: '网格员现场核实中 / Being verified on site',
  filed: '已立案，待派遣 / Filed, awaiting dispatch',
  voided: '经核实不予立案 / Not filed after verification',
  dispatched: '已派遣处置 / Dispatched for handling',
  accepted: '处置单位已接单 / Accepted by the handler',
  in_progress: '现场处置中 / Being handled on site',
  handled: '已处置，待核查 / Handled, awaiting re-inspection',
  reinspecting: '核查中 / Being re-inspected',
  closed: '已结案 / Closed',
  evaluated: '已结案 / Closed',
};

const EMERGENCY_ATTRIBUTE = 'danger';

export interface PostRequestInput {
  [key: string]: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function limited(name: string, value: unknown, max: number, pattern?: RegExp): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw Open311Exception.of(400, `${name} must be text`);
  const v = String(value).trim();
  if (v.length > max) throw Open311Exception.of(400, `${name} is longer than ${max} characters`);
  if (pattern && !pattern.test(v)) throw Open311Exception.of(400, `${name} is not valid`);
  return v || null;
}

function coordinate(name: string, value: unknown, min: number, max: number): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw Open311Exception.of(400, `${name} must be a number between ${min} and ${max} (WGS-84 degrees)`);
  return n;
}

function dateParam(name: string, value: unknown): Date | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([zZ]|[+-]\d\d:?\d\d)$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw Open311Exception.of(400, `${name} must be a W3C/ISO 8601 date-time with an offset, e.g. 2026-11-01T00:00:00+08:00`);
  }
  return new Date(value);
}

function list(value: unknown): string[] | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw Open311Exception.of(400, 'list parameters are comma-separated text');
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  return items.length > 0 ? items : null;
}

/**
 * Open311 GeoReport v2: citizens' requests become incidents (source "public") through the incident loop's own
 * intake; the answers publish only what the spec lists and never the reporter's contact data.
 */
@Injectable()
export class Open311Service {
  private readonly logger = new Logger(Open311Service.name);

  constructor(
    private readonly categories: IncidentCategoryService,
    private readonly incidents: IncidentService,
    private readonly locator: GridLocatorService,
    private readonly requests: Open311Repository,
    private readonly clock: Clock,
  ) {}

  private async publicCategories(): Promise<IncidentCategory[]> {
    return (await this.categories.list()).filter((c) => c.enabled && !SENSOR_ONLY_CATEGORIES.includes(c.code));
  }

  private async category(code: string): Promise<IncidentCategory> {
    const found = (await this.publicCategories()).find((c) => c.code === code);
    if (!found) throw Open311Exception.of(404, `service_code ${code} is not a service of this city (GET services)`);
    return found;
  }

  async services(): Promise<Open311ServiceInfo[]> {
    return (await this.publicCategories()).map((c) => ({
      service_code: c.code,
      service_name: `${c.nameZh} / ${c.nameEn}`,
      description: `${c.kind === 'component' ? '部件' : '事件'}：${c.majorNameZh} › ${c.nameZh} / ${c.kind === 'component' ? 'Fixed asset' : 'Event'}: ${c.majorNameEn} › ${c.nameEn}`,
      metadata: true,
      type: 'realtime',
      keywords: [c.majorCode, c.kind, c.code].join(','),
      group: `${c.majorNameZh} / ${c.majorNameEn}`,
    }));
  }

  async definition(code: string): Promise<Open311ServiceDefinition> {
    const c = await this.category(code);
    return {
      service_code: c.code,
      attributes: [
        {
          variable: true,
          code: EMERGENCY_ATTRIBUTE,
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'yes 或 no / yes or no',
          order: 1,
          description: '是否危及人身安全？ / Is anyone in danger?',
          values: [
            { key: 'yes', name: '是 / Yes' },
            { key: 'no', name: '否 / No' },
          ],
        },
      ],
    };
  }

  /** POST requests: creates the incident; answers the request id and a token. */
  async create(input: PostRequestInput, apiKey: string | null): Promise<{ service_request_id: string; token: string; service_notice: string; account_id: string | null }> {
    const serviceCode = text(input['service_code']);
    if (!serviceCode) throw Open311Exception.of(400, 'service_code is required (GET services lists them)');
    const category = await this.category(serviceCode);
    const lat = coordinate('lat', input['lat'], -90, 90);
    const lon = coordinate('long', input['long'], -180, 180);
    const addressString = limited('address_string', input['address_string'], 500);
    const addressId = limited('address_id', input['address_id'], 100);
    if (lat === null || lon === null) {
      throw Open311Exception.of(
        400,
        addressString || addressId
          ? 'lat and long are required: this city locates requests by coordinates and does not geocode address_string or address_id'
          : 'a location is required: lat and long (WGS-84)',
      );
    }
    const gridCode = this.locator.locate(lon, lat);
    if (!gridCode) throw Open311Exception.of(400, `lat ${lat}, long ${lon} is outside the city's grids`);
    // attribute[code]=value: nested by an extended form parser or JSON, flat keys with a plain one.
    const attributes: Record<string, unknown> = {
      ...(typeof input['attribute'] === 'object' && input['attribute'] !== null ? (input['attribute'] as Record<string, unknown>) : {}),
    };
    for (const [key, value] of Object.entries(input)) {
      const match = /^attribute\[([^\]]+)\]$/.exec(key);
      if (match) attributes[match[1]!] = value;
    }
    const danger = attributes[EMERGENCY_ATTRIBUTE];
    if (danger !== undefined && danger !== 'yes' && danger !== 'no') throw Open311Exception.of(400, `attribute[${EMERGENCY_ATTRIBUTE}] must be yes or no`);
    for (const key of Object.keys(attributes)) {
      if (key !== EMERGENCY_ATTRIBUTE) throw Open311Exception.of(400, `attribute[${key}] is not an attribute of service ${serviceCode} (GET services/${serviceCode})`);
    }
    const description = limited('description', input['description'], 4000);
    const email = limited('email', input['email'], 254, /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    const phone = limited('phone', input['phone'], 32, /^[0-9+\-() ]{5,32}$/);
    const firstName = limited('first_name', input['first_name'], 50);
    const lastName = limited('last_name', input['last_name'], 50);
    const mediaUrl = limited('media_url', input['media_url'], 2048, /^https?:\/\/\S+$/);
    const deviceId = limited('device_id', input['device_id'], 100);
    const accountId = limited('account_id', input['account_id'], 100);
    const zipcode = limited('zipcode', input['zipcode'], 12, /^[0-9A-Za-z -]+$/);
    const token = randomUUID();
    const name = [lastName, firstName].filter(Boolean).join('') || null; // 姓 before 名
    const { incident } = await this.incidents.report(
      {
        category: category.code,
        title: `${category.nameZh}${addressString ? `：${addressString.slice(0, 60)}` : ''}`,
        description: description ?? '',
        lon,
        lat,
        source: 'public',
        sourceRef: `open311:${token}`,
        priority: danger === 'yes' ? 'high' : undefined,
        reporterName: name,
        reporterPhone: phone,
        reporterEmail: email,
        detail: { channel: 'open311', apiKey: apiKey ? `${apiKey.slice(0, 4)}…` : null },
      },
      { sub: 'open311', username: 'open311', role: 'public', workerId: null },
    );
    await this.requests.insert({
      incidentId: incident.id,
      token,
      apiKey,
      address: addressString,
      addressId,
      zipcode,
      mediaUrl,
      deviceId,
      accountId,
      attributes,
      requestedAt: this.clock.now(),
    });
    this.logger.log(`Open311 request ${incident.code} (${category.code}) in grid ${gridCode}`);
    return { service_request_id: incident.code, token, service_notice: '', account_id: accountId };
  }

  async token(token: string): Promise<{ service_request_id: string; token: string }> {
    if (!/^[0-9a-f-]{36}$/i.test(token)) throw Open311Exception.of(404, `token ${token} is not known`);
    const found = await this.requests.byToken(token.toLowerCase());
    if (!found) throw Open311Exception.of(404, `token ${token} is not known`);
    return { service_request_id: found.code, token: found.token };
  }

  async list(query: Record<string, unknown>): Promise<Open311Request[]> {
    const ids = list(query['service_request_id']);
    if (ids && ids.length > MAX_IDS) throw Open311Exception.of(400, `at most ${MAX_IDS} service_request_id values at once`);
    const services = (await this.publicCategories()).map((c) => c.code);
    const codes = list(query['service_code']);
    const unknown = (codes ?? []).filter((c) => !services.includes(c));
    if (unknown.length > 0) throw Open311Exception.of(400, `unknown service_code: ${unknown.join(', ')}`);
    const statuses = list(query['status']);
    if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw Open311Exception.of(400, 'status must be open, closed or both (comma-separated)');
    const now = this.clock.now();
    const end = dateParam('end_date', query['end_date']) ?? now;
    const start = dateParam('start_date', query['start_date']) ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
    if (start > end) throw Open311Exception.of(400, 'start_date must not be after end_date');
    const rows = await this.requests.list({ ids, serviceCodes: codes ?? services, start, end, statuses, limit: MAX_REQUESTS });
    return rows.map((r) => this.present(r));
  }

  async one(id: string): Promise<Open311Request> {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) throw Open311Exception.of(404, `service request ${id} does not exist`);
    const services = (await this.publicCategories()).map((c) => c.code);
    const [row] = await this.requests.list({ ids: [id], serviceCodes: services, start: new Date(0), end: new Date(0), statuses: null, limit: 1 });
    if (!row) throw Open311Exception.of(404, `service request ${id} does not exist`);
    return this.present(row);
  }

  private present(r: Open311Row): Open311Request {
    const closed = CLOSED_STATES.includes(r.status);
    return {
      service_request_id: r.code,
      status: closed ? 'closed' : 'open',
      status_notes: STATUS_NOTES[r.status] ?? null,
      service_name: r.categoryZh ? `${r.categoryZh} / ${r.categoryEn}` : r.category,
      service_code: r.category,
      description: r.description || null,
      agency_responsible: r.agency,
      service_notice: null,
      requested_datetime: isoCst(r.createdAt)!,
      updated_datetime: isoCst(r.updatedAt)!,
      expected_datetime: closed ? null : isoCst(r.dueAt),
      address: r.address,
      address_id: r.addressId,
      zipcode: r.zipcode,
      lat: r.lat,
      long: r.lon,
      media_url: r.mediaUrl,
    };
  }
}
