import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export interface DeadLetter {
  id: string;
  receivedAt: Date;
  deviceId: string | null;
  topic: string;
  reason: string;
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
}

@Injectable()
export class DeadLetterRepository {
  constructor(private readonly pool: Pool) {}

  async list(deviceId: string | undefined, limit: number): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<DeadLetter>(
      `select id::text, received_at as "receivedAt", device_id as "deviceId", topic, reason, payload,
              payload_encoding as "payloadEncoding"
         from dead_letters where ($1::text is null or device_id = $1) order by id desc limit $2`,
      [deviceId ?? null, limit],
    );
    return rows;
  }
}
