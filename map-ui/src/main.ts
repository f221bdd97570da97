import { createApp } from 'vue';
import 'ol/ol.css';
import './styles/main.css';
import App from './App.vue';
import { createApiClient } from './api/client';
import { i18n } from './i18n';
import { API_KEY } from './keys';
import { currentToken, endSession } from './session';

const app = createApp(App);
app.use(i18n);
app.provide(
  API_KEY,
  createApiClient({
    getToken: () => currentToken(),
    // Any 401 on an authenticated call means the token is gone: back to the login form.
    onUnauthorized: () => endSession('expired'),
  }),
);
app.mount('#app');
