// Wire types of GET /api/v1/catalogue and its access requests (hub/src/catalogue).
import type { DeviceFamily } from './types';

export const ACCESS_CLASSES = ['shared', 'conditional', 'restricted'] as const;
export type AccessClass = (typeof ACCESS_CLASSES)[number];
export type AccessReason = 'own' | 'shared' | 'granted' | 'admin';

export interface CatalogueItem {
  deviceId: string;
  name: string;
  family: DeviceFamily;
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
  lastSeenAt: string | null;
  accessClass: AccessClass;
  access: AccessReason | null;
  grantExpiresAt: string | null;
  streams: { rtsp: string | null; hls: string | null; gb28181Channel: string | null } | null;
}

export interface AccessRequest {
  id: string;
  deviceId: string;
  deviceName: string;
  ownerDepartment: string | null;
  departmentCode: string;
  departmentNameZh?: string;
  departmentNameEn?: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'revoked';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  expiresAt: string | null;
  active: boolean;
}
