import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  // Module-level metrics registered once per process, even when tests build several hubs.
  const existing = register.getSingleMetric(name);
  return (existing as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}

export const ingestMetrics = {
  messages: counter('gridhub_ingest_messages_total', 'MQTT device messages by outcome', ['family', 'kind', 'outcome']),
  refusals: counter('gridhub_mqtt_refusals_total', 'Broker logins, publishes and subscriptions refused', ['action']),
  held: counter('gridhub_mqtt_rate_held_total', 'Device messages held back to the device rate limit (not refused)', ['family']),
};
