import { XMLParser } from 'fast-xml-parser';
import { isoCst, renderErrors, renderRequests } from './open311.format';
import { Open311Request, REQUEST_FIELDS } from './open311.types';

const request: Open311Request = {
  service_request_id: 'GH20261122000001', status: 'open', status_notes: null, service_name: '暴露垃圾 / Exposed garbage',
  service_code: 'garbage_exposed', description: 'a < b & "c"', agency_responsible: '环境卫生服务中心', service_notice: null,
  requested_datetime: '2026-11-22T13:05:00+08:00', updated_datetime: '2026-11-22T13:05:00+08:00', expected_datetime: null,
  address: null, address_id: null, zipcode: null, lat: 37.8555, long: 112.5466, media_url: null,
};

describe('GeoReport v2 rendering', () => {
  it('writes ISO 8601 times with the +08:00 offset', () => {
    expect(isoCst(new Date('2026-11-22T05:05:00Z'))).toBe('2026-11-22T13:05:00+08:00');
    expect(isoCst(null)).toBeNull();
  });

  it('renders a request with every spec element, in order, escaping text', () => {
    const xml = renderRequests('xml', [request]);
    expect(xml.contentType).toMatch(/xml/);
    expect(xml.body).toContain('<description>a &lt; b &amp; "c"</description>');
    const parsed = new XMLParser({ parseTagValue: false }).parse(xml.body);
    expect(Object.keys(parsed.service_requests.request)).toEqual(REQUEST_FIELDS);
    expect(Object.keys(JSON.parse(renderRequests('json', [request]).body)[0])).toEqual(REQUEST_FIELDS);
  });

  it('renders errors as [{code, description}] and <errors><error>', () => {
    expect(JSON.parse(renderErrors('json', [{ code: 400, description: 'bad' }]).body)).toEqual([{ code: 400, description: 'bad' }]);
    expect(renderErrors('xml', [{ code: 404, description: 'gone' }]).body).toContain('<errors><error><code>404</code><description>gone</description></error></errors>');
  });
});
