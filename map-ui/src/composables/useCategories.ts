import { computed, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { api } from '../api';
import type { IncidentCategory } from '../api/types';

const categories = shallowRef<IncidentCategory[] | null>(null);
let loading: Promise<void> | null = null;

/** The city's incident categories (GET /incident-categories), loaded once; names in the current language. */
export function useCategories() {
  const { locale, t, te } = useI18n();
  if (!categories.value && !loading) {
    loading = api
      .categories()
      .then((list) => void (categories.value = list))
      .catch(() => void (categories.value = []))
      .finally(() => (loading = null));
  }
  const nameOf = (code: string): string => {
    const c = categories.value?.find((x) => x.code === code);
    const fromHub = locale.value === 'en' ? c?.nameEn : c?.nameZh;
    if (fromHub) return fromHub;
    return te(`category.${code}`) ? t(`category.${code}`) : code;
  };
  return { categories, nameOf, codes: computed(() => (categories.value ?? []).map((c) => c.code)) };
}
