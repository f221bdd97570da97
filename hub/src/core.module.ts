import { DynamicModule, Global, Module } from '@nestjs/common';
import { Pool } from 'pg';
import { SettingsRepository } from './auth/settings.repository';
import { HubRuntime } from './runtime';

/** Makes the runtime (config, database, MQTT listener) and the pg pool injectable everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: HubRuntime): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: HubRuntime, useValue: runtime },
        { provide: Pool, useValue: runtime.database.pool },
        SettingsRepository,
      ],
      exports: [HubRuntime, Pool, SettingsRepository],
    };
  }
}
