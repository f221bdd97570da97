// Wire types of the hub's HTTP API (/api/v1). They mirror the hub contract exactly; when
// @gridhub/gridops and @gridhub/ingest export their DTOs these should be imported from there instead.

export const ROLES = ['admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker'] as const;
export type Role = (typeof ROLES)[number];

export const GRID_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

export const DEVICE_FAMILIES = ['air', 'water', 'video', 'emergency'] as const;
export type DeviceFamily = (typeof DEVICE_FAMILIES)[number];

export const INCIDENT_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  workerId: string | null;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}

export interface ErrorBody {
  statusCode: number;
  message: string;
}

export interface GridProperties {
  code: string;
  name: string;
  level: GridLevel;
  parentCode: string | null;
}

// Only what the UI reads; OpenLayers' GeoJSON reader parses the geometry.
export interface GridFeature {
  type: 'Feature';
  id?: string | number;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
  properties: GridProperties;
}

export interface GridCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

export interface Device {
  id: string;
  family: DeviceFamily;
  name: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  enabled: boolean;
  lastSeenAt: string | null;
}

export interface Incident {
  id: string;
  code: string;
  category: string;
  title: string;
  priority: IncidentPriority;
  status: string;
  source: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  assigneeWorkerId: string | null;
  assigneeName: string | null;
  createdAt: string;
}

export interface Worker {
  id: string;
  name: string;
  gridCode: string;
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
}

export interface ListResponse<T> {
  items: T[];
  total: number;
}
