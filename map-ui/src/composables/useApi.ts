import { inject } from 'vue';
import { API_KEY } from '../keys';
import type { ApiClient } from '../api/client';

export function useApi(): ApiClient {
  const api = inject(API_KEY);
  if (!api) throw new Error('useApi(): no API client provided (app.provide(API_KEY, …))');
  return api;
}
