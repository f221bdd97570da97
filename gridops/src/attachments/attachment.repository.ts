import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ImageType } from './image-type';

export interface Attachment {
  id: string;
  incidentId: string;
  storageName: string;
  originalName: string;
  contentType: ImageType;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

const SELECT = `select id, incident_id as "incidentId", storage_name as "storageName", original_name as "originalName",
  content_type as "contentType", size_bytes as "sizeBytes", sha256, uploaded_by as "uploadedBy", uploaded_at as "uploadedAt"
  from attachments`;

@Injectable()
export class AttachmentRepository {
  constructor(private readonly pool: Pool) {}

  async insert(a: Attachment): Promise<void> {
    await this.pool.query(
      `insert into attachments (id, incident_id, storage_name, original_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.id, a.incidentId, a.storageName, a.originalName, a.contentType, a.sizeBytes, a.sha256, a.uploadedBy, a.uploadedAt],
    );
  }

  async find(id: string): Promise<Attachment | null> {
    const { rows } = await this.pool.query<Attachment>(`${SELECT} where id = $1`, [id]);
    return rows[0] ?? null;
  }

  async ofIncident(incidentId: string): Promise<Attachment[]> {
    const { rows } = await this.pool.query<Attachment>(`${SELECT} where incident_id = $1 order by uploaded_at, id`, [incidentId]);
    return rows;
  }

  async findMany(ids: readonly string[]): Promise<Attachment[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<Attachment>(`${SELECT} where id = any($1::uuid[])`, [ids]);
    return rows;
  }
}
