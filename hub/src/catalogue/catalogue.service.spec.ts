import { catalogueCsv } from './catalogue.service';
import { CatalogueItem } from './catalogue.types';

const item = (overrides: Partial<CatalogueItem> = {}): CatalogueItem => ({
  deviceId: 'cam-001',
  name: '视频监控 001',
  family: 'video',
  type: null,
  ownerDepartment: 'public_security',
  ownerNameZh: '公安分局',
  ownerNameEn: 'Public security',
  lon: 112.55,
  lat: 37.85,
  gridCode: '140106001001003',
  gridName: '滨河西社区第3网格',
  enabled: true,
  online: false,
  lastSeenAt: null,
  accessClass: 'conditional',
  access: null,
  grantExpiresAt: null,
  streams: null,
  ...overrides,
});

describe('catalogueCsv', () => {
  it('has a BOM, bilingual headers, one row per resource, and stream links only where given', () => {
    const text = catalogueCsv([item(), item({ deviceId: 'cam-002', access: 'own', streams: { rtsp: 'rtsp://m/1', hls: null, gb28181Channel: '34010000001320000010' } })]);
    expect(text.startsWith('\uFEFF资源编号 id,名称 name,')).toBe(true);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.endsWith(',,,')).toBe(true);
    expect(lines[2]!.endsWith(',rtsp://m/1,,34010000001320000010')).toBe(true);
  });

  it('quotes separators and neutralises what a spreadsheet would run as a formula', () => {
    const lines = catalogueCsv([item({ name: '=HYPERLINK("x"),1' })]).slice(1).trim().split('\r\n');
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""),1"`);
    expect(catalogueCsv([item({ lon: -0.5 })])).toContain(',-0.5,');
  });
});
