import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * In-process notices about devices, for the broker: a revoked device's live session must end now; a device's
 * login changed (registered, enabled, disabled, new secret), so accounts issued to an engine must be rewritten.
 */
@Injectable()
export class DeviceEvents extends EventEmitter<{ revoked: [deviceId: string, reason: string]; changed: [deviceId: string] }> {}
