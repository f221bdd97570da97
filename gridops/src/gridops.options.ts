import { DEFAULT_WORKING_HOURS } from '@gridhub/contracts';

/** Settings of grid operations given by the hub (`GridopsModule.register`). */
export interface GridopsSettings {
  /** Where uploaded photos are stored (`<GRIDHUB_DATA_DIR>/attachments`). */
  attachmentsDir: string;
  /** Largest accepted upload, bytes. */
  maxAttachmentBytes: number;
  /** A check-in farther than this from the incident is refused (metres). */
  checkInRadiusM: number;
  /** Open incidents of the same category within this distance and time are offered as duplicates. */
  duplicateRadiusM: number;
  duplicateWindowHours: number;
  /** The city's working hours on a workday (工作时): `HH:MM-HH:MM[,…]`. */
  workingHours: string;
  /** The city's own days off and days worked, over the national calendar: `YYYY-MM-DD=off|work[,…]`. */
  calendarOverrides: string;
}

export const GRIDOPS_SETTINGS = Symbol('GRIDOPS_SETTINGS');

export const DEFAULT_GRIDOPS_SETTINGS: Omit<GridopsSettings, 'attachmentsDir'> = {
  maxAttachmentBytes: 10 * 1024 * 1024,
  checkInRadiusM: 200,
  duplicateRadiusM: 100,
  duplicateWindowHours: 24,
  workingHours: DEFAULT_WORKING_HOURS,
  calendarOverrides: '',
};
