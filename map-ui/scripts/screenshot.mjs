#!/usr/bin/env node
// Logs in to a running GridHub, waits for the map-ready signal and saves a screenshot.
//   node map-ui/scripts/screenshot.mjs <baseUrl> <username> <password> <out.png> [--lang=zh-CN|en] [--select-incident]
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [baseUrl, username, password, out] = args.filter((a) => !a.startsWith('--'));
if (!baseUrl || !username || !password || !out) {
  console.error('usage: screenshot.mjs <baseUrl> <username> <password> <out.png> [--lang=zh-CN|en] [--select-incident]');
  process.exit(2);
}
const lang = [...flags].find((f) => f.startsWith('--lang='))?.slice('--lang='.length);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (lang) {
    await context.addInitScript((l) => localStorage.setItem('gridhub.locale', l), lang);
  }
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') console.error(`[browser ${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('#map[data-map-ready="true"]', { timeout: 30_000 });

  if (flags.has('--select-incident')) {
    const first = page.locator('[data-incident-id]').first();
    if ((await first.count()) > 0) {
      await first.click();
      await page.waitForSelector('[data-testid="map-popup"] .popup-rows', { timeout: 5_000 });
      await page.waitForTimeout(600); // the view animation (350 ms) and popup auto-pan
    }
  }

  const counts = await page.$eval('#map', (el) => ({
    grids: el.dataset.gridCount,
    devices: el.dataset.deviceCount,
    incidents: el.dataset.incidentCount,
    workers: el.dataset.workerCount,
  }));
  console.log(`map ready: ${JSON.stringify(counts)}`);
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
