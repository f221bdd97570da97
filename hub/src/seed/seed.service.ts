import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { defaultRules, DeviceService, RuleRepository, RuleService, SecretHasher } from '@gridhub/ingest';
import { ComponentRepository, ComponentService, GridLocatorService, GridRepository, WorkerRepository } from '@gridhub/gridops';
import { demoComponents } from './demo-component';
import { AccountRepository } from '../auth/account.repository';
import { HubRuntime } from '../runtime';
import {
  DEMO_DISPATCHER,
  DEMO_SHIFT_LEAD,
  DEMO_ANALYST,
  DEMO_OFF_DUTY_WORKER,
  DEMO_WORKER_PASSWORD,
  DEMO_SUPERVISORS,
  DEMO_SUPERVISOR_PASSWORD,
  demoWorkerUsername,
} from './demo-city';
import { demoCityPlan } from './demo-cities';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/**
 * First start: makes sure an admin account exists, and seeds the demo city into an empty database unless
 * GRIDHUB_SEED_DEMO=false (the default in production).
 */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly runtime: HubRuntime,
    private readonly pool: Pool,
    private readonly hasher: SecretHasher,
    private readonly accounts: AccountRepository,
    private readonly grids: GridRepository,
    private readonly locator: GridLocatorService,
    private readonly devices: DeviceService,
    private readonly workers: WorkerRepository,
    private readonly rules: RuleRepository,
    private readonly rulesService: RuleService,
    private readonly componentClasses: ComponentService,
    private readonly components: ComponentRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
    const { rows } = await this.pool.query<{ n: number }>('select count(*)::int as n from grids');
    if (this.runtime.config.seedDemo && rows[0]!.n === 0) await this.seedDemoCity();
  }

  private async ensureAdmin(): Promise<void> {
    const { rows } = await this.pool.query<{ n: number }>(`select count(*)::int as n from accounts where role = 'admin'`);
    if (rows[0]!.n > 0) return;
    const given = this.runtime.config.adminPassword;
    const password = given ?? randomBytes(12).toString('base64url');
    await this.accounts.insert({
      username: 'admin',
      passwordHash: await this.hasher.hashPassword(password),
      role: 'admin',
      displayName: '系统管理员',
      gridScope: null,
      workerId: null,
    });
    if (!given) {
      // Printed this once only; it is stored hashed.
      process.stdout.write(`\n  Admin account created: username "admin", password "${password}" (shown once; set GRIDHUB_ADMIN_PASSWORD to choose it)\n\n`);
    }
  }

  private async seedDemoCity(): Promise<void> {
    const started = performance.now();
    const kind = this.runtime.config.demoCity;
    const { areas, communities, devices, workerName } = demoCityPlan(kind);
    await this.grids.insertMany(areas);
    await this.locator.reload();
    const components = demoComponents(areas, await this.componentClasses.classes(), (lon, lat) => this.locator.locate(lon, lat));
    await this.components.upsertMany(components, new Date());

    const credentials: { id: string; family: string; name: string; secret: string }[] = [];
    for (const input of devices) {
      const { device, secret } = await this.devices.register(input);
      credentials.push({ id: device.id, family: device.family, name: device.name, secret });
    }

    const workerPasswordHash = await this.hasher.hashPassword(DEMO_WORKER_PASSWORD);
    for (const [i, community] of communities.entries()) {
      const id = randomUUID();
      await this.workers.insert({
        id,
        name: workerName(i),
        phone: null,
        gridCodes: community.gridCodes,
        onDuty: i !== DEMO_OFF_DUTY_WORKER,
        ...community.patrolPoint,
      });
      await this.accounts.insert({
        username: demoWorkerUsername(i),
        passwordHash: workerPasswordHash,
        role: 'grid_worker',
        displayName: workerName(i),
        gridScope: community.code,
        workerId: id,
      });
    }
    const supervisorPasswordHash = await this.hasher.hashPassword(DEMO_SUPERVISOR_PASSWORD);
    for (const [i, supervisor] of DEMO_SUPERVISORS.entries()) {
      const mine = communities.filter((_, k) => k % DEMO_SUPERVISORS.length === i);
      const id = randomUUID();
      await this.workers.insert({
        id,
        name: supervisor.displayName,
        phone: null,
        gridCodes: mine.flatMap((c) => c.gridCodes),
        onDuty: true,
        duty: 'supervisor',
        ...mine[0]!.patrolPoint,
      });
      await this.accounts.insert({
        username: supervisor.username,
        passwordHash: supervisorPasswordHash,
        role: 'supervisor',
        displayName: supervisor.displayName,
        gridScope: null,
        workerId: id,
      });
    }
    await this.accounts.insert({
      username: DEMO_DISPATCHER.username,
      passwordHash: await this.hasher.hashPassword(DEMO_DISPATCHER.password),
      role: 'dispatcher',
      displayName: DEMO_DISPATCHER.displayName,
      gridScope: null,
      workerId: null,
      departmentCode: 'command_centre',
    });
    await this.accounts.insert({
      username: DEMO_SHIFT_LEAD.username,
      passwordHash: await this.hasher.hashPassword(DEMO_SHIFT_LEAD.password),
      role: 'shift_lead',
      displayName: DEMO_SHIFT_LEAD.displayName,
      gridScope: null,
      workerId: null,
      departmentCode: 'command_centre',
    });
    await this.accounts.insert({
      username: DEMO_ANALYST.username,
      passwordHash: await this.hasher.hashPassword(DEMO_ANALYST.password),
      role: 'bureau_analyst',
      displayName: DEMO_ANALYST.displayName,
      gridScope: null,
      workerId: null,
      departmentCode: 'environment_bureau',
    });

    // The city's default rule set (ingest/src/rules/default-rules.ts).
    for (const rule of defaultRules()) await this.rules.insert(rule);
    this.rulesService.invalidate();

    const dir = resolve(this.runtime.config.dataDir);
    await mkdir(dir, { recursive: true });
    const file = join(dir, DEMO_CREDENTIALS_FILE);
    await writeFile(file, JSON.stringify({ devices: credentials }, null, 2) + '\n', { mode: 0o600 });
    const gridCount = areas.filter((a) => a.level === 'grid').length;
    this.logger.log(
      `demo city (${kind}) seeded in ${Math.round(performance.now() - started)} ms: ${gridCount} unit grids, ${credentials.length} devices, ${components.length} components, ${communities.length} workers; device secrets in ${file}`,
    );
  }
}
