import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'gridhub:public';
/** Marks a route that needs no bearer token (login, health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
