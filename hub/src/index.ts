export * from './config/config';
export * from './bootstrap';
export * from './logger';
export { DEMO_CREDENTIALS_FILE } from './seed/seed.service';
export * from './seed/demo-city';
export * from './seed/demo-cities';
export { NatsIngest } from './broker/nats-ingest';
export { NatsAccounts } from './broker/nats-accounts';
