/** Plausible readings for the demo city's stations: a daily cycle, noise, and an optional pollution episode. */

function noise(scale: number): number {
  return (Math.random() - 0.5) * 2 * scale;
}

/** 0 at 04:00 China time, 1 at 16:00, a smooth daily cycle. */
function daily(at: Date): number {
  const hour = (at.getUTCHours() + 8 + at.getUTCMinutes() / 60) % 24;
  return (1 - Math.cos(((hour - 4) / 24) * 2 * Math.PI)) / 2;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const positive = (v: number) => Math.max(0, v);

export function airReadings(at: Date, episode: boolean): Record<string, number> {
  const d = daily(at);
  const pm25 = episode ? 180 + noise(30) : 35 + 25 * (1 - d) + noise(8);
  return {
    pm25: round(positive(pm25)),
    pm10: round(positive(pm25 * 1.6 + noise(10))),
    no2: round(positive(30 + 20 * (1 - d) + noise(5))),
    so2: round(positive(9 + noise(2))),
    o3: round(positive(40 + 90 * d + noise(10))),
    co: round(positive(0.6 + 0.4 * (1 - d) + noise(0.1)), 2),
    temp_c: round(4 + 8 * d + noise(0.5)),
    rh_pct: round(Math.min(100, positive(55 - 20 * d + noise(3)))),
  };
}

export function waterReadings(at: Date, episode: boolean): Record<string, number> {
  const d = daily(at);
  return {
    level_m: round(776.2 + noise(0.05), 2),
    flow_m3s: round(positive(18 + noise(1.5))),
    ph: round(7.6 + noise(0.2), 2),
    do_mgl: round(positive(7.2 + 1.5 * d + noise(0.3)), 2),
    codmn_mgl: round(positive(3.8 + noise(0.4)), 2),
    nh3n_mgl: round(positive(episode ? 2.6 + noise(0.3) : 0.45 + noise(0.1)), 3),
    tp_mgl: round(positive(0.12 + noise(0.02)), 3),
    temp_c: round(9 + 3 * d + noise(0.2)),
  };
}
