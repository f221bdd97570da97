import type {
  Device,
  ErrorBody,
  GridCollection,
  GridLevel,
  Incident,
  ListResponse,
  LoginRequest,
  LoginResponse,
  Worker,
} from './types';

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
}

export interface ApiClientOptions {
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when an authenticated call answers 401: the session is gone, go back to login. */
  onUnauthorized: () => void;
}

export interface ApiClient {
  login(body: LoginRequest, signal?: AbortSignal): Promise<LoginResponse>;
  grids(level?: GridLevel, signal?: AbortSignal): Promise<GridCollection>;
  devices(signal?: AbortSignal): Promise<ListResponse<Device>>;
  openIncidents(signal?: AbortSignal): Promise<ListResponse<Incident>>;
  workers(signal?: AbortSignal): Promise<ListResponse<Worker>>;
}

const API = '/api/v1';

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  async function request<T>(
    path: string,
    init: { method?: 'GET' | 'POST'; body?: unknown; auth?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const auth = init.auth ?? true;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = auth ? options.getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;

    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: init.signal ?? null,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, err instanceof Error ? err.message : String(err));
    }

    if (!res.ok) {
      const message = await readErrorMessage(res);
      if (res.status === 401 && auth) options.onUnauthorized();
      throw new ApiError(res.status, message);
    }
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(res.status, 'invalid JSON', 'format');
    }
  }

  return {
    login: (body, signal) => request<LoginResponse>(`${API}/auth/login`, { method: 'POST', body, auth: false, signal }),
    grids: async (level = 'grid', signal) =>
      expectCollection(await request<GridCollection>(`${API}/grids?level=${encodeURIComponent(level)}`, { signal })),
    devices: async (signal) => expectList(await request<ListResponse<Device>>(`${API}/devices`, { signal })),
    openIncidents: async (signal) =>
      expectList(await request<ListResponse<Incident>>(`${API}/incidents?status=open`, { signal })),
    workers: async (signal) => expectList(await request<ListResponse<Worker>>(`${API}/workers`, { signal })),
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

function expectCollection(body: GridCollection): GridCollection {
  if (!body || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
    throw new ApiError(200, 'expected a GeoJSON FeatureCollection', 'format');
  }
  return body;
}
