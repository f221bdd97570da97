import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { DeviceEvents, DeviceService, SecretHasher } from '@gridhub/ingest';
import { TOPIC_ROOT } from '@gridhub/contracts';
import { NatsConfig } from '../config/config';
import { HubRuntime } from '../runtime';
import { mqttTopicToSubject } from './nats-subject';

/** Device changes arriving within this window are written to the file together. */
const DEBOUNCE_MS = 200;
/**
 * Also this often, from the database: a device changed through another hub instance raises no event here. Written
 * (and the server signalled) only when the accounts differ from what this instance wrote last.
 */
const REFRESH_MS = 30_000;

/** A NATS configuration string: double-quoted, so `$` in a bcrypt hash is not read as a variable. */
const quoted = (s: string) => JSON.stringify(s);

/**
 * The NATS MQTT listener's accounts, issued by GridHub: a users file (`NATS_ACCOUNTS_FILE`) the NATS server
 * includes in its `authorization` block, holding one user per enabled device — user name = device id, the bcrypt
 * hash of its secret, and permission to publish (and subscribe) only under its own topics — plus the hub's own
 * user with every permission. It is rewritten whenever a device is registered, enabled, disabled or given a new
 * secret through this instance, and checked against the database every 30 s for changes made through another one;
 * the NATS server is then told to reload (SIGHUP to the PID in `NATS_SERVER_PID_FILE`), which also
 * drops the live sessions of users that are gone. Devices keep one secret for either path; the secrets stay in
 * GridHub, only hashes leave it.
 */
@Injectable()
export class NatsAccounts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsAccounts.name);
  private readonly config: NatsConfig;
  private hubPasswordHash: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly onChange = () => this.schedule();
  private first: Promise<void> | null = null;
  private refresh: NodeJS.Timeout | null = null;
  /** The device lines this instance wrote last. */
  private lastAccounts: string | null = null;
  /** Files written by this instance (for tests and the log). */
  written = 0;

  constructor(
    runtime: HubRuntime,
    private readonly devices: DeviceService,
    private readonly events: DeviceEvents,
    private readonly hasher: SecretHasher,
  ) {
    this.config = runtime.config.nats!;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.events.on('changed', this.onChange);
    await this.ready();
    this.refresh = setInterval(() => void this.write(true), REFRESH_MS);
    this.refresh.unref();
  }

  /** Resolves once the file has been written at start (the hub's own login is in it). */
  ready(): Promise<void> {
    this.first ??= this.write();
    return this.first;
  }

  async onApplicationShutdown(): Promise<void> {
    this.events.off('changed', this.onChange);
    if (this.timer) clearTimeout(this.timer);
    if (this.refresh) clearInterval(this.refresh);
    await this.writing;
  }

  /** Writes the file now (after any write under way) and signals the server; `ifChanged`: only when accounts changed. */
  write(ifChanged = false): Promise<void> {
    this.writing = this.writing.then(() => this.writeNow(ifChanged)).catch((error: Error) => this.logger.error(`NATS accounts not written: ${error.message}`));
    return this.writing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, DEBOUNCE_MS);
  }

  private async writeNow(ifChanged: boolean): Promise<void> {
    const { accountsFile, user, password } = this.config;
    const file = accountsFile!;
    this.hubPasswordHash ??= user && password ? await this.hasher.hashForBroker(password) : null;
    const accounts = (await this.devices.brokerAccounts()).map((a) => {
      const own = quoted(`${mqttTopicToSubject(`${TOPIC_ROOT}/${a.family}/${a.id}`)}.>`);
      return `  { user: ${quoted(a.id)}, password: ${quoted(a.brokerSecretHash)}, permissions: { publish: { allow: [${own}] }, subscribe: { allow: [${own}] } } }`;
    });
    const deviceLines = accounts.join('\n');
    if (ifChanged && deviceLines === this.lastAccounts) return;
    const lines = [
      '# Written by GridHub (NATS_ACCOUNTS_FILE); rewritten on every device change, do not edit.',
      'users = [',
      ...(user && this.hubPasswordHash ? [`  { user: ${quoted(user)}, password: ${quoted(this.hubPasswordHash)} }`] : []),
      ...accounts,
      ']',
      '',
    ];
    await writeFile(`${file}.tmp`, lines.join('\n'), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.lastAccounts = deviceLines;
    this.written += 1;
    await this.reloadServer();
  }

  private async reloadServer(): Promise<void> {
    const pidFile = this.config.serverPidFile;
    if (!pidFile) return;
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${pidFile} holds no process id`);
    process.kill(pid, 'SIGHUP'); // nats-server reloads its configuration on SIGHUP
  }
}
