import { Outgoing, SimDevice } from '../city';
import { isoWithOffset } from '../clock';
import { ScenarioDefinition } from './scenario';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

/** PM2.5 IAQI on the 24-hour scale of HJ 633-2012 (the hourly AQI indexes PM2.5 on it). */
function pm25Iaqi(c: number): number {
  const bp = [0, 35, 75, 115, 150, 250, 350, 500];
  const iaqi = [0, 50, 100, 150, 200, 300, 400, 500];
  for (let i = 1; i < bp.length; i++) {
    if (c <= bp[i]!) return Math.ceil(((iaqi[i]! - iaqi[i - 1]!) / (bp[i]! - bp[i - 1]!)) * (c - bp[i - 1]!) + iaqi[i - 1]!);
  }
  return 500;
}

function series(messages: Outgoing[], deviceId: string, metric: string): { at: Date; value: number }[] {
  return messages
    .filter((m) => m.deviceId === deviceId && m.kind === 'data')
    .map((m) => ({ at: m.at, value: (m.payload['readings'] as Record<string, number>)[metric] }))
    .filter((p): p is { at: Date; value: number } => typeof p.value === 'number');
}

const hhmm = (d: Date) => isoWithOffset(d).slice(5, 16).replace('T', ' ');

function distance(a: SimDevice, b: SimDevice): number {
  return Math.hypot((a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180), a.lat - b.lat);
}

/** Fen River flood: a rainstorm upstream, the river rises over its warning level, the first flush fouls it. */
export const flood: ScenarioDefinition = {
  name: 'flood',
  title: '汾河洪水 Fen River flood: storm → level over warning → alerts and incidents in riverside grids → CAP warning',
  spanHours: 30,
  pick: (devices) =>
    devices.filter((d) => d.family === 'water' || (d.family === 'emergency' && d.attributes?.['sensor'] === 'waterlogging') || d.family === 'video'),
  city: (start) => ({
    intervals: { water: 600, video: 1800, emergency: 1800 },
    videoRateScale: 0, // only what the rain causes (waterlogging seen by cameras)
    emergencyRateScale: 0,
    environment: { season: 'summer', smogPerDay: 0, stormsPerDay: 0, storms: [{ startAt: at(start, 3 * HOUR), hours: 5, peakMmPerHour: 34 }] },
  }),
  observe(messages, devices) {
    const lines: string[] = [];
    for (const d of devices.filter((x) => x.family === 'water')) {
      const warning = Number(d.attributes?.['warning_level_m'] ?? 777.5);
      const level = series(messages, d.id, 'level_m');
      if (level.length === 0) continue;
      const peak = level.reduce((a, b) => (b.value > a.value ? b : a));
      const over = level.filter((p) => p.value > warning);
      const rain = series(messages, d.id, 'rain_mm').reduce((s, p) => s + p.value, 0);
      const nh3n = Math.max(...series(messages, d.id, 'nh3n_mgl').map((p) => p.value));
      const dissolved = Math.min(...series(messages, d.id, 'do_mgl').map((p) => p.value));
      lines.push(
        `${d.id}: rain ${rain.toFixed(0)} mm, peak level ${peak.value.toFixed(2)} m at ${hhmm(peak.at)} (warning ${warning} m)` +
          (over.length ? `, over warning ${hhmm(over[0]!.at)}–${hhmm(over[over.length - 1]!.at)}` : ', stayed below warning') +
          `; after the storm NH3-N up to ${nh3n} mg/L, DO down to ${dissolved} mg/L`,
      );
    }
    return lines;
  },
};

