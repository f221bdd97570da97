import { CityOptions } from './city';

/** The demo preset: the city at real time, but with weather episodes compressed and detections frequent. */
export const LIVELY = {
  tempo: 24,
  intervals: { air: 10, water: 15, video: 60, emergency: 120 },
  videoRateScale: 12,
  emergencyRateScale: 1500,
} as const;

/**
 * City options for a lively demo starting at `start`: a smog episode builds at once (about 25 minutes to heavy
 * pollution, a front clears it 20 minutes later), a storm swells the river from minute 5, and random
 * episodes and storms keep coming every couple of hours.
 */
export function livelyFleet(start = new Date()): Omit<CityOptions, 'seed' | 'start'> {
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
  return {
    intervals: { ...LIVELY.intervals },
    videoRateScale: LIVELY.videoRateScale,
    emergencyRateScale: LIVELY.emergencyRateScale,
    environment: {
      tempo: LIVELY.tempo,
      smogPerDay: 0.5,
      stormsPerDay: 2.5,
      episodes: [{ startAt: at(1), buildUpHours: 0.4, heavyHours: 0.3, peak: 0.8 }],
      storms: [{ startAt: at(5), hours: 0.3, peakMmPerHour: 32 }],
    },
  };
}
