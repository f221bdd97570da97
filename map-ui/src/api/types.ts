// Wire types of the hub's HTTP API (/api/v1). Where the hub's OpenAPI document describes a response, the type is the
// generated one (@gridhub/client); the hand-written ones below cover routes whose response schema is still to come.

import type { AlertView, OnWire, Role, SensorFamily } from '@gridhub/contracts';
export type { Role };

export const GRID_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

export { SENSOR_FAMILIES as DEVICE_FAMILIES } from '@gridhub/contracts';
export type DeviceFamily = SensorFamily;

// The seven-step loop's states and the priorities: the server's own (@gridhub/contracts).
import type { EvaluationGrade, Priority as IncidentPriority } from '@gridhub/contracts';
export { OPEN_STATUSES, PRIORITIES as INCIDENT_PRIORITIES } from '@gridhub/contracts';
export type { IncidentPriority };

import type { ResponseOf } from '@gridhub/client';
export type LoginResponse = ResponseOf<'/api/v1/auth/login', 'post'>;
export type Device = ResponseOf<'/api/v1/devices/{id}', 'get'>;
export type Incident = ResponseOf<'/api/v1/incidents/{id}/actions', 'post'>;
export type IncidentDetail = ResponseOf<'/api/v1/incidents/{id}', 'get'>;
export type IncidentEvent = IncidentDetail['events'][number];
export type DispatchSuggestion = ResponseOf<'/api/v1/incidents/{id}/suggestions', 'get'>['items'][number];
export type Worker = ResponseOf<'/api/v1/workers', 'get'>['items'][number];
export type TrailPoint = ResponseOf<'/api/v1/workers/{id}/trail', 'get'>['positions'][number];
export type GridCollection = ResponseOf<'/api/v1/grids', 'get'>;
export type GridFeature = GridCollection['features'][number];
export type GridProperties = GridFeature['properties'];
export type IncidentCategory = ResponseOf<'/api/v1/incident-categories', 'get'>['items'][number];
export type KioskSessionResponse = ResponseOf<'/api/v1/kiosk/session', 'post'>;

// The overview screen (hub/src/overview).
export type OverviewData = ResponseOf<'/api/v1/overview', 'get'>;
export type OverviewArea = OverviewData['areas'][number];
export type AreaCollection = ResponseOf<'/api/v1/overview/areas', 'get'>;

// The shared catalogue and its access requests (hub/src/catalogue).
export type CatalogueItem = ResponseOf<'/api/v1/catalogue/{deviceId}', 'get'>;
export type AccessClass = CatalogueItem['accessClass'];
export const ACCESS_CLASSES: readonly AccessClass[] = ['shared', 'conditional', 'restricted'];
export type AccessRequest = ResponseOf<'/api/v1/catalogue/access-requests', 'get'>['items'][number];

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

export interface ErrorBody {
  statusCode: number;
  message: string;
}

export type BasemapCollection = ResponseOf<'/api/v1/basemap', 'get'>;

export type LatestCollection = ResponseOf<'/api/v1/latest', 'get'>;
export type LatestValue = LatestCollection['features'][number]['properties']['readings'][string];

export type SeriesResponse = ResponseOf<'/api/v1/devices/{id}/readings', 'get'>;
/** A raw reading (`value`) or, for a bucketed series, the bucket's figures (`avg`, `min`, `max`, `count`, `last`). */
export type SeriesPoint = SeriesResponse['series'][number]['points'][number];

/** A series point's value: the bucket's mean, or the raw reading. */
export const pointValue = (p: SeriesPoint): number => ('avg' in p ? p.avg : p.value);

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

export type ComponentCollection = ResponseOf<'/api/v1/components', 'get'>;
/** A city component (部件) of GET /components: its GeoJSON properties and its position. */
export type CityComponent = ComponentCollection['features'][number]['properties'] & { lon: number; lat: number };
