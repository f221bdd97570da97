import { SetMetadata } from '@nestjs/common';

export const KIOSK_ALLOWED = 'gridhub:kiosk-allowed';
/**
 * Marks a route a kiosk (wall-screen) access token may call. Every other route refuses it, whatever roles it
 * names or omits: the kiosk sees the overview's read-only data and nothing else.
 */
export const KioskAllowed = () => SetMetadata(KIOSK_ALLOWED, true);
