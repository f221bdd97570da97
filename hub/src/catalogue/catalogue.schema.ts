import { OnWire, SENSOR_FAMILIES } from '@gridhub/contracts';
import { isoTime, listOf, Same, z } from '@gridhub/ingest';
import { ACCESS_CLASSES, AccessRequest, CatalogueItem, REQUEST_STATUSES } from './catalogue.types';

/** A resource as the catalogue lists it: `CatalogueItem` on the wire; `streams` only where the viewer has access. */
export const catalogueItemSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  family: z.enum(SENSOR_FAMILIES),
  type: z.string().nullable(),
  ownerDepartment: z.string().nullable(),
  ownerNameZh: z.string().nullable(),
  ownerNameEn: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  gridCode: z.string().nullable(),
  gridName: z.string().nullable(),
  enabled: z.boolean(),
  online: z.boolean(),
  lastSeenAt: isoTime.nullable(),
  accessClass: z.enum(ACCESS_CLASSES),
  access: z.enum(['own', 'shared', 'granted', 'admin']).nullable(),
  grantExpiresAt: isoTime.nullable(),
  streams: z.object({ rtsp: z.string().nullable(), hls: z.string().nullable(), gb28181Channel: z.string().nullable() }).nullable(),
});

/** A department's request for another department's conditional resource: `AccessRequest` on the wire. */
export const accessRequestSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  ownerDepartment: z.string().nullable(),
  departmentCode: z.string(),
  departmentNameZh: z.string(),
  departmentNameEn: z.string(),
  reason: z.string(),
  status: z.enum(REQUEST_STATUSES),
  requestedBy: z.string(),
  requestedAt: isoTime,
  decidedBy: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  active: z.boolean(),
});

export const catalogueListSchema = listOf(catalogueItemSchema);
export const accessRequestListSchema = z.object({ items: z.array(accessRequestSchema) });

// The schemas describe exactly the service's types as the API writes them (dates as ISO 8601).
const _item: Same<z.infer<typeof catalogueItemSchema>, OnWire<CatalogueItem>> = true;
const _request: Same<z.infer<typeof accessRequestSchema>, OnWire<AccessRequest>> = true;
void _item;
void _request;
