import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from './api/types';
import { sessionState } from './session';
import { homeOf } from './stores/session';
import { hashFromOverviewPath, keepKioskToken, storedKioskToken } from './overview-kiosk';

declare module 'vue-router' {
  interface RouteMeta {
    roles?: readonly Role[];
    /** A wall-screen page: no header, and open with a kiosk token instead of a login. */
    kiosk?: boolean;
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
  {
    path: '/overview',
    name: 'overview',
    component: () => import('./views/OverviewView.vue'),
    meta: { roles: [...COMMAND, 'bureau_analyst'], kiosk: true },
  },
  {
    path: '/catalogue',
    name: 'catalogue',
    component: () => import('./views/CatalogueView.vue'),
    meta: { roles: [...COMMAND, 'bureau_analyst'] },
  },
  { path: '/tablet', name: 'tablet', component: () => import('./views/TabletView.vue'), meta: { roles: ['grid_worker', 'supervisor'] } },
  { path: '/:rest(.*)*', name: 'home', redirect: () => ({ name: sessionState.value ? homeOf(sessionState.value.user.role) : 'login' }) },
];

// `/overview?kiosk=…` (the address a kiosk token is handed out with) becomes `/#/overview?kiosk=…` before the router reads it.
hashFromOverviewPath(window.location, window.history);
export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const user = sessionState.value?.user ?? null;
  if (to.meta.kiosk) {
    // A kiosk token in the address is kept (and taken out of the address); with one, no login is needed.
    const given = typeof to.query['kiosk'] === 'string' ? to.query['kiosk'] : null;
    if (given) {
      keepKioskToken(given);
      const { kiosk: _kiosk, ...query } = to.query;
      return { ...to, query, replace: true };
    }
    if (!user && storedKioskToken()) return true;
  }
  if (to.name === 'login') return user ? { name: homeOf(user.role) } : true;
  if (!user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return { name: homeOf(user.role) };
  return true;
});
