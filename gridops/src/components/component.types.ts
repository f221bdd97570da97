/** States of a component (部件状态, GB/T 30428.2 practice): intact, damaged, missing, occupied, abandoned. */
export const COMPONENT_STATES = ['normal', 'damaged', 'missing', 'occupied', 'abandoned'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** A component class (小类) with its major class (大类): migration 040, docs/domain/components.md. */
export interface ComponentClass {
  /** Four digits: 大类 (2) + 小类 (2). */
  code: string;
  majorCode: string;
  majorNameZh: string;
  majorNameEn: string;
  nameZh: string;
  nameEn: string;
  /** The incident category a fault on it is reported as. */
  incidentCategory: string;
  /** The owner department (权属部门) when an import names none. */
  defaultDepartment: string | null;
}

/** A city component (部件): 16-digit identifier = district code (6) + class code (4) + serial (6). */
export interface Component {
  id: string;
  classCode: string;
  name: string;
  departmentCode: string | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  state: ComponentState;
  address: string | null;
  updatedAt: Date;
}

export type NewComponent = Omit<Component, 'updatedAt'>;

/** The class code inside a component identifier (digits 7–10). */
export const classOfComponentId = (id: string): string => id.slice(6, 10);
