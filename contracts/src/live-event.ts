/**
 * The live channel (socket.io namespace `/live`) and the tablets' task topic: each event's name and payload, one
 * definition for the server that publishes and the browser that listens.
 */
import type { AlertView } from './alert';
import type { IncidentStatus, Priority } from './incident-status';
import type { SensorFamily } from './sensor-family';

/** A value as JSON carries it: a Date travels as ISO 8601 text. */
export type OnWire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? OnWire<U>[]
    : T extends object
      ? { [K in keyof T]: OnWire<T[K]> }
      : T;

/** What the worker (or supervisor) is asked to do on site. */
export type TaskStep = 'verify' | 'handle' | 'reinspect';

/**
 * Sent to `gridhub/v1/workers/{workerId}/tasks` (QoS 1) and over the websocket (`task.assigned` / `task.updated`):
 * a new task for the worker's tablet, or a change to one it holds (accepted elsewhere, withdrawn, extended, closed,
 * a supervision warning).
 */
export interface TaskMessage {
  type: 'task.assigned' | 'task.updated';
  incidentId: string;
  code: string;
  category: string;
  title: string;
  description: string;
  priority: Priority;
  status: IncidentStatus;
  step: TaskStep | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  dispatchedAt: string | null;
  dueAt: string | null;
  /** Why the update was sent: the action or timer behind it (e.g. `reassign`, `supervise`, `close`). */
  reason?: string;
  /** The task is no longer this worker's. */
  withdrawn?: boolean;
}

/** What some changes add to `incident.*`: the action or timer behind it and its particulars. */
export interface IncidentChangeDetail {
  /** The action or timer behind the change (`dispatch`, `overdue`, `supervise` …). */
  action?: string;
  rejected?: boolean;
  reason?: string;
  /** Hours of extension asked for. */
  extensionRequested?: number;
  suspensionRequested?: boolean;
  /** The handling clock stopped (挂账) or restarted. */
  suspended?: boolean;
  reinspectorWorkerId?: string | null;
  /** A 督办 warning: the step and how much of its limit has passed (50, 80, 100 %). */
  supervision?: { step: string; percent: number };
  escalated?: boolean;
  escalation?: string;
}

/** What names and places an incident on a list or a map: enough to recognise it and open it. */
export interface IncidentHead {
  id: string;
  code: string;
  category: string;
  title: string;
  priority: Priority;
  status: IncidentStatus;
  lon: number;
  lat: number;
  gridCode: string | null;
}

/** `incident.created` / `incident.updated`: what changed, for the consoles of the incident's grid. */
export interface IncidentChange extends IncidentHead, IncidentChangeDetail {
  assigneeWorkerId: string | null;
  dueAt: string | null;
  overdue: boolean;
}

/** `device.status`: a device came online or went offline. */
export interface DeviceStatusChange {
  deviceId: string;
  family: SensorFamily;
  online: boolean;
  at: string;
}

/** `worker.location`: a worker's tablet reported its position. */
export interface WorkerLocation {
  workerId: string;
  name: string | null;
  lon: number;
  lat: number;
  at: string;
  accuracyM: number | null;
  status: string | null;
}

/** What the server hands the live channel for each event (Dates allowed: they travel as ISO text). */
export interface LivePayloads {
  'alert.raised': AlertView;
  'alert.updated': AlertView;
  'alert.acknowledged': AlertView;
  'alert.cleared': AlertView;
  'incident.created': IncidentChange;
  'incident.updated': IncidentChange;
  'task.assigned': TaskMessage;
  'task.updated': TaskMessage;
  'device.status': DeviceStatusChange;
  'worker.location': WorkerLocation;
}
export type LiveEventName = keyof LivePayloads;

/** What a browser receives for each event. */
export type LiveEvents = { [E in LiveEventName]: OnWire<LivePayloads[E]> };

// Every event of LivePayloads, once (the Record type makes a missing one fail to compile).
const EVENTS: Record<LiveEventName, true> = {
  'alert.raised': true,
  'alert.updated': true,
  'alert.acknowledged': true,
  'alert.cleared': true,
  'incident.created': true,
  'incident.updated': true,
  'task.assigned': true,
  'task.updated': true,
  'device.status': true,
  'worker.location': true,
};
/** Every event name, for subscribing to all of them. */
export const LIVE_EVENT_NAMES = Object.keys(EVENTS) as LiveEventName[];
