import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { redisOptions } from '../redis/redis';

/**
 * socket.io over Redis pub/sub: an update published on one hub instance reaches clients connected to any
 * other (the scaled-out shape). Channels carry the hub's Redis prefix, so hubs sharing a Redis stay apart.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    const pub = new Redis({ ...redisOptions(this.redisUrl), lazyConnect: false });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', () => undefined); // ioredis reconnects by itself; health reports Redis
    this.clients.push(pub, sub);
    server.adapter(createAdapter(pub, sub, { key: `${this.prefix}:socket.io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }
}
