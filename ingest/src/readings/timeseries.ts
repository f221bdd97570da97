/** Time-series buckets the API serves; 1h and 1d come from the roll-ups, the others from raw readings. */
export const BUCKETS = ['raw', '1m', '5m', '15m', '1h', '1d'] as const;
export type Bucket = (typeof BUCKETS)[number];

export const BUCKET_SECONDS: Readonly<Record<Exclude<Bucket, 'raw'>, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '1d': 86400,
};

/** One request returns at most this many points, so no request can exhaust the server. */
export const MAX_POINTS = 100_000;
/** Raw readings are served for at most this long a range per request. */
export const MAX_RAW_RANGE_DAYS = 31;
/** At most this many devices in one multi-device request. */
export const MAX_DEVICES = 500;

export interface RawPoint {
  time: string;
  value: number;
  receivedAt: string;
  flags: number;
}

export interface BucketPoint {
  time: string;
  avg: number;
  min: number;
  max: number;
  count: number;
  last: number;
}

export interface Series<P> {
  deviceId: string;
  metric: string;
  unit: string;
  points: P[];
}
