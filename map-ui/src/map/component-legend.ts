import { shallowRef } from 'vue';

/** Colours of the component (部件) major classes (大类) on the map and in the legend. */
export const COMPONENT_MAJOR_COLORS: Readonly<Record<string, string>> = {
  '01': '#0f766e',
  '02': '#ca8a04',
  '03': '#65a30d',
  '04': '#15803d',
  '05': '#7c3aed',
  '06': '#475569',
};
export const COMPONENT_FAULT_STROKE = '#dc2626';

/** Components in view per major class, and how many of them are damaged or missing (the layer writes, the legend reads). */
export const componentsInView = shallowRef<{ majors: [string, number][]; faulty: number }>({ majors: [], faulty: 0 });
