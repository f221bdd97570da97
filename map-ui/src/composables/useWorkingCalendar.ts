import { shallowRef } from 'vue';
import { calendarFromData, type WorkingCalendar, type WorkingCalendarData } from '@gridhub/contracts';
import { api } from '../api';

const calendar = shallowRef<WorkingCalendar | null>(null);
let loading: Promise<void> | null = null;

/**
 * The city's working calendar (GET /working-calendar: working hours, holidays, make-up workdays), loaded once,
 * for countdowns in working time (工作时) with the same arithmetic the server uses (@gridhub/contracts). Null
 * until loaded (or when the hub does not serve it): countdowns then show natural time.
 */
export function useWorkingCalendar() {
  if (!calendar.value && !loading) {
    loading = api
      .get<WorkingCalendarData>('/working-calendar')
      .then((data) => void (calendar.value = calendarFromData(data)))
      .catch(() => undefined)
      .finally(() => (loading = null));
  }
  return calendar;
}
