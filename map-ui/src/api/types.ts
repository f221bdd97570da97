// Wire types of the hub's HTTP API (/api/v1). They mirror the hub contract; fields the UI does not read are left out.
// Fields marked optional are ones the grid-operations and sensing services add as they grow: the UI works without them.

import type { AlertView, OnWire, Role, SensorFamily, TimeBasis } from '@gridhub/contracts';
export type { Role };

export const GRID_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

export { SENSOR_FAMILIES as DEVICE_FAMILIES } from '@gridhub/contracts';
export type DeviceFamily = SensorFamily;

// The seven-step loop's states and the priorities: the server's own (@gridhub/contracts).
import type { EvaluationGrade, IncidentStatus, Priority as IncidentPriority } from '@gridhub/contracts';
export { OPEN_STATUSES, PRIORITIES as INCIDENT_PRIORITIES } from '@gridhub/contracts';
export type { IncidentStatus, IncidentPriority };

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  workerId: string | null;
  gridScope?: string | null;
  /** The department the account works for (catalogue access); null or absent for none. */
  departmentCode?: string | null;
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

export type BasemapLayerName = 'land' | 'district' | 'street' | 'community' | 'water' | 'park' | 'road' | 'bridge';

export interface BasemapCollection {
  type: 'FeatureCollection';
  bbox?: [number, number, number, number];
  features: {
    type: 'Feature';
    geometry: { type: string; coordinates: unknown } | null;
    properties: { layer: BasemapLayerName; name: string; nameEn?: string; code?: string; roadClass?: string };
  }[];
}

export interface Device {
  id: string;
  family: DeviceFamily;
  name: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  enabled: boolean;
  online?: boolean;
  attributes?: Record<string, unknown>;
  lastSeenAt: string | null;
}

export interface LatestValue {
  value: number;
  time: string;
}

export interface LatestCollection {
  type: 'FeatureCollection';
  features: { id: string; properties: Device & { readings: Record<string, LatestValue> } }[];
}

export interface SeriesPoint {
  time: string;
  value?: number;
  avg?: number;
  min?: number;
  max?: number;
  count?: number;
}

export interface SeriesResponse {
  from: string;
  to: string;
  bucket: string;
  series: { deviceId: string; metric: string; unit: string; points: SeriesPoint[] }[];
}

export interface Incident {
  id: string;
  code: string;
  category: string;
  title: string;
  description?: string;
  priority: IncidentPriority;
  status: IncidentStatus;
  source: string;
  emergency: boolean;
  lon: number;
  lat: number;
  gridCode: string | null;
  /** The component (部件) it is about, if any; it then went to the component's owner department. */
  componentId?: string | null;
  departmentCode?: string | null;
  assigneeWorkerId: string | null;
  assigneeName: string | null;
  verifierWorkerId: string | null;
  reinspectorWorkerId: string | null;
  createdAt: string;
  updatedAt?: string;
  dispatchedAt?: string | null;
  acceptDueAt?: string | null;
  verifyDueAt?: string | null;
  dispatchDueAt?: string | null;
  reinspectDueAt?: string | null;
  dueAt?: string | null;
  overdue?: boolean;
  escalatedAt?: string | null;
  reworkCount?: number;
  reassignCount?: number;
  /** How the running step's limit counts: working time (工作时) or natural time. */
  stepBasis?: TimeBasis | null;
  stepStartedAt?: string | null;
  /** Set while the handling clock is stopped (挂账/缓办). */
  suspendedAt: string | null;
  suspension?: { reason: string; requestedBy: string; approvedBy: string; basis: TimeBasis; elapsedMinutes: number; remainingMinutes: number } | null;
  /** What refusalOf reads besides the status and the workers (the server always sends them). */
  suspensionPending: { reason: string; requestedBy: string; requestedAt: string } | null;
  extensionPending: { hours: number; reason: string; requestedBy: string; requestedAt: string } | null;
  verifiedValid: boolean | null;
  reinspectionPassed: boolean | null;
}

export interface IncidentEvent {
  id?: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  at: string;
  note?: string | null;
  lon?: number | null;
  lat?: number | null;
  attachments?: string[];
  detail?: Record<string, unknown>;
}

export interface IncidentDetail extends Incident {
  events?: IncidentEvent[];
}

export interface DispatchSuggestion {
  workerId: string;
  name?: string;
  score?: number;
  distanceM?: number | null;
  load?: number;
  openTasks?: number;
  status?: string;
  reason?: string;
  lon?: number | null;
  lat?: number | null;
}

export interface IncidentCategory {
  code: string;
  name?: string;
  nameZh?: string;
  nameEn?: string;
  kind?: string;
  defaultPriority?: IncidentPriority;
}

export interface Worker {
  id: string;
  name: string;
  gridCode: string | null;
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
  openTasks?: number;
  positionAt?: string | null;
}

export interface TrailPoint {
  lon: number;
  lat: number;
  at?: string;
  time?: string;
}

/** An alert as the API and the live channel carry it: the server's AlertView on the wire. */
export type Alert = OnWire<AlertView>;

export interface ListResponse<T> {
  items: T[];
  total: number;
}

/** The body of POST /incidents/{id}/actions, per action (the action names are @gridhub/contracts' IncidentAction). */
export type ActionRequest =
  | { action: 'request_verification'; workerId?: string; note?: string }
  | { action: 'file'; dispatch?: boolean }
  | { action: 'void'; reason: string }
  | { action: 'dispatch'; workerId: string; note?: string }
  | { action: 'accept' }
  | { action: 'reject'; reason: string }
  | { action: 'check_in'; lon: number; lat: number }
  | { action: 'handle'; note: string; attachmentIds: string[] }
  | { action: 'verify'; valid: boolean; note?: string; attachmentIds?: string[] }
  | { action: 'request_suspension'; reason: string }
  | { action: 'approve_suspension'; note?: string }
  | { action: 'refuse_suspension'; note?: string }
  | { action: 'resume' }
  | { action: 'approve_extension'; note?: string }
  | { action: 'refuse_extension'; note?: string }
  | { action: 'reinspect_pass'; note?: string; attachmentIds?: string[] }
  | { action: 'reinspect_fail'; reason: string; attachmentIds?: string[] }
  | { action: 'close' }
  | { action: 'evaluate'; grade: EvaluationGrade };

export interface NewIncidentReport {
  category: string;
  title: string;
  description: string;
  lon: number;
  lat: number;
  priority?: IncidentPriority;
  attachmentIds?: string[];
}

/** A city component (部件) of GET /components (GeoJSON properties), docs/domain/components.md. */
export interface CityComponent {
  id: string;
  classCode: string;
  majorCode: string;
  classNameZh: string | null;
  classNameEn: string | null;
  name: string;
  departmentCode: string | null;
  gridCode: string | null;
  state: 'normal' | 'damaged' | 'missing' | 'occupied' | 'abandoned';
  address: string | null;
  updatedAt: string;
  lon: number;
  lat: number;
}
