/** Device settings the hub passes to ingest. */
export class DeviceOptions {
  /**
   * Also hash each new secret with bcrypt for an engine that checks device logins itself (the NATS MQTT listener,
   * from the users file the hub writes). Off unless the hub ingests through NATS: it costs a few ms per secret.
   */
  issueBrokerHashes = false;
}
