#!/usr/bin/env node
// Working-time arithmetic (issue 17): deadlines and supervision points on the calendar with China's holidays and
// make-up workdays (chinese-days data), as the hub computes them on every step and the console on every tick.
// No database, no hub.
//
//   npm run build && node bench/working-time.js
'use strict';
const c = require('../contracts/dist/index.js');
const days = require('chinese-days/dist/chinese-days.json');

const cal = c.workingCalendar({
  periods: c.parseWorkingHours(c.DEFAULT_WORKING_HOURS),
  utcOffsetMinutes: c.CHINA_UTC_OFFSET_MINUTES,
  holidays: Object.keys(days.holidays),
  workdays: Object.keys(days.workdays),
});
const base = Date.parse('2026-09-30T17:30:00+08:00');

function bench(name, n, f) {
  for (let i = 0; i < 1000; i++) f(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f(i);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`${name}: ${Math.round((n / ms) * 1000)} ops/s (${((ms * 1000) / n).toFixed(2)} µs each)`);
}

bench('addWorkingMinutes 240 min', 200_000, (i) => c.addWorkingMinutes(new Date(base + (i % 5000) * 60_000), 240, cal));
bench('addWorkingMinutes 2880 min', 100_000, (i) => c.addWorkingMinutes(new Date(base + (i % 5000) * 60_000), 2880, cal));
bench('workingMinutesBetween 1 day', 200_000, (i) => c.workingMinutesBetween(new Date(base + (i % 5000) * 60_000), new Date(base + 86_400_000), cal));
bench('workingMinutesBetween 365 days', 5000, (i) => c.workingMinutesBetween(new Date(base), new Date(base + 365 * 86_400_000 + i), cal));
