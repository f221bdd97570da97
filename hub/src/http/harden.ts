import { createHash } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import helmet from 'helmet';
import type { HubConfig } from '../config/config';

/**
 * HTTP hardening applied before any route: security headers (helmet, with a content security policy that fits
 * the map UI: same-origin scripts, canvas/WebGL, optional https tile servers, the live socket), CORS only for
 * the configured origins, and body size limits for JSON and form bodies (uploads have their own limit).
 */
export function harden(app: NestExpressApplication, config: HubConfig): void {
  app.disable('x-powered-by');
  app.set('etag', weakETag);
  // A reverse proxy on the same machine (nginx) passes the client address in X-Forwarded-For; no one else is trusted.
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
          fontSrc: ["'self'", 'data:'],
          // Camera pictures (HLS, catalogue): playlists and segments are fetched (hls.js) and played from blob: (MSE).
          connectSrc: ["'self'", 'ws:', 'wss:', 'https:', ...config.http.mediaOrigins],
          mediaSrc: ["'self'", 'blob:', 'https:', ...config.http.mediaOrigins],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'self'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      // Plain-HTTP deployments on a government LAN are common: do not force https on them.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  const limit = `${config.http.bodyLimitKb}kb`;
  app.use(json({ limit }), urlencoded({ limit, extended: false }), bodyErrors);
}

/** Bodies larger than this go without an ETag (see weakETag). */
export const ETAG_MAX_BYTES = 256 * 1024;

/**
 * Express' default weak ETag (`W/"<length>-<SHA-1>"`, the same value for the same body), but none for a body over
 * ETAG_MAX_BYTES. Express hashes every response to make one; for a year of hourly readings (1.3 MB) or the map's
 * latest values (tens of MB) that took longer than the query behind it, for live data that a revalidation seldom
 * finds unchanged.
 */
export function weakETag(body: Buffer | string, encoding?: BufferEncoding): string | undefined {
  const length = typeof body === 'string' ? Buffer.byteLength(body, encoding) : body.length;
  if (length > ETAG_MAX_BYTES) return undefined;
  const hash = createHash('sha1').update(typeof body === 'string' ? Buffer.from(body, encoding) : body).digest('base64').slice(0, 27);
  return `W/"${length.toString(16)}-${hash}"`;
}

const BODY_ERRORS: Record<string, string> = {
  'entity.too.large': 'the request body is larger than this server accepts',
  'entity.parse.failed': 'the request body is not valid JSON',
  'encoding.unsupported': 'the request body has an unsupported content encoding',
  'charset.unsupported': 'the request body has an unsupported charset',
  'request.aborted': 'the request body was cut off',
};

/** Answers the body parsers' refusals (too large, malformed JSON…) in the API's error shape. */
function bodyErrors(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  const { status, type } = (error ?? {}) as { status?: number; type?: string };
  if (typeof status !== 'number' || status < 400 || status > 499) return next(error);
  const message = (type && BODY_ERRORS[type]) ?? 'the request body was refused';
  response.status(status).json({ statusCode: status, error: status === 413 ? 'Payload Too Large' : 'Bad Request', message });
}
