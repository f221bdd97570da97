import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { createServer, Server } from 'node:net';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PARAMS_PROVIDER_TOKEN, Params, PinoLogger as NestPinoLogger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule, mapUiDist } from './app.module';
import { BrokerService } from './broker/broker.service';
import { listenTcp, PortInUseError } from './broker/listen';
import { HubConfig, usesExternalBroker } from './config/config';
import { HubLogger } from './hub-logger';
import { harden } from './http/harden';
import { RedisIoAdapter } from './live/redis-io.adapter';
import { Database, openDatabase } from './database/database';
import { createLogger } from './logger';
import { checkRedis } from './redis/redis';
import { HubRuntime } from './runtime';

/** Written to the data directory at start: the ports this hub listens on. */
export const HUB_INFO_FILE = 'hub.json';

/** A start-up problem a person can fix; main prints its message as one line instead of a stack trace. */
export class StartupError extends Error {}

export interface RunningHub {
  app: INestApplication;
  config: HubConfig;
  httpPort: number;
  /** The embedded broker's TCP port; null when an external broker is used (MQTT_URL). */
  mqttPort: number | null;
  database: Database;
  mapUi: boolean;
  close(): Promise<void>;
}

/** The optional MQTT-over-TLS listener of the embedded broker (MQTT_TLS_PORT, MQTT_TLS_CERT, MQTT_TLS_KEY). */
async function tlsListener(config: HubConfig): Promise<TlsServer> {
  const { certFile, keyFile } = config.mqtt.tls!;
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]).catch((error: Error) => {
    throw new StartupError(`cannot read the MQTT TLS certificate or key: ${error.message}`);
  });
  return createTlsServer({ cert, key, minVersion: 'TLSv1.2' });
}

async function bindMqtt(server: Server, config: HubConfig, logger: PinoLogger): Promise<number> {
  try {
    return await listenTcp(server, config.mqttPort, config.host);
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    if (config.env === 'production') {
      throw new StartupError(
        `MQTT_PORT ${config.mqttPort} is already in use (another MQTT broker?). Stop it or set MQTT_PORT to a free port.`,
      );
    }
    const port = await listenTcp(server, 0, config.host);
    logger.warn(`MQTT port ${config.mqttPort} is in use (another broker?); the embedded broker listens on port ${port} instead. Set MQTT_PORT to choose one.`);
    return port;
  }
}

/**
 * Starts the hub: checks Redis, binds the MQTT port, opens (and migrates) the database, builds the Nest application (seeding the
 * demo city on first start) and listens on HTTP. Everything it opened is closed again by `close()`, also
 * when a later step fails.
 */
export async function startHub(config: HubConfig, logger: PinoLogger = createLogger(config)): Promise<RunningHub> {
  await mkdir(config.dataDir, { recursive: true });
  logger.debug('checking Redis');
  await checkRedis(config.redisUrl).catch((error: Error) => {
    throw new StartupError(error.message);
  });
  // The embedded broker's ports are bound first; with MQTT_URL or NATS_URL an external engine carries MQTT instead.
  const external = usesExternalBroker(config);
  const mqttServer = external ? null : createServer();
  const tlsServer = external || !config.mqtt.tls ? null : await tlsListener(config);
  const closeMqtt = async () => {
    for (const server of [mqttServer, tlsServer]) {
      if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  let mqttPort: number | null = null;
  if (mqttServer) {
    logger.debug('binding MQTT');
    mqttPort = await bindMqtt(mqttServer, config, logger);
  }
  if (tlsServer && config.mqtt.tls) {
    await listenTcp(tlsServer, config.mqtt.tls.port, config.host).catch(async (error: Error) => {
      await closeMqtt();
      throw new StartupError(`MQTT_TLS_PORT ${config.mqtt.tls!.port}: ${error.message}`);
    });
  }
  logger.debug(`opening the database (${config.databaseUrl ? 'server' : 'embedded'})`);
  const database = await openDatabase(config, (error) => logger.warn(`database connection lost: ${error.message}`)).catch(
    async (error: Error) => {
      await closeMqtt();
      throw new StartupError(error.message);
    },
  );
  if (database.migrations.applied.length > 0) {
    logger.info(`database migrations applied: ${database.migrations.applied.join(', ')}`);
  }
  const runtime = new HubRuntime(config, database, mqttServer, mqttPort, tlsServer);
  let app: NestExpressApplication | null = null;
  const close = async () => {
    await app?.close();
    await closeMqtt();
    await database.close();
  };
  try {
    logger.debug('starting the application');
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime, logger), { bufferLogs: true, bodyParser: false });
    harden(app, config);
    // Live updates fan out through Redis, so clients of every hub instance receive them.
    app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.redisPrefix));
    app.useLogger(new HubLogger(await app.resolve(NestPinoLogger), app.get<Params>(PARAMS_PROVIDER_TOKEN)));
    app.useGlobalPipes(
      new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, transformOptions: { enableImplicitConversion: false } }),
    );
    const openapi = new DocumentBuilder()
      .setTitle('GridHub API')
      .setDescription('Grid governance and IoT sensing hub: devices, readings, grids, workers, incidents.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, openapi));
    await app.init();
    await app.listen(config.httpPort, config.host).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new StartupError(`HTTP_PORT ${config.httpPort} is already in use. Stop the other program or set HTTP_PORT.`)
        : error;
    });
    if (!external) app.get(BrokerService).attachWebSocket(app.getHttpServer());
    const address = app.getHttpServer().address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    // Where this hub listens, for the simulators and scripts on the same machine (ports may have moved).
    await writeFile(
      join(config.dataDir, HUB_INFO_FILE),
      JSON.stringify({ pid: process.pid, httpPort, mqttPort, startedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    return { app, config, httpPort, mqttPort, database, mapUi: mapUiDist() !== null, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
