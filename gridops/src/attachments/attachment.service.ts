import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException, PayloadTooLargeException, UnprocessableEntityException, UnsupportedMediaTypeException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { Clock } from '@gridhub/ingest';
import { GRIDOPS_SETTINGS, GridopsSettings } from '../gridops.options';
import { canSeeAttachments, isParty } from '../incidents/incident-access';
import { isFieldRole, OPEN_STATUSES } from '@gridhub/contracts';
import { IncidentRepository } from '../incidents/incident.repository';
import { Actor } from '../incidents/incident.types';
import { Attachment, AttachmentRepository } from './attachment.repository';
import { AttachmentStore } from './attachment.store';
import { displayName, IMAGE_TYPES, sniffImageType } from './image-type';

export interface UploadedFile {
  buffer: Buffer;
  originalname?: string;
  size: number;
}

/** Photos of incidents: checked by content, stored under generated names, served only to those allowed. */
@Injectable()
export class AttachmentService {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly store: AttachmentStore,
    private readonly incidents: IncidentRepository,
    private readonly clock: Clock,
    @Inject(GRIDOPS_SETTINGS) private readonly settings: GridopsSettings,
  ) {}

  async upload(incidentId: string, file: UploadedFile, actor: Actor): Promise<Attachment> {
    const incident = await this.incidents.find(incidentId);
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    if (!canSeeAttachments(incident, actor)) throw new ForbiddenException('only the command centre and the workers on this incident may add photos');
    if (isFieldRole(actor.role) && !isParty(incident, actor.workerId) && incident.status !== 'reported') {
      throw new ForbiddenException('this incident is no longer yours to add photos to');
    }
    if (!OPEN_STATUSES.includes(incident.status)) throw new ConflictException(`cannot add photos to an incident that is ${incident.status}`);
    if (file.size > this.settings.maxAttachmentBytes) {
      throw new PayloadTooLargeException(`the file has ${file.size} bytes; at most ${this.settings.maxAttachmentBytes} are accepted`);
    }
    const contentType = sniffImageType(file.buffer);
    if (!contentType) {
      throw new UnsupportedMediaTypeException('only JPEG, PNG and WebP photos are accepted (checked by the file content)');
    }
    const id = randomUUID();
    const attachment: Attachment = {
      id,
      incidentId,
      storageName: `${id}.${IMAGE_TYPES[contentType]}`,
      originalName: displayName(file.originalname),
      contentType,
      sizeBytes: file.size,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      uploadedBy: actor.username,
      uploadedAt: this.clock.now(),
    };
    await this.store.write(attachment.storageName, file.buffer);
    try {
      await this.attachments.insert(attachment);
    } catch (error) {
      await this.store.remove(attachment.storageName);
      throw error;
    }
    return attachment;
  }

  async list(incidentId: string, actor: Actor): Promise<Attachment[]> {
    const incident = await this.incidents.find(incidentId);
    if (!incident) throw new NotFoundException(`incident ${incidentId} not found`);
    if (!canSeeAttachments(incident, actor)) throw new ForbiddenException('you may not see this incident’s photos');
    return this.attachments.ofIncident(incidentId);
  }

  async open(id: string, actor: Actor): Promise<{ attachment: Attachment; stream: ReadStream }> {
    const attachment = await this.attachments.find(id);
    if (!attachment) throw new NotFoundException(`attachment ${id} not found`);
    const incident = await this.incidents.find(attachment.incidentId);
    if (!incident || !canSeeAttachments(incident, actor)) throw new ForbiddenException('you may not see this incident’s photos');
    return { attachment, stream: this.store.read(attachment.storageName) };
  }

  /** The ids that are photos of this incident; throws naming the ones that are not. */
  async checkBelong(incidentId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.attachments.findMany(ids);
    const wrong = ids.filter((id) => !found.some((a) => a.id === id && a.incidentId === incidentId));
    if (wrong.length) throw new UnprocessableEntityException(`these attachments are not photos of this incident: ${wrong.join(', ')}`);
  }
}
