import type { InjectionKey } from 'vue';
import type { ApiClient } from './api/client';
import type { MapContext } from './map/context';

export const API_KEY: InjectionKey<ApiClient> = Symbol('gridhub.api');
export const MAP_KEY: InjectionKey<MapContext> = Symbol('gridhub.map');
