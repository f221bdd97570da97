import type { DeviceFamily, IncidentPriority } from '../api/types';

// One source for map symbols and the legend, so the two can never disagree.

export type SymbolShape = 'circle' | 'diamond' | 'square' | 'triangle';

export const DEVICE_SYMBOLS: Record<DeviceFamily, { color: string; shape: SymbolShape }> = {
  air: { color: '#16a34a', shape: 'circle' },
  water: { color: '#2563eb', shape: 'diamond' },
  video: { color: '#7c3aed', shape: 'square' },
  emergency: { color: '#db2777', shape: 'triangle' },
};

export const PRIORITY_COLORS: Record<IncidentPriority, string> = {
  low: '#64748b',
  normal: '#ca8a04',
  high: '#ea580c',
  urgent: '#dc2626',
};

export const PRIORITY_RADIUS: Record<IncidentPriority, number> = {
  low: 6.5,
  normal: 7.5,
  high: 8.5,
  urgent: 10,
};

export const WORKER_COLORS = { onDuty: '#0f766e', offDuty: '#94a3b8' };

export const GRID_STROKE = '#8a9bb0';
// Soft fills keyed by the parent community, so neighbouring communities read apart without a basemap.
export const GRID_FILLS = [
  'rgba(219, 234, 254, 0.75)',
  'rgba(220, 252, 231, 0.75)',
  'rgba(254, 249, 195, 0.70)',
  'rgba(252, 231, 243, 0.70)',
  'rgba(224, 231, 255, 0.75)',
  'rgba(204, 251, 241, 0.70)',
  'rgba(255, 237, 213, 0.70)',
  'rgba(243, 232, 255, 0.70)',
];

export const BOUNDARY_STROKES = {
  district: { color: '#1e293b', width: 2.6, dash: undefined },
  street: { color: '#334155', width: 1.8, dash: [10, 4] },
  community: { color: '#64748b', width: 1.1, dash: [4, 3] },
} as const;

/** Open incidents per unit grid: the choropleth steps (upper bound inclusive). */
export const INCIDENT_STEPS = [
  { max: 1, color: 'rgba(254, 215, 170, 0.65)' },
  { max: 3, color: 'rgba(251, 146, 60, 0.6)' },
  { max: 6, color: 'rgba(239, 68, 68, 0.55)' },
  { max: Infinity, color: 'rgba(153, 27, 27, 0.6)' },
] as const;

export const STATUS_COLORS = { online: '#16a34a', offline: '#dc2626', disabled: '#94a3b8', unknown: '#64748b' };
