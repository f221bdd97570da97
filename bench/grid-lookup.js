#!/usr/bin/env node
// Grid lookup benchmark (issue 5): 10,000 generated unit grids of ~100 m × 100 m (a 100 × 100 block, each
// cell a slightly irregular quadrilateral whose shared corners are jittered so edges are not axis-aligned),
// then point → unit grid lookups at random points over the block (and 5 % outside it), single-threaded, as
// GridLocatorService does them. Also measures the plain rbush + turf booleanPointInPolygon lookup for
// comparison, and checks both agree on every point. Goal: ≥ 1,000,000 lookups/s. No database, no hub.
//
//   npm run build && node bench/grid-lookup.js
//   BENCH_GRIDS_SIDE=100 BENCH_LOOKUPS=2000000 node bench/grid-lookup.js
'use strict';
const { writeResult, log, round } = require('./lib/common');

const SIDE = Number(process.env.BENCH_GRIDS_SIDE ?? 100);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 2_000_000);
const WEST = 112.4;
const NORTH = 37.95;
const CELL_LON = 0.00114;
const CELL_LAT = 0.0009;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same grids and points. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateGrids() {
  const random = rng(20261122);
  // Shared corners, jittered by up to 20 % of a cell: neighbours share edges exactly (no gaps, no overlaps).
  const corner = [];
  for (let r = 0; r <= SIDE; r++) {
    corner.push([]);
    for (let c = 0; c <= SIDE; c++) {
      const edge = r === 0 || c === 0 || r === SIDE || c === SIDE;
      const jx = edge ? 0 : (random() - 0.5) * 0.4 * CELL_LON;
      const jy = edge ? 0 : (random() - 0.5) * 0.4 * CELL_LAT;
      corner[r].push([Math.round((WEST + c * CELL_LON + jx) * 1e7) / 1e7, Math.round((NORTH - r * CELL_LAT + jy) * 1e7) / 1e7]);
    }
  }
  const grids = [];
  const pad = (n) => String(n).padStart(3, '0');
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      // 10 streets × 10 communities per district-sized block, 100 unit grids per community.
      const street = Math.floor(r / 10) + 1;
      const community = Math.floor(c / 10) + 1;
      const n = (r % 10) * 10 + (c % 10) + 1;
      const code = `140106${pad(street)}${pad(community)}${pad(n)}`;
      const ring = [corner[r][c], corner[r][c + 1], corner[r + 1][c + 1], corner[r + 1][c], corner[r][c]];
      grids.push({ code, name: code, level: 'grid', parentCode: code.slice(0, 12), geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  return grids;
}

function points(count) {
  const random = rng(7);
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const outside = random() < 0.05;
    xs[i] = WEST + (random() * (outside ? 1.2 : 1) - (outside ? 0.1 : 0)) * SIDE * CELL_LON;
    ys[i] = NORTH - (random() * (outside ? 1.2 : 1) - (outside ? 0.1 : 0)) * SIDE * CELL_LAT;
  }
  return { xs, ys };
}

function measure(name, locate, xs, ys, count) {
  let found = 0;
  for (let i = 0; i < Math.min(count, 200_000); i++) if (locate(xs[i], ys[i]) !== null) found++; // warm-up (JIT)
  found = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (locate(xs[i], ys[i]) !== null) found++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const perSecond = count / seconds;
  log(`${name}: ${count} lookups in ${round(seconds, 3)} s = ${Math.round(perSecond).toLocaleString('en')} lookups/s (${found} inside a grid)`);
  return { lookups: count, seconds: round(seconds, 3), lookupsPerSecond: Math.round(perSecond), found };
}

function main() {
  const { GridIndex } = require('@gridhub/gridops');
  const RBush = require('rbush');
  const booleanPointInPolygon = require('@turf/boolean-point-in-polygon').default;
  const grids = generateGrids();
  const t0 = process.hrtime.bigint();
  const index = new GridIndex(grids);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  log(`${index.size} unit grids indexed in ${round(buildMs, 1)} ms`);
  const { xs, ys } = points(LOOKUPS);

  // Reference: rbush candidates + turf, lowest code wins on a shared edge (the previous GridIndex).
  const tree = new RBush();
  tree.load(
    grids.map((g) => {
      const ring = g.geometry.coordinates[0];
      const lons = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      return { minX: Math.min(...lons), minY: Math.min(...lats), maxX: Math.max(...lons), maxY: Math.max(...lats), code: g.code, geometry: g.geometry };
    }),
  );
  const turfLocate = (x, y) => {
    let best = null;
    for (const c of tree.search({ minX: x, minY: y, maxX: x, maxY: y })) {
      if ((best === null || c.code < best) && booleanPointInPolygon([x, y], c.geometry)) best = c.code;
    }
    return best;
  };

  let disagreements = 0;
  for (let i = 0; i < 100_000; i++) if (index.locate(xs[i], ys[i]) !== turfLocate(xs[i], ys[i])) disagreements++;
  log(`GridIndex and rbush + turf disagree on ${disagreements} of 100,000 points`);

  const gridIndex = measure('GridIndex (bucket grid + typed-array point-in-polygon)', (x, y) => index.locate(x, y), xs, ys, LOOKUPS);
  const turf = measure('rbush + turf booleanPointInPolygon', turfLocate, xs, ys, Math.min(LOOKUPS, 500_000));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage1m: round(require('node:os').loadavg()[0], 1),
    cores: require('node:os').cpus().length,
    unitGrids: index.size,
    buildMs: round(buildMs, 1),
    gridIndex,
    rbushTurf: turf,
    disagreementsOf100k: disagreements,
    goal: '≥ 1,000,000 lookups/s over 10,000 unit grids',
    met: gridIndex.lookupsPerSecond >= 1_000_000,
  };
  console.log(JSON.stringify(result, null, 2));
  writeResult('grid-lookup', result);
  if (disagreements > 0) process.exit(1);
}

main();
