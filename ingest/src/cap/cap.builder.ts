import { beijingExtended } from '@gridhub/contracts';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { AlertView } from '@gridhub/contracts';
import { WarningColour } from '@gridhub/contracts';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_CONTENT_TYPE = 'application/cap+xml';
export const ATOM_CONTENT_TYPE = 'application/atom+xml';
export const CAP_SENDER = 'alerts@gridhub.city';

/** CAP 1.2 severity of China's warning colours (GB/T 35965.1-2018 levels I–IV). */
export const CAP_SEVERITY: Readonly<Record<WarningColour, 'Extreme' | 'Severe' | 'Moderate' | 'Minor'>> = {
  red: 'Extreme',
  orange: 'Severe',
  yellow: 'Moderate',
  blue: 'Minor',
};

const COLOUR_NAMES: Readonly<Record<WarningColour, { zh: string; en: string }>> = {
  red: { zh: '红色', en: 'Red' },
  orange: { zh: '橙色', en: 'Orange' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};

const EVENT_CATEGORY: Readonly<Record<string, string>> = {
  smoke_alarm: 'Fire',
  smoke_fire: 'Fire',
  gas_leak: 'Safety',
  sos_button: 'Rescue',
  fallen_person: 'Rescue',
  manhole_cover: 'Infra',
  building_tilt: 'Infra',
  water_logging: 'Met',
  waterlogging: 'Met',
  crowd_gathering: 'Safety',
  intrusion: 'Security',
  garbage_exposed: 'Env',
};
const HYDRO_METRICS = new Set(['level_m', 'flow_m3s', 'rain_mm']);

/** The grid area a warning covers: the affected unit grid's boundary (GeoJSON from table grids). */
export interface CapArea {
  code: string;
  name: string;
  geometry: unknown;
}

/**
 * "2026-11-22T13:05:00+08:00": CAP dateTime with an offset and no fractional seconds (CAP 1.2 §3.3.2) — the same text
 * as GB/T 35965.1's extended Beijing time, so both documents share one function.
 */
export const capDateTime = beijingExtended;

/** CAP polygons ("lat,lon lat,lon …", first = last) from a GeoJSON Polygon or MultiPolygon's outer rings. */
export function capPolygons(geometry: unknown): string[] {
  const g = geometry as { type?: string; coordinates?: unknown } | null;
  if (!g || !Array.isArray(g.coordinates)) return [];
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []) as number[][][][];
  return polygons
    .map((rings) => rings[0] ?? [])
    .filter((ring) => ring.length >= 3)
    .map((ring) => {
      const pts = ring.map(([lon, lat]) => [lat!, lon!] as const);
      const [first, last] = [pts[0]!, pts[pts.length - 1]!];
      if (first[0] !== last[0] || first[1] !== last[1]) pts.push(first);
      return pts.map(([lat, lon]) => `${lat},${lon}`).join(' ');
    });
}

/** How soon to act: past for a cancellation, immediate for red and orange warnings, expected otherwise. */
export function capUrgency(alert: AlertView, msgType: 'Alert' | 'Update' | 'Cancel'): 'Past' | 'Immediate' | 'Expected' {
  return msgType === 'Cancel' ? 'Past' : alert.severity === 'red' || alert.severity === 'orange' ? 'Immediate' : 'Expected';
}

/** A video detection is likely; a measurement or an alarm is observed. */
export const capCertainty = (alert: AlertView): 'Likely' | 'Observed' => (alert.source === 'video' ? 'Likely' : 'Observed');

/**
 * Writes a warning's `area` into an `info` element: its description, the unit grid's polygon(s) or, without a grid
 * boundary, a 100 m circle around the device ("lat,lon radius-km"), and the given geocodes.
 */
export function writeArea(info: XMLBuilder, alert: AlertView, area: CapArea | null, areaDesc: string, geocodes: readonly [string, string][]): void {
  const areaEl = info.ele('area');
  areaEl.ele('areaDesc').txt(areaDesc);
  const polygons = area ? capPolygons(area.geometry) : [];
  for (const polygon of polygons) areaEl.ele('polygon').txt(polygon);
  if (polygons.length === 0) areaEl.ele('circle').txt(`${alert.lat},${alert.lon} 0.1`);
  for (const [name, value] of geocodes) areaEl.ele('geocode').ele('valueName').txt(name).up().ele('value').txt(value);
}

