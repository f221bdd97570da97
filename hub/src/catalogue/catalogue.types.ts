import type { SensorFamily } from '@gridhub/contracts';

/** 无条件共享 / 有条件共享 / 不予共享 (国发〔2016〕51号), see docs/catalogue.md. */
export const ACCESS_CLASSES = ['shared', 'conditional', 'restricted'] as const;
export type AccessClass = (typeof ACCESS_CLASSES)[number];

/** Why the viewer may use a resource: it is theirs, it is shared, a request was approved, or they administer the hub. */
export type AccessReason = 'own' | 'shared' | 'granted' | 'admin';

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface CatalogueViewer {
  username: string;
  admin: boolean;
  departmentCode: string | null;
  gridScope: string | null;
}

export interface CatalogueFilter {
  family?: SensorFamily;
  owner?: string;
  accessClass?: AccessClass;
  gridCode?: string;
  online?: boolean;
  /** Only resources the viewer may use now. */
  accessible?: boolean;
  q?: string;
}

export interface StreamLinks {
  rtsp: string | null;
  hls: string | null;
  /** GB/T 28181-2016 channel id (20 digits). */
  gb28181Channel: string | null;
}

/** A resource as the catalogue lists it; `streams` only where the viewer has access. */
export interface CatalogueItem {
  deviceId: string;
  name: string;
  family: SensorFamily;
  type: string | null;
  ownerDepartment: string | null;
  ownerNameZh: string | null;
  ownerNameEn: string | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  gridName: string | null;
  enabled: boolean;
  online: boolean;
  lastSeenAt: Date | null;
  accessClass: AccessClass;
  access: AccessReason | null;
  /** End of the approved request the access rests on (access = granted). */
  grantExpiresAt: Date | null;
  streams: StreamLinks | null;
}

export interface AccessRequest {
  id: string;
  deviceId: string;
  deviceName: string;
  ownerDepartment: string | null;
  departmentCode: string;
  departmentNameZh: string;
  departmentNameEn: string;
  reason: string;
  status: RequestStatus;
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  expiresAt: Date | null;
  /** Approved and not yet expired. */
  active: boolean;
}
