import { create } from 'xmlbuilder2';
import {
  Open311Error,
  Open311Format,
  Open311Request,
  Open311ServiceInfo,
  Open311ServiceDefinition,
  REQUEST_FIELDS,
} from './open311.types';

type XMLBuilder = ReturnType<typeof create>;

/** ISO 8601 with the China Standard Time offset, as GeoReport asks (2026-11-22T13:05:00+08:00). */
export function isoCst(at: Date | null): string | null {
  if (!at) return null;
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
}

function doc(root: string): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele(root);
}

function leaf(parent: XMLBuilder, name: string, value: unknown): void {
  const el = parent.ele(name);
  if (value !== null && value !== undefined) el.txt(String(value));
}

const xml = (root: XMLBuilder) => root.end({ prettyPrint: false });

export interface Rendered {
  contentType: string;
  body: string;
}

function render(format: Open311Format, json: unknown, toXml: () => string): Rendered {
  return format === 'json'
    ? { contentType: 'application/json; charset=utf-8', body: JSON.stringify(json) }
    : { contentType: 'text/xml; charset=utf-8', body: toXml() };
}

export function renderServices(format: Open311Format, services: Open311ServiceInfo[]): Rendered {
  return render(format, services, () => {
    const root = doc('services');
    for (const s of services) {
      const el = root.ele('service');
      for (const key of ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'] as const) leaf(el, key, s[key]);
    }
    return xml(root);
  });
}

export function renderDefinition(format: Open311Format, definition: Open311ServiceDefinition): Rendered {
  return render(format, definition, () => {
    const root = doc('service_definition');
    leaf(root, 'service_code', definition.service_code);
    const attributes = root.ele('attributes');
    for (const a of definition.attributes) {
      const el = attributes.ele('attribute');
      for (const key of ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'] as const) leaf(el, key, a[key]);
      const values = el.ele('values');
      for (const v of a.values) {
        const value = values.ele('value');
        leaf(value, 'key', v.key);
        leaf(value, 'name', v.name);
      }
    }
    return xml(root);
  });
}

export function renderRequests(format: Open311Format, requests: Open311Request[]): Rendered {
  const ordered = requests.map((r) => Object.fromEntries(REQUEST_FIELDS.map((k) => [k, r[k]])));
  return render(format, ordered, () => {
    const root = doc('service_requests');
    for (const r of requests) {
      const el = root.ele('request');
      for (const key of REQUEST_FIELDS) leaf(el, key, r[key]);
    }
    return xml(root);
  });
}

/** POST requests and GET tokens answers: a list of {service_request_id, token?, service_notice?, account_id?}. */
export function renderCreated(format: Open311Format, items: Record<string, string | null>[]): Rendered {
  return render(format, items, () => {
    const root = doc('service_requests');
    for (const item of items) {
      const el = root.ele('request');
      for (const [key, value] of Object.entries(item)) leaf(el, key, value);
    }
    return xml(root);
  });
}

export function renderErrors(format: Open311Format, errors: Open311Error[]): Rendered {
  return render(format, errors, () => {
    const root = doc('errors');
    for (const e of errors) {
      const el = root.ele('error');
      leaf(el, 'code', e.code);
      leaf(el, 'description', e.description);
    }
    return xml(root);
  });
}