export function capCategory(alert: AlertView): string {
  if (alert.eventType) return EVENT_CATEGORY[alert.eventType] ?? 'Other';
  if (alert.kind === 'device_offline') return 'Infra';
  if (alert.family === 'water' && alert.metric && HYDRO_METRICS.has(alert.metric)) return 'Met';
  return 'Env';
}

/** The CAP message this alert's current state is: Alert when first raised, Update after changes, Cancel once cleared. */
export function capMessage(alert: AlertView): { identifier: string; msgType: 'Alert' | 'Update' | 'Cancel'; sent: Date; references: string | null } {
  const base = capIdentifier(alert.id);
  const original = `${CAP_SENDER},${base},${capDateTime(alert.raisedAt)}`;
  if (alert.status === 'cleared') {
    const at = alert.clearedAt ?? alert.updatedAt;
    return { identifier: `${base}.cancel`, msgType: 'Cancel', sent: at, references: original };
  }
  if (alert.status === 'acknowledged' || alert.count > 1 || alert.updatedAt.getTime() > alert.raisedAt.getTime()) {
    const at = alert.updatedAt;
    return { identifier: `${base}.update.${Math.floor(at.getTime() / 1000)}`, msgType: 'Update', sent: at, references: original };
  }
  return { identifier: base, msgType: 'Alert', sent: alert.raisedAt, references: null };
}

export const capIdentifier = (alertId: string) => `urn:gridhub:alert:${alertId}`;

export interface Texts {
  event: string;
  headline: string;
  description: string;
  instruction: string;
  senderName: string;
  areaDesc: string;
}

/** The warning's texts (event, headline, description, instruction, sender, area) in Chinese or English. */
export function warningTexts(alert: AlertView, area: CapArea | null, lang: 'zh' | 'en'): Texts {
  const colour = COLOUR_NAMES[alert.severity][lang];
  const when = capDateTime(alert.raisedAt);
  if (lang === 'zh') {
    const event = alert.ruleName ?? (alert.kind === 'device_offline' ? '设备离线' : '预警');
    const cancelled = alert.status === 'cleared' ? '（已解除）' : '';
    return {
      event,
      headline: `${colour}预警：${event}${cancelled}`,
      description:
        `${alert.summary ?? event}。监测设备：${alert.deviceName}（${alert.deviceId}）` +
        `${alert.value !== null ? `，最新值 ${alert.value}` : ''}，首次发布 ${when}，累计 ${alert.count} 次。`,
      instruction: instructionZh(alert),
      senderName: '城市网格化管理平台 GridHub',
      areaDesc: area ? `${area.name}（${area.code}）` : `${alert.deviceName} 附近`,
    };
  }
  const event = alert.ruleNameEn ?? alert.ruleName ?? (alert.kind === 'device_offline' ? 'Device offline' : 'Warning');
  return {
    event,
    headline: `${colour} warning: ${event}${alert.status === 'cleared' ? ' (cancelled)' : ''}`,
    description:
      `${event} at ${alert.deviceName} (${alert.deviceId})${alert.value !== null ? `, latest value ${alert.value}` : ''}; ` +
      `first issued ${when}, observed ${alert.count} time(s).`,
    instruction: instructionEn(alert),
    senderName: 'GridHub city grid management',
    areaDesc: area ? `Grid ${area.code}` : `Near ${alert.deviceId}`,
  };
}

function instructionZh(alert: AlertView): string {
  if (alert.status === 'cleared') return '预警已解除，恢复正常活动。';
  if (alert.emergency) return '立即远离危险区域，听从现场工作人员指挥，必要时拨打 119/110/120。';
  if (alert.family === 'air') return '减少户外活动，儿童、老人及呼吸系统疾病患者留在室内，关闭门窗。';
  if (alert.family === 'water') return '远离河道及低洼地带，暂停取用该水体，服从防汛及环保部门安排。';
  return '请注意安全，配合网格员现场核查处置。';
}

