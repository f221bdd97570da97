/** Sensor families and their metrics — docs/domain/sensors.md. One place for these names. */
export const SENSOR_FAMILIES = ['air', 'water', 'video', 'emergency'] as const;
export type SensorFamily = (typeof SENSOR_FAMILIES)[number];

export function isSensorFamily(value: string): value is SensorFamily {
  return (SENSOR_FAMILIES as readonly string[]).includes(value);
}

export interface MetricSpec {
  unit: string;
  min: number;
  max: number;
}

const concentration = (unit: string): MetricSpec => ({ unit, min: 0, max: 10000 });

/** Fixed units and physical ranges per metric; a value outside is rejected, never clamped. */
export const METRICS: Readonly<Record<SensorFamily, Readonly<Record<string, MetricSpec>>>> = {
  air: {
    pm25: concentration('µg/m³'),
    pm10: concentration('µg/m³'),
    so2: concentration('µg/m³'),
    no2: concentration('µg/m³'),
    o3: concentration('µg/m³'),
    co: concentration('mg/m³'),
    temp_c: { unit: '°C', min: -60, max: 70 },
    rh_pct: { unit: '%', min: 0, max: 100 },
    wind_ms: { unit: 'm/s', min: 0, max: 100 },
    wind_deg: { unit: '°', min: 0, max: 360 },
    pressure_hpa: { unit: 'hPa', min: 300, max: 1100 },
    noise_db: { unit: 'dB(A)', min: 0, max: 200 },
  },
  water: {
    level_m: { unit: 'm', min: -1000, max: 10000 },
    flow_m3s: { unit: 'm³/s', min: 0, max: 100000 },
    rain_mm: { unit: 'mm', min: 0, max: 1000 },
    ph: { unit: '', min: 0, max: 14 },
    do_mgl: { unit: 'mg/L', min: 0, max: 50 },
    codmn_mgl: { unit: 'mg/L', min: 0, max: 1000 },
    cod_mgl: { unit: 'mg/L', min: 0, max: 10000 },
    nh3n_mgl: { unit: 'mg/L', min: 0, max: 1000 },
    tp_mgl: { unit: 'mg/L', min: 0, max: 100 },
    tn_mgl: { unit: 'mg/L', min: 0, max: 1000 },
    turbidity_ntu: { unit: 'NTU', min: 0, max: 10000 },
    conductivity_uscm: { unit: 'µS/cm', min: 0, max: 200000 },
    temp_c: { unit: '°C', min: -10, max: 60 },
  },
  video: {},
  emergency: {},
};

/** How often a device reports when its attributes do not say (`interval_s`); silence of 3 intervals = offline. */
export const DEFAULT_INTERVAL_S: Readonly<Record<SensorFamily, number>> = { air: 60, water: 300, video: 300, emergency: 600 };
export const OFFLINE_AFTER_INTERVALS = 3;

/**
 * How often the hub rolls new readings up into the hourly and daily figures (and the AQI reports built on them):
 * the pace at which charts of those figures change, so the browser refreshes them at it.
 */
export const ROLLUP_EVERY_MS = 60_000;
