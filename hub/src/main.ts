import { ConfigError, loadConfig } from './config/config';
import { startHub, StartupError } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`GridHub configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let hub;
  try {
    hub = await startHub(config);
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`GridHub cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  process.stdout.write(
    [
      '',
      `GridHub is running${config.seedDemo ? ' (demo city)' : ''}`,
      `  Map            http://${shown}:${hub.httpPort}/${hub.mapUi ? '' : '   (map UI not built: run npm run build)'}`,
      `  API docs       http://${shown}:${hub.httpPort}/api/docs`,
      config.nats
        ? `  MQTT           NATS JetStream ${config.nats.servers.join(',')} (stream ${config.nats.stream}, consumer ${config.nats.consumer}); devices publish to its MQTT listener`
        : hub.mqttPort === null
        ? `  MQTT           external broker ${config.mqtt.url!.replace(/\/\/[^@/]*@/, '//***@')} (shared group ${config.mqtt.shareGroup})`
        : `  MQTT           mqtt://${shown}:${hub.mqttPort}    WebSocket ws://${shown}:${hub.httpPort}/mqtt${config.mqtt.tls ? `    TLS mqtts://${shown}:${config.mqtt.tls.port}` : ''}`,
      `  Database       ${hub.database.describe}${hub.database.timescale ? ' (TimescaleDB)' : ' (plain PostgreSQL)'}`,
      `  Redis          ${config.redisUrl}`,
      '',
    ].join('\n') + '\n',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`GridHub stopping (${signal})...\n`);
    hub.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`GridHub did not stop cleanly: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

void main();
