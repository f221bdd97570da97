import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'ol/ol.css';
import './styles/main.css';
import App from './App.vue';
import { api } from './api';
import { i18n } from './i18n';
import { API_KEY } from './keys';
import { router } from './router';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);
app.provide(API_KEY, api);
app.mount('#app');
