import type { FeatureLike } from 'ol/Feature';
import { Circle as CircleStyle, Fill, Icon, RegularShape, Stroke, Style, Text } from 'ol/style';
import type ImageStyle from 'ol/style/Image';
import type { GridLevel, IncidentPriority, Worker } from '../api/types';
import {
  BOUNDARY_STROKES,
  GRID_FILLS,
  GRID_STROKE,
  PRIORITY_COLORS,
  PRIORITY_RADIUS,
  STATUS_COLORS,
  WORKER_COLORS,
  type SymbolShape,
} from './palette';
import { AQI_COLORS, NO_DATA_COLOR, WATER_CLASS_COLORS } from './levels';
import { DEVICE_FAMILIES } from '../api/types';
import type { SensorGroup } from './sensor-groups';

// Styles are cached by key: a style function runs for every feature on every frame.

const FONT_STACK = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
/** Below this resolution (m/px, ≈ zoom 15) grid names are drawn. */
const GRID_LABEL_MAX_RESOLUTION = 4.8;
/** Street names between grid labels and the district overview. */
const STREET_LABEL_MAX_RESOLUTION = 40;

function hashIndex(s: string, n: number): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h) % n;
}

export function symbolImage(shape: SymbolShape, fill: string, stroke: string, size: number, strokeWidth = 1.5): ImageStyle {
  const f = new Fill({ color: fill });
  const s = new Stroke({ color: stroke, width: strokeWidth });
  switch (shape) {
    case 'circle':
      return new CircleStyle({ radius: size, fill: f, stroke: s });
    case 'diamond':
      return new RegularShape({ points: 4, radius: size * 1.3, angle: 0, fill: f, stroke: s });
    case 'square':
      return new RegularShape({ points: 4, radius: size * 1.25, angle: Math.PI / 4, fill: f, stroke: s });
    case 'triangle':
      return new RegularShape({ points: 3, radius: size * 1.35, angle: 0, fill: f, stroke: s, displacement: [0, 1] });
  }
}

// ---- grids ---------------------------------------------------------------

const gridFillCache = new Map<number, Style>();
const gridLabelStyle = new Style({
  text: new Text({
    font: `11px ${FONT_STACK}`,
    fill: new Fill({ color: '#334155' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 3 }),
    // Grid names are often wider than a small grid: let them overflow and let declutter drop the
    // ones that would collide, so dense areas still show some names instead of none.
    overflow: true,
  }),
});

/** Above this resolution (a whole city in view) unit grids are drawn faintly, so streets and names read through. */
const GRID_OVERVIEW_MIN_RESOLUTION = 9;
const gridOverviewCache = new Map<number, Style>();

function gridOverviewStyle(idx: number): Style {
  let style = gridOverviewCache.get(idx);
  if (!style) {
    // The community's soft fill at a third of its opacity, hairline edges.
    const fill = GRID_FILLS[idx]!.replace(/[\d.]+\)$/, (a) => `${(parseFloat(a) / 3).toFixed(2)})`);
    style = new Style({ fill: new Fill({ color: fill }), stroke: new Stroke({ color: 'rgba(138, 155, 176, 0.35)', width: 0.5 }) });
    gridOverviewCache.set(idx, style);
  }
  return style;
}

export function gridStyle(feature: FeatureLike, resolution: number): Style[] {
  const parent = (feature.get('parentCode') as string | null) ?? (feature.get('code') as string | undefined) ?? '';
  const idx = hashIndex(parent, GRID_FILLS.length);
  let base = gridFillCache.get(idx);
  if (!base) {
    base = new Style({
      fill: new Fill({ color: GRID_FILLS[idx] }),
      stroke: new Stroke({ color: GRID_STROKE, width: 0.8 }),
    });
    gridFillCache.set(idx, base);
  }
  if (resolution > GRID_OVERVIEW_MIN_RESOLUTION) return [gridOverviewStyle(idx)];
  if (resolution > GRID_LABEL_MAX_RESOLUTION) return [base];
  gridLabelStyle.getText()!.setText(String(feature.get('name') ?? ''));
  return [base, gridLabelStyle];
}

// ---- administrative boundaries -------------------------------------------

