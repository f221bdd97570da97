// Wire types of GET /api/v1/overview and /api/v1/overview/areas (hub/src/overview).
import type { DeviceFamily } from './types';

export type WarningColour = 'red' | 'orange' | 'yellow' | 'blue';
export const WARNING_COLOURS: readonly WarningColour[] = ['red', 'orange', 'yellow', 'blue'];

export interface AqiSummary {
  aqi: number;
  level: number;
  colour: string;
  categoryZh: string;
  categoryEn: string;
}

export interface OverviewArea {
  code: string;
  name: string;
  level: string;
  openIncidents: number;
  aqi: AqiSummary | null;
  water: { klass: number; classRoman: string; labelZh: string; labelEn: string; stations: number } | null;
}

export interface OverviewWarning {
  id: string;
  severity: WarningColour;
  status: 'raised' | 'acknowledged' | 'cleared';
  capMsgType: 'Alert' | 'Update' | 'Cancel';
  source: string;
  family: DeviceFamily;
  kind: string;
  title: string | null;
  titleEn: string | null;
  eventType: string | null;
  deviceName: string;
  gridCode: string | null;
  count: number;
  raisedAt: string;
  updatedAt: string;
}

export interface OverviewData {
  generatedAt: string;
  scope: string | null;
  day: { from: string; to: string };
  counters: {
    reportedToday: number;
    filedToday: number;
    closedToday: number;
    open: number;
    overdue: number;
    onTimeClosureRate: number | null;
    closureRate: number | null;
    ratePeriod: { from: string; to: string };
  };
  areas: OverviewArea[];
  air: {
    time: string | null;
    city: AqiSummary | null;
    ranking: (AqiSummary & { rank: number; deviceId: string; name: string; gridCode: string | null; primaryPollutants: string[] })[];
  };
  water: {
    total: number;
    stations: {
      deviceId: string;
      name: string;
      gridCode: string | null;
      online: boolean;
      time: string;
      klass: number;
      classRoman: string;
      labelZh: string;
      labelEn: string;
      limitingItems: string[];
      targetClass: string | null;
      missesTarget: boolean | null;
    }[];
  };
  warnings: { counts: Record<WarningColour, number>; total: number; items: OverviewWarning[] };
  trend: { hours: string[]; alerts: Record<DeviceFamily, number[]>; incidents: number[]; aqi: (number | null)[] };
  workers: { total: number; available: number; busy: number; items: { id: string; name: string; status: string; openTasks: number; community: string | null }[] };
  ticker: {
    id: string;
    code: string;
    title: string;
    category: string;
    categoryZh: string | null;
    categoryEn: string | null;
    status: string;
    priority: string;
    overdue: boolean;
    gridCode: string | null;
    gridName: string | null;
    createdAt: string;
  }[];
}

export interface AreaCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string; properties: { code: string; name: string; level: string }; geometry: unknown }[];
}

export interface KioskSessionResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  kiosk: { id: string; name: string; gridScope: string | null };
}
