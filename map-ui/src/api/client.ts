import type {
  Alert,
  BasemapCollection,
  Device,
  DispatchSuggestion,
  ErrorBody,
  GridCollection,
  GridLevel,
  Incident,
  ActionRequest,
  IncidentCategory,
  IncidentDetail,
  IncidentEvent,
  LatestCollection,
  ListResponse,
  LoginRequest,
  LoginResponse,
  NewIncidentReport,
  SeriesResponse,
  TrailPoint,
  Worker,
} from './types';
import { createHubClient, type ResponseOf } from '@gridhub/client';

type TrailResponse = ResponseOf<'/api/v1/workers/{id}/trail', 'get'>;

export type ApiErrorKind = 'http' | 'network' | 'format';

/**
 * A failed call: `status` is the HTTP status (0 when the request never got an answer);
 * kind 'format' is a 2xx answer whose body is not what the contract says.
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;

  constructor(
    readonly status: number,
    message: string,
    kind?: ApiErrorKind,
  ) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind ?? (status === 0 ? 'network' : 'http');
  }

  get isNetwork(): boolean {
    return this.kind === 'network';
  }

  /** The endpoint does not exist on this hub (yet): the feature is shown as unavailable, not as broken. */
  get isMissing(): boolean {
    return this.status === 404 || this.status === 405;
  }
}