const boundaryCache = new Map<string, Style>();
const boundaryLabel = new Style({
  text: new Text({
    font: `600 13px ${FONT_STACK}`,
    fill: new Fill({ color: '#1e293b' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.92)', width: 3.5 }),
    overflow: true,
  }),
});

export function boundaryStyle(feature: FeatureLike, resolution: number): Style[] {
  const level = feature.get('level') as Exclude<GridLevel, 'grid'>;
  const spec = BOUNDARY_STROKES[level] ?? BOUNDARY_STROKES.community;
  let line = boundaryCache.get(level);
  if (!line) {
    line = new Style({
      stroke: new Stroke({ color: spec.color, width: spec.width, lineDash: spec.dash ? [...spec.dash] : undefined }),
      zIndex: level === 'district' ? 3 : level === 'street' ? 2 : 1,
    });
    boundaryCache.set(level, line);
  }
  const labelled =
    (level === 'street' && resolution > GRID_LABEL_MAX_RESOLUTION && resolution <= STREET_LABEL_MAX_RESOLUTION) ||
    (level === 'district' && resolution > STREET_LABEL_MAX_RESOLUTION);
  if (!labelled) return [line];
  boundaryLabel.getText()!.setText(String(feature.get('name') ?? ''));
  return [line, boundaryLabel];
}

// ---- incidents -----------------------------------------------------------

const incidentCache = new Map<string, Style[]>();
const PRIORITY_Z: Record<IncidentPriority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

export function incidentStyles(priority: IncidentPriority, selected: boolean): Style[] {
  const key = `${priority}|${selected}`;
  let styles = incidentCache.get(key);
  if (styles) return styles;
  const color = PRIORITY_COLORS[priority] ?? PRIORITY_COLORS.normal;
  const radius = PRIORITY_RADIUS[priority] ?? PRIORITY_RADIUS.normal;
  const z = PRIORITY_Z[priority] ?? 2;
  styles = [];
  if (priority === 'urgent') {
    styles.push(
      new Style({
        image: new CircleStyle({
          radius: radius + 7,
          fill: new Fill({ color: 'rgba(220, 38, 38, 0.16)' }),
          stroke: new Stroke({ color: 'rgba(220, 38, 38, 0.55)', width: 1.5 }),
        }),
        zIndex: z,
      }),
    );
  }
  if (selected) {
    styles.push(
      new Style({
        image: new CircleStyle({ radius: radius + 5, stroke: new Stroke({ color: '#0f172a', width: 2.5 }) }),
        zIndex: 10,
      }),
    );
  }
  styles.push(
    new Style({
      image: new CircleStyle({
        radius,
        fill: new Fill({ color }),
        stroke: new Stroke({ color: '#ffffff', width: 2 }),
      }),
      text: new Text({
        text: '!',
        font: `bold ${Math.round(radius * 1.3)}px ${FONT_STACK}`,
        fill: new Fill({ color: '#ffffff' }),
        offsetY: 1,
      }),
      zIndex: selected ? 10 : z,
    }),
  );
  incidentCache.set(key, styles);
  return styles;
}

// ---- workers ---------------------------------------------------------------

const PERSON_W = 14;
const PERSON_H = 18;
const PIXEL_RATIO = 2;

/** A person glyph (head and shoulders) drawn once on a canvas: no image request, ready at first frame. */
export function personCanvas(color: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = PERSON_W * PIXEL_RATIO;
  c.height = PERSON_H * PIXEL_RATIO;
  const ctx = c.getContext('2d')!;
  ctx.scale(PIXEL_RATIO, PIXEL_RATIO);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = color;
  // body
  ctx.beginPath();
  ctx.moveTo(1.5, PERSON_H - 1);
  ctx.lineTo(1.5, 13);
  ctx.quadraticCurveTo(1.5, 8.5, 7, 8.5);
  ctx.quadraticCurveTo(12.5, 8.5, 12.5, 13);
  ctx.lineTo(12.5, PERSON_H - 1);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  // head
  ctx.beginPath();
  ctx.arc(7, 4.6, 3.6, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  return c;
}

const workerCache = new Map<boolean, Style>();

export function workerStyle(feature: FeatureLike): Style {
  const w = feature.get('item') as Worker;
  let style = workerCache.get(w.onDuty);
  if (!style) {
    style = new Style({
      image: new Icon({
        img: personCanvas(w.onDuty ? WORKER_COLORS.onDuty : WORKER_COLORS.offDuty),
        scale: 1 / PIXEL_RATIO,
        anchor: [0.5, 1],
      }),
      zIndex: w.onDuty ? 2 : 1,
    });
    workerCache.set(w.onDuty, style);
  }
  return style;
}

// ---- offline basemap -------------------------------------------------------

const basemapCache = new Map<string, Style>();
const basemapLabel = new Style({
  text: new Text({
    font: `12px ${FONT_STACK}`,
    fill: new Fill({ color: '#475569' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 3 }),
    placement: 'line',
    overflow: false,
  }),
});
const waterLabel = new Style({
  text: new Text({
    font: `italic 600 13px ${FONT_STACK}`,
    fill: new Fill({ color: '#1d4ed8' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.85)', width: 3 }),
    overflow: true,
  }),
});

/**
 * The background: parks and the river filled, roads cased, boundaries outlined; names where there is room. `shapes`
 * draws the ground beneath the unit grids, `labels` only the names, in a layer above them so grid edges do not cross
 * the text.
 */
export function basemapStyle(labelOf: (feature: FeatureLike) => string, part: 'shapes' | 'labels' = 'shapes') {
  return (feature: FeatureLike, resolution: number): Style | Style[] => {
    const layer = feature.get('layer') as string;
    const roadClass = (feature.get('roadClass') as string | undefined) ?? 'secondary';
    if (layer === 'district' || layer === 'street' || layer === 'community') {
      const [line, label] = boundaryStyle(feature, resolution);
      return part === 'shapes' ? line! : label ? [label] : [];
    }
    if (part === 'labels') {
      let label: Style | null = null;
      if (layer === 'land' && resolution >= 8 && resolution <= 120) label = landLabel;
      else if (layer === 'water' && resolution < 30) label = waterLabel;
      else if ((layer === 'road' || layer === 'bridge') && resolution < (roadClass === 'secondary' ? 10 : 24)) label = basemapLabel;
      if (!label) return [];
      label.getText()!.setText(labelOf(feature));
      return label;
    }
    const key = layer === 'road' || layer === 'bridge' ? `${layer}|${roadClass}` : layer;
    let base = basemapCache.get(key);
    if (!base) {
      base = makeBasemapStyle(layer, roadClass);
      basemapCache.set(key, base);
    }
    return base;
  };
}

const landLabel = new Style({
  text: new Text({
    font: `600 15px ${FONT_STACK}`,
    fill: new Fill({ color: '#94a3b8' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.8)', width: 3 }),
    overflow: true,
  }),
});

function makeBasemapStyle(layer: string, roadClass: string): Style {
  switch (layer) {
    case 'land':
      return new Style({ fill: new Fill({ color: '#f1efe8' }), stroke: new Stroke({ color: '#d6d0c2', width: 1.2 }), zIndex: -1 });
    case 'water':
      return new Style({ fill: new Fill({ color: '#a5cdf0' }), stroke: new Stroke({ color: '#7fb0de', width: 1 }), zIndex: 1 });
    case 'park':
      return new Style({ fill: new Fill({ color: '#d6ecd2' }), zIndex: 0 });
    case 'road':
    case 'bridge': {
      const width = roadClass === 'expressway' ? 7 : roadClass === 'arterial' ? 6 : 4;
      return new Style({
        stroke: new Stroke({ color: layer === 'bridge' ? '#f8fafc' : '#ffffff', width, lineCap: 'butt' }),
        zIndex: layer === 'bridge' ? 4 : 3,
      });
    }
    default:
      return new Style({});
  }
}

/** The road casing drawn beneath the road fill (a second pass keeps junctions clean). */
export function roadCasingStyle(feature: FeatureLike): Style | undefined {
  const layer = feature.get('layer');
  if (layer !== 'road' && layer !== 'bridge') return undefined;
  const roadClass = (feature.get('roadClass') as string | undefined) ?? 'secondary';
  const key = `casing|${layer}|${roadClass}`;
  let s = basemapCache.get(key);
  if (!s) {
    const width = roadClass === 'expressway' ? 9 : roadClass === 'arterial' ? 8 : 5.5;
    s = new Style({ stroke: new Stroke({ color: layer === 'bridge' ? '#64748b' : '#cbd5e1', width, lineCap: 'butt' }), zIndex: 2 });
    basemapCache.set(key, s);
  }
  return s;
}

// ---- grid choropleth -------------------------------------------------------

const choroplethCache = new Map<string, Style>();
const choroplethOutline = new Style({ stroke: new Stroke({ color: 'rgba(100,116,139,0.55)', width: 0.8 }) });
const choroplethOverviewOutline = new Style({ stroke: new Stroke({ color: 'rgba(100,116,139,0.22)', width: 0.5 }) });

export function choroplethStyle(colorOf: (feature: FeatureLike) => string | null) {
  return (feature: FeatureLike, resolution: number): Style[] => {
    const color = colorOf(feature);
    const styles: Style[] = [];
    if (color) {
      let s = choroplethCache.get(color);
      if (!s) {
        s = new Style({ fill: new Fill({ color }), stroke: new Stroke({ color: 'rgba(100,116,139,0.6)', width: 0.8 }) });
        choroplethCache.set(color, s);
      }
      styles.push(s);
    } else styles.push(resolution > GRID_OVERVIEW_MIN_RESOLUTION ? choroplethOverviewOutline : choroplethOutline);
    if (resolution <= GRID_LABEL_MAX_RESOLUTION) {
      gridLabelStyle.getText()!.setText(String(feature.get('name') ?? ''));
      styles.push(gridLabelStyle);
    }
    return styles;
  };
}

// ---- incident clusters -----------------------------------------------------

const clusterCache = new Map<string, Style[]>();

/** A cluster of incidents: its size on a disc coloured by its worst priority, ringed red when an emergency is inside. */
export function clusterStyles(size: number, worst: IncidentPriority, emergency: boolean): Style[] {
  const key = `${Math.min(size, 999)}|${worst}|${emergency}`;
  let styles = clusterCache.get(key);
  if (styles) return styles;
  const radius = Math.min(22, 11 + Math.log2(size) * 2.4);
  const color = PRIORITY_COLORS[worst] ?? PRIORITY_COLORS.normal;
  styles = [];
  if (emergency) {
    styles.push(new Style({ image: new CircleStyle({ radius: radius + 6, fill: new Fill({ color: 'rgba(220,38,38,0.18)' }), stroke: new Stroke({ color: '#dc2626', width: 2 }) }), zIndex: 6 }));
  }
  styles.push(
    new Style({
      image: new CircleStyle({ radius, fill: new Fill({ color }), stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 3 }) }),
      text: new Text({ text: String(size), font: `bold 12px ${FONT_STACK}`, fill: new Fill({ color: '#fff' }) }),
      zIndex: 6,
    }),
  );
  clusterCache.set(key, styles);
  return styles;
}

const emergencyCache = new Map<boolean, Style[]>();

/** An emergency (fire, gas, SOS…) stands out: a double red ring around its priority marker. */
export function emergencyStyles(selected: boolean): Style[] {
  let s = emergencyCache.get(selected);
  if (!s) {
    s = [
      new Style({ image: new CircleStyle({ radius: 21, fill: new Fill({ color: 'rgba(220,38,38,0.12)' }), stroke: new Stroke({ color: 'rgba(220,38,38,0.5)', width: 1.5 }) }), zIndex: 8 }),
      new Style({ image: new CircleStyle({ radius: 15, stroke: new Stroke({ color: '#dc2626', width: 2.5 }) }), zIndex: 8 }),
      ...incidentStyles('urgent', selected).map((st) => {
        const c = st.clone();
        c.setZIndex(9);
        return c;
      }),
    ];
    emergencyCache.set(selected, s);
  }
  return s;
}

// ---- workers: suggested ring, names, trails ----------------------------------

export const SUGGESTED_RING = new Style({
  image: new CircleStyle({ radius: 15, fill: new Fill({ color: 'rgba(14,165,233,0.15)' }), stroke: new Stroke({ color: '#0284c7', width: 2.5, lineDash: [4, 3] }) }),
  zIndex: 0,
});
const workerName = new Style({
  text: new Text({
    font: `11px ${FONT_STACK}`,
    offsetY: 9,
    textBaseline: 'top',
    fill: new Fill({ color: '#0f3d3a' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 3 }),
  }),
  zIndex: 3,
});

export function workerLabelStyle(name: string): Style {
  workerName.getText()!.setText(name);
  return workerName;
}

const trailCache = new Map<boolean, Style>();
export function trailStyle(onDuty: boolean): Style {
  let s = trailCache.get(onDuty);
  if (!s) {
    s = new Style({ stroke: new Stroke({ color: onDuty ? 'rgba(15,118,110,0.55)' : 'rgba(148,163,184,0.6)', width: 2.5, lineDash: [1, 5], lineCap: 'round' }) });
    trailCache.set(onDuty, s);
  }
  return s;
}

// ---- tablet: me and my task ------------------------------------------------

export const ME_STYLE = [
  new Style({ image: new CircleStyle({ radius: 16, fill: new Fill({ color: 'rgba(37,99,235,0.15)' }) }) }),
  new Style({ image: new CircleStyle({ radius: 7, fill: new Fill({ color: '#2563eb' }), stroke: new Stroke({ color: '#fff', width: 2.5 }) }), zIndex: 5 }),
];

// ---- sensor groups (zoomed out) ----------------------------------------------

const groupCache = new Map<string, Style>();
const GROUP_FAMILY_FILL = '#334155';
/** Where a group counts its air and water stations (`SensorGroup.families` is in DEVICE_FAMILIES order). */
const AIR = DEVICE_FAMILIES.indexOf('air');
const WATER = DEVICE_FAMILIES.indexOf('water');

/** The fields of a sensor group its style needs. */
export type SensorGroupLike = Pick<SensorGroup, 'count' | 'families' | 'online' | 'offline' | 'worstAqi' | 'worstWater'>;

/**
 * A group of sensors (a street, community or unit grid zoomed out): a disc with how many sensors it holds, coloured
 * for the mode like its points would be: by the worst AQI level of its air stations, the worst water class of its
 * water stations, red when any is offline; slate in the plain type view. In the AQI and water views only the stations
 * of that kind are counted, and a group without any is not drawn.
 */
export function sensorGroupStyle(group: SensorGroupLike | undefined, mode: 'family' | 'aqi' | 'water' | 'status'): Style | undefined {
  if (!group) return undefined;
  let n = group.count;
  let fill = GROUP_FAMILY_FILL;
  let dark = false;
  if (mode === 'aqi') {
    n = group.families[AIR] ?? 0;
    fill = group.worstAqi > 0 ? AQI_COLORS[group.worstAqi - 1]! : NO_DATA_COLOR;
    dark = group.worstAqi === 2 || group.worstAqi === 1;
  } else if (mode === 'water') {
    n = group.families[WATER] ?? 0;
    fill = group.worstWater > 0 ? WATER_CLASS_COLORS[group.worstWater - 1]! : NO_DATA_COLOR;
  } else if (mode === 'status') {
    fill = group.offline > 0 ? STATUS_COLORS.offline : group.online > 0 ? STATUS_COLORS.online : STATUS_COLORS.unknown;
  }
  if (n === 0) return undefined;
  const offlineRing = mode === 'status' && group.offline > 0;
  const key = `${n}|${fill}|${offlineRing}`;
  let s = groupCache.get(key);
  if (!s) {
    const radius = Math.min(24, 9 + Math.log10(n) * 5);
    s = new Style({
      image: new CircleStyle({ radius, fill: new Fill({ color: fill }), stroke: new Stroke({ color: offlineRing ? '#7f1d1d' : 'rgba(255,255,255,0.95)', width: 2 }) }),
      text: new Text({ text: n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n), font: `bold 11px ${FONT_STACK}`, fill: new Fill({ color: dark ? '#1e293b' : '#ffffff' }) }),
      zIndex: 5,
    });
    groupCache.set(key, s);
  }
  return s;
}
