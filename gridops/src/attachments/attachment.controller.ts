import { ApiCreated, ApiOk, CurrentUser, isoTime, listOf, z } from '@gridhub/ingest';
import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Post, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_GRIDOPS_SETTINGS } from '../gridops.options';
import { Actor } from '../incidents/incident.types';
import { Attachment } from './attachment.repository';
import { AttachmentService, UploadedFile as UploadedPhoto } from './attachment.service';

/** A photo of an incident, as the API shows it (the file itself at `url`). */
export const attachmentSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  name: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  uploadedAt: isoTime,
  url: z.string(),
});
const binary = { schema: { type: 'string', format: 'binary' } } as const;

const present = (a: Attachment): z.infer<typeof attachmentSchema> => ({
  id: a.id,
  incidentId: a.incidentId,
  name: a.originalName,
  contentType: a.contentType,
  sizeBytes: a.sizeBytes,
  sha256: a.sha256,
  uploadedBy: a.uploadedBy,
  uploadedAt: a.uploadedAt.toISOString(),
  url: `/api/v1/attachments/${a.id}`,
});

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('api/v1')
export class AttachmentController {
  constructor(private readonly attachments: AttachmentService) {}

  /** A photo of the incident (multipart field `file`): JPEG, PNG or WebP by content, at most 10 MiB. */
  @Post('incidents/:id/attachments')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(
    // Kept in memory (multer's default without a destination) to check the content before anything is written.
    FileInterceptor('file', { limits: { fileSize: DEFAULT_GRIDOPS_SETTINGS.maxAttachmentBytes, files: 1, fields: 5 } }),
  )
  @ApiCreated(attachmentSchema)
  async upload(@Param('id', new ParseUUIDPipe()) id: string, @UploadedFile() file: UploadedPhoto | undefined, @CurrentUser() user: Actor) {
    if (!file) throw new BadRequestException('send the photo as multipart/form-data in the field "file"');
    return present(await this.attachments.upload(id, file, user));
  }

  @Get('incidents/:id/attachments')
  @ApiOk(listOf(attachmentSchema))
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor) {
    const items = (await this.attachments.list(id, user)).map(present);
    return { items, total: items.length };
  }

  @Get('attachments/:id')
  @ApiOkResponse({ description: 'the photo', content: { 'image/jpeg': binary, 'image/png': binary, 'image/webp': binary } })
  async download(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: Actor, @Res({ passthrough: true }) res: Response) {
    const { attachment, stream } = await this.attachments.open(id, user);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: `inline; filename="${attachment.id}.${attachment.storageName.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(attachment.originalName)}`,
    });
  }
}
