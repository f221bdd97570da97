import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from './api/types';
import { sessionState } from './session';
import { homeOf } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    roles?: readonly Role[];
  }
}

const COMMAND: readonly Role[] = ['admin', 'dispatcher', 'shift_lead'];

// Views are loaded on demand: a worker's tablet never downloads the console, the monitor brings its charts itself.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
  { path: '/console', name: 'console', component: () => import('./views/ConsoleView.vue'), meta: { roles: COMMAND } },
  {
    path: '/monitor',
    name: 'monitor',
    component: () => import('./views/MonitorView.vue'),
    meta: { roles: [...COMMAND, 'bureau_analyst'] },
  },
  { path: '/tablet', name: 'tablet', component: () => import('./views/TabletView.vue'), meta: { roles: ['grid_worker', 'supervisor'] } },
  { path: '/:rest(.*)*', name: 'home', redirect: () => ({ name: sessionState.value ? homeOf(sessionState.value.user.role) : 'login' }) },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const user = sessionState.value?.user ?? null;
  if (to.name === 'login') return user ? { name: homeOf(user.role) } : true;
  if (!user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return { name: homeOf(user.role) };
  return true;
});
