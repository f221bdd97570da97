/** How sensors are coloured: by family, by AQI level (air), by water class (water), or online/offline. */
export const SENSOR_MODES = ['family', 'aqi', 'water', 'status'] as const;
export type SensorMode = (typeof SENSOR_MODES)[number];

/** What fills the unit grids: nothing, open incidents per grid, or the worst station AQI in the grid. */
export const GRID_METRICS = ['none', 'incidents', 'aqi'] as const;
export type GridMetric = (typeof GRID_METRICS)[number];
