/**
 * @gridhub/client — the hub's HTTP API as types generated from its OpenAPI document (`schema.ts`, by
 * `npm run client:generate`) and openapi-fetch to call it. Every path, parameter and response body is checked by
 * the compiler against what the hub declares.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';
export type HubClient = Client<paths>;

export interface HubClientOptions extends ClientOptions {
  /** The bearer token to send, read at each request (null: none). */
  token?: () => string | null;
}

/** A typed client of the hub at `baseUrl` (e.g. `http://127.0.0.1:8080`, or '' in the browser for the same origin). */
export function createHubClient({ token, ...options }: HubClientOptions): HubClient {
  const client = createClient<paths>(options);
  if (token) {
    client.use({
      onRequest({ request }) {
        const value = token();
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}

/** The JSON body a route answers with on 200 (or 201). */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;
