/**
 * @gridhub/contracts — what crosses packages, and the wire: roles, sensor families and topics, incident states
 * and their action rules, the AQI and water-class functions, indicator math. No runtime dependencies, no Node or
 * NestJS imports: the server and the browser run the same code.
 */
export * from './role';
export * from './sensor-family';
export * from './topic';
export * from './incident-status';
export * from './aqi';
export * from './water-class';
export * from './latest-index';
export * from './air-standard';
export * from './early-warning';
export * from './alert';
export * from './live-event';
export * from './indicator';
export * from './working-time';
