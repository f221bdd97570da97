import { watchEffect } from 'vue';
import { useI18n } from 'vue-i18n';
import { LOCALE_STORAGE_KEY, LOCALES, type Locale } from '../i18n';

export function useLocale() {
  const { locale, t } = useI18n({ useScope: 'global' });

  function setLocale(next: Locale): void {
    locale.value = next;
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }

  function toggle(): void {
    const i = LOCALES.indexOf(locale.value as Locale);
    setLocale(LOCALES[(i + 1) % LOCALES.length]!);
  }

  /** Keep <html lang> and the tab title in the chosen language. Call once, in the root component. */
  function syncDocument(): void {
    watchEffect(() => {
      document.documentElement.lang = locale.value;
      document.title = t('app.title');
    });
  }

  return { locale, setLocale, toggle, syncDocument };
}
