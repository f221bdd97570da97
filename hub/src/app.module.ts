import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ServeStaticModule } from '@nestjs/serve-static';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { createSecretKey, randomBytes } from 'node:crypto';
import { GridLocatorService, GridopsModule, IncidentIntakeService } from '@gridhub/gridops';
import { IngestModule } from '@gridhub/ingest';
import { AuditInterceptor } from './auth/audit.interceptor';
import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { SettingsRepository } from './auth/settings.repository';
import { BrokerAccess } from './broker/broker-access';
import { AedesLink, BrokerCoreModule, MqttTaskPublisher } from './broker/broker-core.module';
import { BrokerHookController } from './broker/broker-hook.controller';
import { BrokerLink } from './broker/broker-link';
import { DeviceMessageHandler } from './broker/device-message.handler';
import { ExternalBroker } from './broker/external-broker';
import { NatsAccounts } from './broker/nats-accounts';
import { NatsIngest } from './broker/nats-ingest';
import { BrokerService } from './broker/broker.service';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { CoreModule } from './core.module';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { MetricsController } from './metrics/metrics.controller';
import { redisOptions } from './redis/redis';
import { LiveModule } from './live/live.module';
import { BasemapModule } from './basemap/basemap.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { OverviewModule } from './overview/overview.module';
import { throttlerOptions } from './http/throttling';
import { HubRuntime } from './runtime';
import { SeedService } from './seed/seed.service';

/** Where the built map UI is, or null when it has not been built. */
export function mapUiDist(): string | null {
  try {
    const dir = join(dirname(require.resolve('@gridhub/map-ui/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

@Module({})
export class AppModule {
  static forRoot(runtime: HubRuntime, logger: PinoLogger): DynamicModule {
    const { config } = runtime;
    const gridops = GridopsModule.register({ imports: [], taskPublisher: MqttTaskPublisher, attachmentsDir: join(config.dataDir, 'attachments'), incidents: { workingHours: config.workingHours, calendarOverrides: config.calendarOverrides } });
    const ingest = IngestModule.register({
      imports: [gridops],
      alertSink: IncidentIntakeService,
      gridResolver: GridLocatorService,
      maintenance: { timescale: runtime.database.timescale, retentionDays: config.retentionDays },
      warnings: { senderCode: config.warningSenderCode },
      // bcrypt hashes of new device secrets only where NATS's MQTT listener checks device logins.
      devices: { issueBrokerHashes: config.nats !== null },
      // The embedded database has one connection; a server pool leaves room for API queries beside ingest.
      writer: { concurrency: runtime.database.mode === 'embedded' ? 1 : Math.max(1, Math.min(4, config.databasePoolSize - 2)) },
    });
    const ui = mapUiDist();
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(runtime),
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
          },
        }),
        BullModule.forRoot({
          connection: { ...redisOptions(config.redisUrl), maxRetriesPerRequest: null },
          prefix: config.redisPrefix,
        }),
        JwtModule.registerAsync({
          global: true,
          inject: [SettingsRepository],
          useFactory: async (settings: SettingsRepository) => {
            const secret = config.jwtSecret ?? (await settings.getOrCreate('jwt_secret', () => randomBytes(48).toString('base64url')));
            // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to read it as a public key
            // on every verification — about 1 ms of CPU per request.
            return { secret: createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } };
          },
        }),
        ThrottlerModule.forRoot(throttlerOptions(config)),
        AuthModule,
        BrokerCoreModule,
        LiveModule,
        BasemapModule,
        gridops,
        ingest,
        OverviewModule.register([gridops, ingest]),
        CatalogueModule.register([gridops, ingest]),
        ...(ui
          ? [ServeStaticModule.forRoot({ rootPath: ui, exclude: ['/api/{*path}', '/health/{*path}', '/metrics', '/mqtt', '/open311/{*path}', '/socket.io/{*path}'] })]
          : []),
      ],
      controllers: [HealthController, MetricsController, BrokerHookController],
      providers: [
        BrokerAccess,
        // The embedded aedes broker by default; with NATS_URL, a consumer of a JetStream stream; with MQTT_URL, a
        // consumer of an external cluster broker.
        DeviceMessageHandler,
        ...(config.nats
          ? // The accounts file first: it holds the hub's own NATS login as well.
            [...(config.nats.accountsFile ? [NatsAccounts] : []), NatsIngest, { provide: BrokerLink, useExisting: NatsIngest }]
          : config.mqtt.url
          ? [ExternalBroker, { provide: BrokerLink, useExisting: ExternalBroker }]
          : [BrokerService, { provide: BrokerLink, useClass: AedesLink }]),
        HealthService,
        SeedService,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        // After authentication, so the per-account limit knows the account.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
