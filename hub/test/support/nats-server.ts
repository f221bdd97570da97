import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './clients';
import { freePort } from './fleet';

export const NATS_SERVER_BINARY = process.env['GRIDHUB_TEST_NATS_SERVER'] ?? '/usr/sbin/nats-server';

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * A nats-server of the test's own (the machine's one on 4222 has no MQTT listener and cannot be restarted by a
 * test): JetStream in a temporary directory, the MQTT listener (which needs a server name and JetStream), free
 * ports, and an `authorization` block that includes the users file GridHub writes. It can be stopped and started
 * again on the same ports and store.
 */
export class NatsServer {
  process: ChildProcess | null = null;
  dir = '';
  clientPort = 0;
  mqttPort = 0;

  constructor(
    /** The hub's own login, present in the users file before GridHub first writes it. */
    readonly hubUser: string,
    readonly hubPassword: string,
  ) {}

  get url(): string {
    return `nats://${this.hubUser}:${this.hubPassword}@127.0.0.1:${this.clientPort}`;
  }
  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }
  get usersFile(): string {
    return join(this.dir, 'users.conf');
  }
  get pidFile(): string {
    return join(this.dir, 'nats.pid');
  }

  async init(): Promise<void> {
    if (!existsSync(NATS_SERVER_BINARY)) throw new Error(`${NATS_SERVER_BINARY} is missing (apt-get install -y nats-server)`);
    this.dir = await mkdtemp(join(tmpdir(), 'gridhub-nats-'));
    this.clientPort = await freePort();
    this.mqttPort = await freePort();
    await writeFile(this.usersFile, `users = [ { user: ${JSON.stringify(this.hubUser)}, password: ${JSON.stringify(this.hubPassword)} } ]\n`);
    await writeFile(
      join(this.dir, 'nats.conf'),
      [
        `server_name: gridhub_test_${this.clientPort}`,
        `listen: 127.0.0.1:${this.clientPort}`,
        `pid_file: ${JSON.stringify(this.pidFile)}`,
        `jetstream { store_dir: ${JSON.stringify(join(this.dir, 'js'))} }`,
        `mqtt { listen: 127.0.0.1:${this.mqttPort} }`,
        'authorization {',
        '  include ./users.conf',
        '}',
        '',
      ].join('\n'),
    );
    await this.start();
  }

  async start(): Promise<void> {
    this.process = spawn(NATS_SERVER_BINARY, ['-c', join(this.dir, 'nats.conf'), '-l', join(this.dir, 'nats.log')], { stdio: 'ignore' });
    await eventually(async () => ((await listening(this.clientPort)) && (await listening(this.mqttPort)) ? true : undefined), 20_000, 'nats-server listening');
  }

  /** Stops the server (SIGTERM: a restart as an operator does it; it flushes its store) and waits for it. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const server = this.process;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill(signal);
    await exited;
    this.process = null;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.dir && !process.env['GRIDHUB_TEST_KEEP_NATS']) await rm(this.dir, { recursive: true, force: true });
  }
}
