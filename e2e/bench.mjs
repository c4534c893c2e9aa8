// The page's quality figures (issue 4), measured on the release build in headless Chromium:
// the .wasm size (raw and gzip), the time from navigation to the first scenario drawn, the
// latency of one step at step 10,000 of a long run, the in-page sweep's seeds per second, and
// "Prove it" (the explorer in its worker) on the page-lock fix with 3 lockers and 3 signals.
// Prints figures; asserts nothing (targets are checked by reading them, as BENCHMARKS.md says,
// never in timed tests).
//
//   scripts/bench-page            (builds, serves and runs this)
//   APP_URL=http://127.0.0.1:8080/ DIST=../dist node bench.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8080/';
const DIST = process.env.DIST ?? '../dist';
const RUNS = Number(process.env.RUNS ?? 5);
const STEPS = Number(process.env.STEPS ?? 200);
// A 10,000-step run: four writers, 256 pages each, through a one-slot pipe (the fix, so it
// runs to the step limit), opened 100 steps before its end.
const LONG_RUN = process.env.LINK ?? '#wq1/pipe-splice/v5.9/random/3005/writes=256,writers=4,capacity=1//9900';

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

for (const f of readdirSync(DIST).filter((f) => f.endsWith('.wasm'))) {
  const bytes = readFileSync(`${DIST}/${f}`);
  console.log(`wasm ${f}: ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});

// Navigation to the first CPU lane in the DOM, each time in a fresh context (cold cache).
const firstDraw = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('.lane')) {
        window.__firstDraw = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(APP_URL);
  await page.waitForSelector('.lane');
  firstDraw.push(await page.evaluate(() => window.__firstDraw));
  if (i === 0) {
    // The workers load lazily: nothing of theirs is fetched with the page.
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name.split('/').pop()));
    console.log(`fetched at load: ${fetched.join(', ')}`);
  }
  await context.close();
}
console.log(`first scenario drawn: median ${median(firstDraw).toFixed(0)} ms, max ${Math.max(...firstDraw).toFixed(0)} ms (${RUNS} cold loads)`);

// One step: a key press, then the frame that shows it. `work` is the main thread's time for
// it: the script (keydown to the DOM updated) plus the frame's rendering (from its
// requestAnimationFrame to a task posted from there, which runs after style, layout and
// paint). `shown` is keydown to that frame done; it also holds the wait for the display's
// next frame (up to 16.7 ms at 60 Hz), which no page can avoid.
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(APP_URL + LONG_RUN);
await page.waitForSelector('.lane');
const at = (await page.textContent('#step')).trim();
const { work, shown } = await page.evaluate(async (steps) => {
  const step = document.querySelector('#step');
  const frame = () => new Promise((r) => requestAnimationFrame(() => {
    const start = performance.now();
    setTimeout(() => r(start), 0);
  }));
  const work = [];
  const shown = [];
  await frame();
  for (let i = 0; i < steps; i++) {
    const before = step.textContent;
    const t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft', bubbles: true }));
    for (let n = 0; step.textContent === before && n < 10000; n++) await Promise.resolve();
    const script = performance.now() - t0;
    const render = await frame();
    const done = performance.now();
    work.push(script + (done - render));
    shown.push(done - t0);
  }
  return { work, shown };
}, STEPS);
const stats = (xs) => `median ${median(xs).toFixed(1)} ms, p90 ${pct(xs, 0.9).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
console.log(`step at ${at}: work ${stats(work)}; shown ${stats(shown)} (${STEPS} steps)`);
// The in-page sweep: seeds per second in the web worker, from the panel's "done in" line.
for (const [hash, seeds] of [
  ['#wq1/page-lock-killable/v4.13/random/185///0', 1_000_000],
  ['#wq1/pipe-splice/v5.8/random/3005///0', 300_000],
]) {
  await page.goto(APP_URL + hash);
  await page.waitForSelector('#sweep-start');
  await page.fill('#sweep-to', String(seeds));
  await page.click('#sweep-start');
  await page.waitForFunction(
    (n) => document.querySelector('#sweep-status')?.dataset.done === String(n)
      && /done/.test(document.querySelector('#sweep-status').textContent),
    seeds, { timeout: 300_000 });
  console.log(`in-page sweep ${hash.split('/').slice(1, 3).join(' ')}: ${(await page.textContent('#sweep-status')).trim()}`);
}
// "Prove it": from the click to the worker's last report, and the worker's own clock.
for (let i = 0; i < 3; i++) {
  await page.goto(`${APP_URL}#wq1/page-lock-killable/v5.8-handoff/random/185/lockers=3,signals=3//0`);
  await page.waitForSelector('#prove');
  const t0 = Date.now();
  await page.click('#prove');
  await page.waitForSelector('#prove-status[data-state="proved"]', { timeout: 120_000 });
  const wall = Date.now() - t0;
  const ms = await page.getAttribute('#prove-status', 'data-ms');
  console.log(`prove it (page-lock v5.8-handoff lockers=3 signals=3): ${(await page.textContent('#prove-status')).trim()} worker ${ms} ms, click to result ${wall} ms`);
}
await browser.close();
