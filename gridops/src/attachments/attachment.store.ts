import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, ReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GRIDOPS_SETTINGS, GridopsSettings } from '../gridops.options';

/** Files of attachments under `<data dir>/attachments/`, by generated name only. */
@Injectable()
export class AttachmentStore {
  constructor(@Inject(GRIDOPS_SETTINGS) private readonly settings: GridopsSettings) {}

  async write(storageName: string, data: Buffer): Promise<void> {
    await mkdir(this.settings.attachmentsDir, { recursive: true, mode: 0o750 });
    // `wx`: never overwrite; the name is a fresh UUID.
    await writeFile(this.path(storageName), data, { flag: 'wx', mode: 0o640 });
  }

  read(storageName: string): ReadStream {
    return createReadStream(this.path(storageName));
  }

  async remove(storageName: string): Promise<void> {
    await rm(this.path(storageName), { force: true });
  }

  private path(storageName: string): string {
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(storageName)) throw new Error(`not a stored attachment name: ${storageName}`);
    return join(this.settings.attachmentsDir, storageName);
  }
}