/** A winter smog episode: days of stagnant air build up to heavy pollution, then a cold front clears it. */
export const smog: ScenarioDefinition = {
  name: 'smog',
  title: '冬季重污染 Winter smog: AQI climbs to heavy pollution → warnings → bureau alerts → a cold front clears it',
  spanHours: 66,
  pick: (devices) => devices.filter((d) => d.family === 'air'),
  city: (start) => ({
    intervals: { air: 900 },
    environment: {
      season: 'winter',
      smogPerDay: 0,
      stormsPerDay: 0,
      episodes: [{ startAt: at(start, 4 * HOUR), buildUpHours: 36, heavyHours: 16, peak: 0.6 }],
    },
  }),
  observe(messages, devices) {
    const lines: string[] = [];
    for (const d of devices) {
      const pm = series(messages, d.id, 'pm25');
      if (pm.length === 0) continue;
      const peak = pm.reduce((a, b) => (b.value > a.value ? b : a));
      const heavy = pm.filter((p) => pm25Iaqi(p.value) > 200);
      const last = pm[pm.length - 1]!;
      lines.push(
        `${d.id}: PM2.5 peak ${peak.value} µg/m³ (IAQI ${pm25Iaqi(peak.value)}) at ${hhmm(peak.at)}` +
          (heavy.length ? `, heavy pollution (AQI > 200) ${hhmm(heavy[0]!.at)}–${hhmm(heavy[heavy.length - 1]!.at)}` : '') +
          `; after the front ${last.value} µg/m³`,
      );
    }
    return lines;
  },
};

/** A chemical plant fire: a camera sees smoke, the plant's smoke and gas detectors alarm, then restore. */
export const chemicalFire: ScenarioDefinition = {
  name: 'chemical-fire',
  title: '化工厂火灾 Chemical plant fire: smoke detections + gas alarm → emergency incident that skips verification',
  spanHours: 0.75,
  tablets: 7,
  pick: (devices) => {
    const smoke = devices.find((d) => d.family === 'emergency' && d.attributes?.['sensor'] === 'smoke');
    const gas = devices.find((d) => d.family === 'emergency' && d.attributes?.['sensor'] === 'gas');
    const cameras = devices.filter((d) => d.family === 'video');
    const camera = smoke ? [...cameras].sort((a, b) => distance(a, smoke) - distance(b, smoke))[0] : cameras[0];
    return [smoke, gas, camera].filter((d): d is SimDevice => d !== undefined);
  },
  city: () => ({ intervals: { video: 600, emergency: 600 }, videoRateScale: 0, emergencyRateScale: 0, environment: { smogPerDay: 0, stormsPerDay: 0 } }),
  setup(city, start, log) {
    const camera = city.devices('video')[0];
    const sensors = city.devices('emergency');
    const smoke = sensors.find((d) => d.attributes?.['sensor'] === 'smoke');
    const gas = sensors.find((d) => d.attributes?.['sensor'] === 'gas');
    if (camera) city.detect(camera.id, 'smoke_fire', at(start, 5 * MINUTE), 4);
    if (smoke) city.alarm(smoke.id, at(start, 7 * MINUTE), 25);
    if (gas) city.alarm(gas.id, at(start, 9 * MINUTE), 28);
    log(`   script: ${camera?.id ?? '-'} sees smoke at +5 min (4 detections); ${smoke?.id ?? '-'} smoke alarm +7 min; ${gas?.id ?? '-'} gas leak +9 min; both restore within 40 min`);
  },
  observe(messages) {
    return messages
      .filter((m) => m.kind === 'event')
      .map((m) => `${hhmm(m.at)} ${m.deviceId} ${String(m.payload['type'])}${m.payload['restores'] ? ` (${String(m.payload['restores'])})` : ''}${m.payload['ppm'] ? ` ${String(m.payload['ppm'])} ppm` : ''}`);
  },
};

/** A street-order day: cameras spot garbage, parking and stalls; grid workers take the tasks and patrol. */
export const streetDay: ScenarioDefinition = {
  name: 'street-day',
  title: '街面秩序的一天 A street-order day: video detections → grid workers verify, handle and report',
  spanHours: 10,
  tablets: 7,
  pick: (devices) => devices.filter((d) => d.family === 'video'),
  city: () => ({ intervals: { video: 900 }, videoRateScale: 1.2, environment: { smogPerDay: 0, stormsPerDay: 0 } }),
  observe(messages) {
    const events = messages.filter((m) => m.kind === 'event');
    const tracks = new Set(events.map((m) => String(m.payload['track_id'])));
    const byType = new Map<string, number>();
    for (const m of events) byType.set(String(m.payload['type']), (byType.get(String(m.payload['type'])) ?? 0) + 1);
    return [
      `${events.length} detections of ${tracks.size} situations (repeated detections share a track id)`,
      [...byType].map(([t, n]) => `${t} ${n}`).join(', '),
    ];
  },
};

export const SCENARIOS: Record<string, ScenarioDefinition> = {
  flood,
  smog,
  'chemical-fire': chemicalFire,
  'street-day': streetDay,
};
