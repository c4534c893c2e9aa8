// What every end-to-end test file shares: Debian's Chromium driven by playwright-core (never
// the `playwright` package, which downloads a browser of its own), and pages that record every
// console error and uncaught exception, the sweep worker's included.
import { before, after } from 'node:test';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8080/';
let browser;

/** Launch the browser before this file's tests and close it after them. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync('screenshots', { recursive: true });
  });
  after(async () => { await browser?.close(); });
}

/** A blank page of the shared browser. */
export const newPage = (options) => browser.newPage(options);

/** The page at `hash`, with the errors it reports (console errors, exceptions, the worker's). */
export async function open(hash = '') {
  const page = await newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker: ${m.text()}`); }));
  await page.goto(APP_URL + hash);
  return { page, errors };
}

/** The newest `wqsim` built in this checkout (release or debug), or undefined. */
export function wqsimBinary() {
  const builds = ['release', 'debug']
    .map((p) => fileURLToPath(new URL(`../target/${p}/wqsim`, import.meta.url)))
    .filter((p) => existsSync(p));
  builds.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return builds[0];
}
