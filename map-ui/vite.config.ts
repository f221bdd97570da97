import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The hub serves the built UI at `/` and the API beside it; in dev the Vite server forwards to it.
const HUB = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [vue()],
  resolve: {
    // @gridhub/contracts (the AQI and water-class functions, incident rules, roles, wire types) is compiled from
    // its TypeScript source, the very code the server runs, so the map colours a station as the rules judge it.
    conditions: ['gridhub-source', 'module', 'browser', 'development|production'],
  },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: {
      '/api': HUB,
      '/health': HUB,
      '/mqtt': { target: HUB, ws: true },
      '/socket.io': { target: HUB, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // OpenLayers alone is ~500 kB minified and every view needs the map; ECharts and the views are split off.
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/ol/') || id.includes('node_modules/rbush') || id.includes('node_modules/earcut')) return 'ol';
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          return undefined;
        },
      },
    },
  },
});
