/** The hub's side of whichever broker carries MQTT: the embedded aedes one or an external cluster broker. */
export abstract class BrokerLink {
  /** Publishes as the hub (worker tasks); resolves once the broker has it (QoS 1: acknowledged). */
  abstract publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  /** For /health/ready: is the hub connected to (or serving) its broker, and a word on its state. */
  abstract health(): { up: boolean; detail: string };
}
