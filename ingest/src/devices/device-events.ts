import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** In-process notices about devices, for the broker: a revoked device's live session must end now. */
@Injectable()
export class DeviceEvents extends EventEmitter<{ revoked: [deviceId: string, reason: string] }> {}