export interface ApiClientOptions {
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when an authenticated call answers 401: the session is gone, go back to login. */
  onUnauthorized: () => void;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface ApiClient {
  login(body: LoginRequest, signal?: AbortSignal): Promise<LoginResponse>;
  grids(level?: GridLevel, signal?: AbortSignal): Promise<GridCollection>;
  basemap(signal?: AbortSignal): Promise<BasemapCollection>;
  devices(signal?: AbortSignal): Promise<ListResponse<Device>>;
  latest(signal?: AbortSignal): Promise<LatestCollection>;
  readings(deviceId: string, query: Query, signal?: AbortSignal): Promise<SeriesResponse>;
  openIncidents(signal?: AbortSignal): Promise<ListResponse<Incident>>;
  incidents(query: Query, signal?: AbortSignal): Promise<ListResponse<Incident>>;
  incident(id: string, signal?: AbortSignal): Promise<IncidentDetail>;
  incidentHistory(id: string, signal?: AbortSignal): Promise<IncidentEvent[]>;
  suggestions(id: string, signal?: AbortSignal): Promise<DispatchSuggestion[]>;
  act(id: string, action: ActionRequest): Promise<Incident>;
  report(body: NewIncidentReport): Promise<Incident>;
  upload(incidentId: string | null, file: Blob, name: string): Promise<{ id: string }>;
  attachmentUrl(id: string): string;
  attachmentBlob(id: string, signal?: AbortSignal): Promise<Blob>;
  categories(signal?: AbortSignal): Promise<IncidentCategory[]>;
  workers(signal?: AbortSignal): Promise<ListResponse<Worker>>;
  trail(workerId: string, query: Query, signal?: AbortSignal): Promise<TrailPoint[]>;
  alerts(query: Query, signal?: AbortSignal): Promise<ListResponse<Alert>>;
  /** A grid worker's own position (POST /workers/me/location). */
  postLocation(body: { lon: number; lat: number; accuracyM?: number; ts?: string }): Promise<unknown>;
  acknowledge(alertId: string): Promise<Alert>;
  /** Any other GET under /api/v1 (air, water, indicators): the body as sent. */
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  /** Any other POST, PUT or DELETE under /api/v1: the body as sent. */
  call<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A GET under /api/v1 as a file (CSV exports). */
  blob(path: string, query?: Query, signal?: AbortSignal): Promise<Blob>;
}

const API = '/api/v1';

export function qs(query: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A list answer may be `{ items }` or a bare array; both are accepted, anything else is a contract error. */
function items<T>(body: unknown, key = 'items'): T[] {
  if (Array.isArray(body)) return body as T[];
  const v = (body as Record<string, unknown> | null)?.[key];
  if (Array.isArray(v)) return v as T[];
  throw new ApiError(200, `expected { ${key}: [...] }`, 'format');
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  async function send(
    path: string,
    init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; form?: FormData; auth?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<Response> {
    const auth = init.auth ?? true;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = auth ? options.getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;

    return checked(
      new Request(`${baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.form ?? (init.body === undefined ? null : JSON.stringify(init.body)),
        signal: init.signal ?? null,
      }),
      auth,
    );
  }

  /** Fetches; a network failure becomes ApiError 0, an error answer ApiError with the hub's message (401 ends the session). */
  async function checked(request: Request, auth: boolean): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(request);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, err instanceof Error ? err.message : String(err));
    }
    if (!res.ok) {
      const message = await readErrorMessage(res);
      if (res.status === 401 && auth) options.onUnauthorized();
      throw new ApiError(res.status, message);
    }
    return res;
  }

  // Routes the hub's OpenAPI document describes go through the generated client (@gridhub/client): their paths,
  // parameters and bodies are checked by the compiler. Its fetch is the same error handling as `send`.
  const guarded = (auth: boolean) => (request: Request): Promise<Response> => {
    if (!request.headers.has('Accept')) request.headers.set('Accept', 'application/json');
    return checked(request, auth);
  };
  const hub = createHubClient({ baseUrl, token: options.getToken, fetch: guarded(true) });
  const anonymous = createHubClient({ baseUrl, fetch: guarded(false) });
  async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
    const { data: body, response } = await call;
    if (body === undefined) throw new ApiError(response.status, 'expected a JSON body', 'format');
    return body;
  }
  const id = (value: string) => ({ params: { path: { id: value } } });

  async function request<T>(
    path: string,
    init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; form?: FormData; auth?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const res = await send(path, init);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(res.status, 'invalid JSON', 'format');
    }
  }

  return {
    login: (body, signal) => data(anonymous.POST('/api/v1/auth/login', { body, signal })),
    grids: async (level = 'grid', signal) =>
      expectCollection(await data(hub.GET('/api/v1/grids', { params: { query: { level } }, signal }))),
    basemap: async (signal) => expectCollection(await request<BasemapCollection>(`${API}/basemap`, { signal })),
    devices: async (signal) => expectList(await data(hub.GET('/api/v1/devices', { signal }))),
    latest: async (signal) => expectCollection(await request<LatestCollection>(`${API}/latest`, { signal })),
    readings: (deviceId, query, signal) =>
      request<SeriesResponse>(`${API}/devices/${encodeURIComponent(deviceId)}/readings${qs(query)}`, { signal }),
    openIncidents: async (signal) => expectList(await data(hub.GET('/api/v1/incidents', { params: { query: { status: ['open'] } }, signal }))),
    incidents: async (query, signal) => expectList(await request<ListResponse<Incident>>(`${API}/incidents${qs(query)}`, { signal })),
    incident: (incidentId, signal) => data(hub.GET('/api/v1/incidents/{id}', { ...id(incidentId), signal })),
    incidentHistory: async (incidentId, signal) => expectList(await data(hub.GET('/api/v1/incidents/{id}/history', { ...id(incidentId), signal }))).items,
    suggestions: async (incidentId, signal) =>
      expectList(await data(hub.GET('/api/v1/incidents/{id}/suggestions', { ...id(incidentId), signal }))).items,
    act: (incidentId, action) => data(hub.POST('/api/v1/incidents/{id}/actions', { ...id(incidentId), body: action })),
    report: (body) => data(hub.POST('/api/v1/incidents', { body })),
    upload: async (incidentId, file, name) => {
      const form = new FormData();
      form.append('file', file, name);
      const path = incidentId ? `${API}/incidents/${encodeURIComponent(incidentId)}/attachments` : `${API}/attachments`;
      const body = await request<{ id?: string }>(path, { method: 'POST', form });
      if (!body || typeof body.id !== 'string') throw new ApiError(200, 'expected { id }', 'format');
      return { id: body.id };
    },
    attachmentUrl: (id) => `${baseUrl}${API}/attachments/${encodeURIComponent(id)}`,
    attachmentBlob: async (id, signal) => (await send(`${API}/attachments/${encodeURIComponent(id)}`, { signal })).blob(),
    categories: async (signal) => expectList(await data(hub.GET('/api/v1/incident-categories', { signal }))).items,
    workers: async (signal) => expectList(await data(hub.GET('/api/v1/workers', { signal }))),
    trail: async (workerId, query, signal) => {
      const body = await request<TrailResponse>(`${API}/workers/${encodeURIComponent(workerId)}/trail${qs(query)}`, { signal });
      if (!Array.isArray(body?.positions)) throw new ApiError(200, 'expected { positions: [...] }', 'format');
      // Newest first on the wire; a line is drawn oldest first.
      return [...body.positions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    },
    alerts: async (query, signal) => {
      const body = await request<unknown>(`${API}/alerts${qs(query)}`, { signal });
      const list = items<Alert>(body);
      return { items: list, total: (body as { total?: number }).total ?? list.length };
    },
    postLocation: (body) => request<unknown>(`${API}/workers/me/location`, { method: 'POST', body }),
    acknowledge: (alertId) => data(hub.POST('/api/v1/alerts/{id}/acknowledge', id(alertId))),
    get: (path, query = {}, signal) => request(`${API}${path}${qs(query)}`, { signal }),
    call: (method, path, body) => request(`${API}${path}`, { method, body: body ?? {} }),
    blob: async (path, query = {}, signal) => (await send(`${API}${path}${qs(query)}`, { signal })).blob(),
  };
}

async function readErrorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (typeof body.message === 'string') return body.message;
    if (Array.isArray(body.message)) return (body.message as unknown[]).join('; ');
  } catch {
    // not JSON: fall through to the status text
  }
  return res.statusText || `HTTP ${res.status}`;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

// Shape checks at the edge: a body that breaks the contract is an error the user sees, not an empty map.
function expectList<T>(body: ListResponse<T>): ListResponse<T> {
  if (!body || !Array.isArray(body.items)) throw new ApiError(200, 'expected { items: [...] }', 'format');
  return body;
}

function expectCollection<T extends { type: string; features: unknown[] }>(body: T): T {
  if (!body || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
    throw new ApiError(200, 'expected a GeoJSON FeatureCollection', 'format');
  }
  return body;
}
