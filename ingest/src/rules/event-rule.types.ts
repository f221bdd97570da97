import { distanceM } from '../common/geo';
import { WarningColour } from '@gridhub/contracts';

/** What a video detection or emergency alarm of one type becomes (table event_rules; seeded defaults in migration 004). */
export interface EventRule {
  eventType: string;
  family: 'video' | 'emergency';
  nameZh: string;
  nameEn: string;
  /** Detections below this confidence are kept as events but raise nothing. */
  minConfidence: number;
  incidentCategory: string | null;
  severity: WarningColour;
  /** Repeats by the same camera within this window (since the alert's last detection) merge into its alert. */
  mergeWindowS: number;
  /** Detections of the same type within this distance of an open alert's position merge into it. */
  mergeRadiusM: number;
  enabled: boolean;
}

export interface OpenDetection {
  id: string;
  deviceId: string;
  lon: number;
  lat: number;
  lastValueAt: Date;
}

export type MergeDecision =
  | { action: 'repeat'; alertId: string; distanceM: number }
  | { action: 'raise'; expire: string[] };

/**
 * Whether a detection repeats an open situation: the same camera within the merge window, else the nearest
 * open alert of the type within the merge radius (also within the window). An open alert of the same camera
 * whose window has passed is stale: it is expired and the detection raises a new alert.
 */
export function decideMerge(
  detection: { deviceId: string; at: Date; lon: number; lat: number },
  open: OpenDetection[],
  rule: Pick<EventRule, 'mergeWindowS' | 'mergeRadiusM'>,
): MergeDecision {
  const windowMs = rule.mergeWindowS * 1000;
  const recent = (a: OpenDetection) => detection.at.getTime() - a.lastValueAt.getTime() <= windowMs;
  const own = open.find((a) => a.deviceId === detection.deviceId);
  if (own && recent(own)) return { action: 'repeat', alertId: own.id, distanceM: distanceM(detection.lon, detection.lat, own.lon, own.lat) };
  let best: { id: string; d: number } | null = null;
  for (const a of open) {
    if (a.deviceId === detection.deviceId || !recent(a)) continue;
    const d = distanceM(detection.lon, detection.lat, a.lon, a.lat);
    if (d <= rule.mergeRadiusM && (!best || d < best.d)) best = { id: a.id, d };
  }
  if (best) return { action: 'repeat', alertId: best.id, distanceM: best.d };
  return { action: 'raise', expire: own ? [own.id] : [] };
}
