// The release build, served on loopback, in Debian's Chromium driven by playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8080/';
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

/** A page that records console errors and uncaught exceptions. */
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, errors };
}

test('the gallery shows every scenario with a lost wakeup on its default run', async () => {
  const { page, errors } = await open(APP_URL);
  await page.waitForSelector('#app-title');
  for (const id of ['check-then-sleep', 'pipe-splice', 'page-lock-killable']) {
    const text = await page.textContent(`[data-scenario="${id}"] .verdict`);
    assert.match(text, /lost wakeup/, id);
  }
  mkdirSync('screenshots', { recursive: true });
  await page.screenshot({ path: 'screenshots/home.png', fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
