import { useI18n } from 'vue-i18n';
import type { LoadError } from '../stores/errors';
import type { DeviceFamily, GridLevel, IncidentPriority, Role } from '../api/types';

/**
 * Translations of domain values. Open-ended values from the hub (incident status, category, source)
 * are shown as sent when there is no translation for them yet.
 */
export function useLabels() {
  const { t, te, d, n, locale } = useI18n();

  const known = (group: string, value: string | null | undefined): string => {
    if (value === null || value === undefined || value === '') return '—';
    const key = `${group}.${value}`;
    return te(key) ? t(key) : value;
  };

  const dateTime = (iso: string | null | undefined, format: 'short' | 'long' | 'time' = 'short'): string => {
    if (!iso) return '—';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : d(date, format);
  };

  /** "Could not load devices: HTTP 500 · message" */
  const loadError = ({ key, error }: LoadError): string => {
    let reason: string;
    if (error.kind === 'network') reason = t('errors.network');
    else if (error.kind === 'format') reason = t('errors.format', { message: error.message });
    else {
      reason = t('errors.http', { status: error.status });
      if (error.message && !error.message.startsWith('HTTP ')) reason += ` · ${error.message}`;
    }
    return t('errors.load', { what: t(`errors.what.${key}`), reason });
  };

  return {
    t,
    loadError,
    locale,
    family: (f: DeviceFamily) => known('family', f),
    priority: (p: IncidentPriority) => known('priority', p),
    role: (r: Role) => known('roles', r),
    gridLevel: (l: GridLevel | 'city') => known('gridLevel', l),
    status: (s: string) => known('incidentStatus', s),
    category: (c: string) => known('category', c),
    source: (s: string) => known('source', s),
    dateTime,
    metric: (m: string) => known('metric', m),
    action: (a: string) => known('action', a),
    number: (v: number | null | undefined, digits = 2) =>
      v === null || v === undefined || !Number.isFinite(v) ? '—' : n(Number(v.toFixed(digits))),
  };
}
