import { Global, Module } from '@nestjs/common';
import { LiveChannel } from '@gridhub/ingest';
import { GridAncestry } from './grid-ancestry';
import { LiveGateway } from './live.gateway';

/** Binds (globally; needs the hub's global AuthModule and pg Pool) the LiveChannel port of ingest and grid operations to the socket.io gateway, for every module. */
@Global()
@Module({
  providers: [GridAncestry, LiveGateway, { provide: LiveChannel, useExisting: LiveGateway }],
  exports: [LiveChannel, LiveGateway],
})
export class LiveModule {}
