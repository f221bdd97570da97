import { computed, type Ref } from 'vue';
import type { PopupContent } from './useFeaturePopup';
import { useLabels } from './useLabels';
import { useCategories } from './useCategories';

export interface PopupRow {
  label: string;
  value: string;
  /** code-like values are set in a monospace face */
  mono?: boolean;
}

export interface PopupView {
  kindLabel: string;
  title: string;
  rows: PopupRow[];
}

export function usePopupView(content: Readonly<Ref<PopupContent | null>>, gridName: (code: string | null) => string) {
  const L = useLabels();
  const { nameOf: categoryName } = useCategories();
  const { t } = L;

  return computed<PopupView | null>(() => {
    const c = content.value;
    if (!c) return null;
    const kindLabel = t(`popup.kind.${c.kind}`);
    switch (c.kind) {
      case 'grid':
        return {
          kindLabel,
          title: c.item.name,
          rows: [
            { label: t('fields.code'), value: c.item.code, mono: true },
            { label: t('fields.level'), value: L.gridLevel(c.item.level) },
            { label: t('fields.parent'), value: gridName(c.item.parentCode) },
          ],
        };
      case 'device':
        return {
          kindLabel,
          title: c.item.name,
          rows: [
            { label: t('fields.id'), value: c.item.id, mono: true },
            { label: t('fields.family'), value: L.family(c.item.family) },
            {
              label: t('fields.status'),
              value: !c.item.enabled ? t('device.disabled') : c.item.online === false ? t('device.offline') : c.item.online ? t('device.online') : t('device.enabled'),
            },
            { label: t('fields.grid'), value: gridName(c.item.gridCode) },
            {
              label: t('fields.lastSeen'),
              value: c.item.lastSeenAt ? L.dateTime(c.item.lastSeenAt, 'long') : t('fields.never'),
            },
          ],
        };
      case 'incident':
        return {
          kindLabel,
          title: c.item.title || c.item.code,
          rows: [
            { label: t('fields.code'), value: c.item.code, mono: true },
            { label: t('fields.category'), value: categoryName(c.item.category) },
            { label: t('fields.priority'), value: L.priority(c.item.priority) },
            { label: t('fields.status'), value: L.status(c.item.status) },
            { label: t('fields.source'), value: L.source(c.item.source) },
            { label: t('fields.grid'), value: gridName(c.item.gridCode) },
            { label: t('fields.assignee'), value: c.item.assigneeName ?? t('panel.unassigned') },
            ...(c.item.dueAt ? [{ label: t('fields.dueAt'), value: L.dateTime(c.item.dueAt, 'long') }] : []),
            { label: t('fields.createdAt'), value: L.dateTime(c.item.createdAt, 'long') },
          ],
        };
      case 'component':
        return {
          kindLabel,
          title: c.item.name,
          rows: [
            { label: t('fields.id'), value: c.item.id, mono: true },
            { label: t('component.class'), value: `${c.item.classCode} ${(String(L.locale.value).startsWith('zh') ? c.item.classNameZh : c.item.classNameEn) ?? ''}` },
            { label: t('fields.status'), value: t(`component.state.${c.item.state}`) },
            { label: t('component.owner'), value: c.item.departmentCode ?? '—' },
            { label: t('fields.grid'), value: gridName(c.item.gridCode) },
          ],
        };
      case 'worker':
        return {
          kindLabel,
          title: c.item.name,
          rows: [
            { label: t('fields.id'), value: c.item.id, mono: true },
            { label: t('fields.duty'), value: t(c.item.onDuty ? 'worker.onDuty' : 'worker.offDuty') },
            { label: t('fields.grid'), value: gridName(c.item.gridCode) },
          ],
        };
    }
  });
}