function instructionEn(alert: AlertView): string {
  if (alert.status === 'cleared') return 'The warning has been cancelled; resume normal activities.';
  if (alert.emergency) return 'Leave the danger area now and follow the responders; call 119/110/120 if needed.';
  if (alert.family === 'air') return 'Limit outdoor activity; children, the elderly and people with respiratory illness should stay indoors with windows closed.';
  if (alert.family === 'water') return 'Keep away from the river bank and low-lying areas and do not use this water; follow the flood-control and environment authorities.';
  return 'Take care and cooperate with the grid worker verifying the situation.';
}

/** A CAP 1.2 alert document for an alert in its current state, with zh-CN and en-US info blocks. */
export function capDocument(alert: AlertView, area: CapArea | null): string {
  const message = capMessage(alert);
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NAMESPACE, 'alert');
  doc.ele('identifier').txt(message.identifier);
  doc.ele('sender').txt(CAP_SENDER);
  doc.ele('sent').txt(capDateTime(message.sent));
  doc.ele('status').txt('Actual');
  doc.ele('msgType').txt(message.msgType);
  doc.ele('scope').txt('Public');
  if (message.references) doc.ele('references').txt(message.references);
  doc.ele('incidents').txt(capIdentifier(alert.id));
  for (const [lang, language] of [['zh', 'zh-CN'], ['en', 'en-US']] as const) {
    const t = warningTexts(alert, area, lang);
    const info = doc.ele('info');
    info.ele('language').txt(language);
    info.ele('category').txt(capCategory(alert));
    info.ele('event').txt(t.event);
    info.ele('responseType').txt(message.msgType === 'Cancel' ? 'AllClear' : alert.emergency ? 'Evacuate' : 'Monitor');
    info.ele('urgency').txt(capUrgency(alert, message.msgType));
    info.ele('severity').txt(CAP_SEVERITY[alert.severity]);
    info.ele('certainty').txt(capCertainty(alert));
    info.ele('eventCode').ele('valueName').txt('GridHubAlertKind').up().ele('value').txt(alert.eventType ?? alert.kind);
    info.ele('effective').txt(capDateTime(alert.raisedAt));
    info.ele('onset').txt(capDateTime(alert.raisedAt));
    if (alert.clearedAt) info.ele('expires').txt(capDateTime(alert.clearedAt));
    info.ele('senderName').txt(t.senderName);
    info.ele('headline').txt(t.headline);
    info.ele('description').txt(t.description);
    info.ele('instruction').txt(t.instruction);
    info.ele('parameter').ele('valueName').txt('warningColour').up().ele('value').txt(alert.severity);
    info.ele('parameter').ele('valueName').txt('count').up().ele('value').txt(String(alert.count));
    writeArea(info, alert, area, t.areaDesc, area ? [['GridCode', area.code]] : []);
  }
  return doc.end({ prettyPrint: true });
}

/** An Atom feed of active warnings, each entry linking its CAP document. */
export function atomFeed(alerts: AlertView[], baseUrl: string, now: Date): string {
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.w3.org/2005/Atom', 'feed');
  feed.ele('id').txt('urn:gridhub:alerts:feed');
  feed.ele('title').txt('GridHub 预警信息 / active warnings');
  const newest = alerts.reduce((max, a) => Math.max(max, a.updatedAt.getTime()), 0);
  feed.ele('updated').txt(capDateTime(newest > 0 ? new Date(newest) : now));
  feed.ele('link', { rel: 'self', type: ATOM_CONTENT_TYPE, href: `${baseUrl}/api/v1/alerts/feed` });
  feed.ele('author').ele('name').txt('GridHub');
  for (const alert of alerts) {
    const message = capMessage(alert);
    const t = warningTexts(alert, null, 'zh');
    const entry = feed.ele('entry');
    entry.ele('id').txt(message.identifier);
    entry.ele('title').txt(`${t.headline} / ${warningTexts(alert, null, 'en').headline}`);
    entry.ele('published').txt(capDateTime(alert.raisedAt));
    entry.ele('updated').txt(capDateTime(alert.updatedAt));
    entry.ele('link', { rel: 'alternate', type: CAP_CONTENT_TYPE, href: `${baseUrl}/api/v1/alerts/${alert.id}/cap` });
    entry.ele('category', { term: alert.severity, label: CAP_SEVERITY[alert.severity] });
    entry.ele('summary').txt(t.description);
  }
  return feed.end({ prettyPrint: true });
}
