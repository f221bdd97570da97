'use strict';
// CPU time of the machine's other programs (PostgreSQL, Mosquitto), read from /proc (Linux), so a benchmark can say
// where the machine's CPU went per message, not only the hub's share. Readable without privilege: /proc/<pid>/stat
// is world-readable.

const { readdirSync, readFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The fields after the command name of /proc/<pid>/stat (state is [0], utime [11], stime [12], cutime [13], cstime [14]). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(') ') + 2).split(' ');
}

/**
 * CPU seconds (user + system) used so far by every process whose command is `comm`, including, for the topmost
 * of them, the time of its children that have exited (PostgreSQL's backends come and go with the pool's
 * connections; their time is added to the postmaster's once it has reaped them). Null if none runs here.
 */
function programCpuSeconds(comm) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(entry);
    } catch {
      // gone meanwhile
    }
  }
  if (pids.length === 0) return null;
  const mine = new Set(pids);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = statFields(pid);
      ticks += Number(f[11]) + Number(f[12]);
      if (!mine.has(f[1])) ticks += Number(f[13]) + Number(f[14]); // the topmost: its exited children too
    } catch {
      // exited between the listing and the read: its time is in its parent's children's time
    }
  }
  return ticks / TICKS;
}

/** Starts measuring a program's CPU; `stop()` gives the seconds used since, or null if it does not run here. */
function programCpu(comm) {
  const before = programCpuSeconds(comm);
  return {
    stop() {
      const after = programCpuSeconds(comm);
      return before === null || after === null ? null : Math.max(0, after - before);
    },
  };
}

module.exports = { programCpu, programCpuSeconds, TICKS };
