import { XMLParser } from 'fast-xml-parser';
import { AlertView } from '@gridhub/contracts';
import { atomFeed, capDateTime, capDocument, capMessage, capPolygons } from './cap.builder';

const alert = (overrides: Partial<AlertView> = {}): AlertView => ({
  id: '42',
  kind: 'rule',
  status: 'raised',
  source: 'sensor',
  severity: 'orange',
  emergency: false,
  ruleId: 1,
  ruleName: 'PM2.5 重度污染',
  ruleNameEn: 'PM2.5 heavy pollution',
  eventType: null,
  metric: 'pm25',
  threshold: 150,
  deviceId: 'air-001',
  deviceName: '空气微站 001',
  family: 'air',
  bureau: 'environment',
  gridCode: '140106001001001',
  lon: 112.547,
  lat: 37.8555,
  value: 320,
  count: 1,
  summary: 'PM2.5 重度污染：pm25 = 320 µg/m³（> 150）',
  raisedAt: new Date('2026-11-22T05:00:00.123Z'),
  updatedAt: new Date('2026-11-22T05:00:00.123Z'),
  lastValueAt: new Date('2026-11-22T05:00:00.123Z'),
  acknowledgedAt: null,
  acknowledgedBy: null,
  clearedAt: null,
  clearedBy: null,
  incidentId: null,
  incidentCategory: 'air_pollution',
  detail: {},
  ...overrides,
});

const square = { type: 'Polygon', coordinates: [[[112.546, 37.856], [112.54714, 37.856], [112.54714, 37.8551], [112.546, 37.8551], [112.546, 37.856]]] };
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, removeNSPrefix: false }).parse(xml);

describe('CAP 1.2', () => {
  it('writes times with the China offset and no fractions of a second', () => {
    expect(capDateTime(new Date('2026-11-22T05:00:00.999Z'))).toBe('2026-11-22T13:00:00+08:00');
    expect(capDateTime(new Date('2026-11-22T17:30:05Z'))).toBe('2026-11-23T01:30:05+08:00');
  });

  it('turns a GeoJSON ring into a closed "lat,lon" polygon', () => {
    expect(capPolygons(square)).toEqual(['37.856,112.546 37.856,112.54714 37.8551,112.54714 37.8551,112.546 37.856,112.546']);
    const open = { type: 'Polygon', coordinates: [[[1, 2], [3, 4], [5, 6]]] };
    expect(capPolygons(open)).toEqual(['2,1 4,3 6,5 2,1']);
    expect(capPolygons({ type: 'MultiPolygon', coordinates: [square.coordinates, open.coordinates] })).toHaveLength(2);
    expect(capPolygons(null)).toEqual([]);
  });

  it('is an Alert when raised, an Update after changes and a Cancel once cleared, referring to the original', () => {
    expect(capMessage(alert())).toMatchObject({ msgType: 'Alert', identifier: 'urn:gridhub:alert:42', references: null });
    const original = 'alerts@gridhub.city,urn:gridhub:alert:42,2026-11-22T13:00:00+08:00';
    const acked = alert({ status: 'acknowledged', updatedAt: new Date('2026-11-22T05:03:00Z') });
    expect(capMessage(acked)).toMatchObject({ msgType: 'Update', references: original });
    expect(capMessage(acked).identifier).not.toBe('urn:gridhub:alert:42');
    const cleared = alert({ status: 'cleared', clearedAt: new Date('2026-11-22T06:00:00Z'), updatedAt: new Date('2026-11-22T06:00:00Z') });
    expect(capMessage(cleared)).toMatchObject({ msgType: 'Cancel', references: original, sent: new Date('2026-11-22T06:00:00Z') });
  });

  it('carries every required element, in both languages, with the grid polygon', () => {
    const doc = parse(capDocument(alert(), { code: '140106001001001', name: '滨河西社区第1网格', geometry: square })).alert;
    expect(doc['@_xmlns']).toBe('urn:oasis:names:tc:emergency:cap:1.2');
    expect(doc).toMatchObject({ identifier: 'urn:gridhub:alert:42', sender: 'alerts@gridhub.city', sent: '2026-11-22T13:00:00+08:00', status: 'Actual', msgType: 'Alert', scope: 'Public' });
    expect(doc.info.map((i: any) => i.language)).toEqual(['zh-CN', 'en-US']);
    for (const info of doc.info) {
      expect(info).toMatchObject({ category: 'Env', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed' });
      for (const field of ['event', 'headline', 'description', 'instruction', 'senderName']) expect(String(info[field]).length).toBeGreaterThan(0);
      expect(info.area.polygon).toBe(capPolygons(square)[0]);
      expect(String(info.area.areaDesc)).toContain('140106001001001');
    }
    expect(doc.info[0].headline).toBe('橙色预警：PM2.5 重度污染');
  });

  it('maps the four colours to CAP severities', () => {
    const severity = (s: AlertView['severity']) => parse(capDocument(alert({ severity: s }), null)).alert.info[0].severity;
    expect(['red', 'orange', 'yellow', 'blue'].map((s) => severity(s as AlertView['severity']))).toEqual(['Extreme', 'Severe', 'Moderate', 'Minor']);
  });

  it('lists active warnings in an Atom feed linking their CAP documents', () => {
    const feed = parse(atomFeed([alert(), alert({ id: '43', severity: 'red' })], 'http://hub.example', new Date())).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.entry).toHaveLength(2);
    expect(feed.entry[1].link['@_href']).toBe('http://hub.example/api/v1/alerts/43/cap');
    expect(feed.entry[1].link['@_type']).toBe('application/cap+xml');
  });
});
