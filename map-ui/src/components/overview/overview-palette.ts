import type { WarningColour } from '@gridhub/contracts';

// The overview screen's colours on its dark background.

/** The four warning colours (GB/T 27962 / 突发事件预警信号): as the warning signs show them. */
export const WARNING_HEX: Record<WarningColour, string> = { red: '#ef4444', orange: '#f97316', yellow: '#facc15', blue: '#3b82f6' };

/** GB 3838-2002 classes Ⅰ…劣Ⅴ, as the water bulletins colour them. */
export const WATER_CLASS_HEX: Record<number, string> = { 1: '#38bdf8', 2: '#22d3ee', 3: '#4ade80', 4: '#facc15', 5: '#fb923c', 6: '#ef4444' };

/** Open incidents per area: steps of the choropleth (upper bound inclusive). */
export const OPEN_STEPS = [
  { max: 0, color: 'rgba(56, 189, 248, 0.18)' },
  { max: 2, color: 'rgba(250, 204, 21, 0.45)' },
  { max: 5, color: 'rgba(249, 115, 22, 0.55)' },
  { max: 10, color: 'rgba(239, 68, 68, 0.6)' },
  { max: Infinity, color: 'rgba(153, 27, 27, 0.75)' },
] as const;

export const openColour = (n: number) => OPEN_STEPS.find((s) => n <= s.max)!.color;

export const FAMILY_HEX = { air: '#4ade80', water: '#38bdf8', video: '#a78bfa', emergency: '#f472b6' } as const;
