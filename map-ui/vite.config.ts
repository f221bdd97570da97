import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The hub serves the built UI at `/` and the API beside it; in dev the Vite server forwards to it.
const HUB = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [vue()],
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
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // OpenLayers alone is ~500 kB minified; the app is a single console page, so one chunk is fine.
    chunkSizeWarningLimit: 1024,
  },
});
