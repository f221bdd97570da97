import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/** Debian's Chromium, headless; WebGL runs on SwiftShader (the sensor layer is WebGL). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own storage: own session and outbox) at a 1280×800 tablet/console size. */
export async function newPage(
  browser: Browser,
  options: { locale?: 'zh-CN' | 'en'; geolocation?: { longitude: number; latitude: number }; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    ...(options.geolocation ? { geolocation: options.geolocation, permissions: ['geolocation'] } : {}),
  });
  if (options.locale) await context.addInitScript((l) => localStorage.setItem('gridhub.locale', l), options.locale);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

export async function mapReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('#map[data-map-ready="true"]', { timeout });
}

/**
 * Waits until the map has drawn what the last action changed: two animation frames (a change schedules its render in
 * the next one), then until the map says its render is complete again. Used before screenshots instead of a sleep.
 */
export async function mapSettled(page: Page, timeout = 15_000): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.waitForSelector('#map[data-rendering="false"]', { timeout });
}

export async function mapCounts(page: Page): Promise<Record<string, number>> {
  return page.$eval('#map', (el) => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries((el as HTMLElement).dataset)) {
      const m = /^(\w+)Count$/.exec(k);
      if (m) out[m[1]!] = Number(v);
    }
    return out;
  });
}

/** How the sensor layer draws at the current zoom: `street`, `community` or `grid` (counted per unit) or `points`. */
export async function sensorLevel(page: Page): Promise<string | undefined> {
  return page.$eval('#map', (el) => (el as HTMLElement).dataset['sensorLevel']);
}

/** How many sensors are drawn as single points (the ones in view when zoomed in, none when zoomed out). */
export async function sensorPoints(page: Page): Promise<number> {
  return page.$eval('#map', (el) => Number((el as HTMLElement).dataset['sensorPoints']));
}

/** A small real JPEG (1×1 px) for photo uploads. */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=',
  'base64',
);
