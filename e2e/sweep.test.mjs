// The in-page sweep against the release build, served on loopback, in Debian's Chromium driven by
// playwright-core: the worker's numbers equal `wqsim sweep`'s, both charts draw, the page keeps
// stepping during a sweep, Stop and a new Start work, and a failing seed opens its run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open as openPage, useBrowser, wqsimBinary } from './browser.mjs';

useBrowser();

/** The page at `hash`, once the sweep panel is drawn. */
async function open(hash = '') {
  const opened = await openPage(hash);
  await opened.page.waitForSelector('#sweep');
  return opened;
}

// What `wqsim sweep` says, from the newest wqsim built in this checkout. Without one, the numbers
// measured with it on 2026-11-21 (`wqsim sweep page-lock-killable --variant V --seeds 0..2000 --json`).
const MEASURED = {
  'v4.13': { seeds: 2000, hits: 9, ci95: [0.0023692536086107156, 0.008530609933497604], first: [185, 189, 345, 624, 706] },
  'v5.8-handoff': { seeds: 2000, hits: 0, ci95: null, first: [] },
  'v4.13 lockers=3 signals=2': { seeds: 2000, hits: 15, ci95: null, first: [134, 248, 316, 467, 1015] },
};
function cliSweep(scenario, variant, seeds, params = []) {
  const bin = wqsimBinary();
  const key = [variant, ...params].join(' ');
  if (!bin) return { ...MEASURED[key], from: 'hard-coded (no target/*/wqsim)' };
  const args = ['sweep', scenario, '--variant', variant, '--seeds', seeds, ...params.flatMap((p) => ['--param', p]), '--json'];
  const out = JSON.parse(execFileSync(bin, args, { encoding: 'utf8' }));
  assert.equal(out.groups.length, 1);
  const g = out.groups[0];
  return { seeds: g.seeds, hits: g.verdicts.lost_wakeup, ci95: g.ci95, first: g.first_failing.map((f) => f.seed), from: bin };
}

/** Every variant's (lost wakeups, first failing seeds) from `wqsim sweep --all-variants`. */
const MEASURED_ALL = {
  'pipe-splice pct': { 'v5.8': [4, [1075, 1393, 2126, 2371]], 'v5.9': [0, []], 'josef-set-state-once': [0, []], 'v5.4-single-queue': [0, []] },
  'page-lock-killable timed': { 'v4.13': [45, [6, 22, 55, 75, 114]], 'a8b169afbf06': [0, []], 'v5.8-handoff': [0, []] },
};
function cliAll(scenario, strategy, seeds) {
  const bin = wqsimBinary();
  if (!bin) return MEASURED_ALL[`${scenario} ${strategy}`];
  const out = JSON.parse(execFileSync(bin, ['sweep', scenario, '--all-variants', '--strategy', strategy, '--seeds', seeds, '--json'], { encoding: 'utf8' }));
  return Object.fromEntries(out.groups.map((g) => [g.variant, [g.verdicts.lost_wakeup, g.first_failing.map((f) => f.seed)]]));
}

const state = (page) => page.getAttribute('#sweep', 'data-state');
const done = async (page) => Number(await page.getAttribute('#sweep-status', 'data-done'));
const stepNo = async (page) => Number((await page.textContent('#step')).match(/step (\d+)/)[1]);

/** Fill the form and press Start. */
async function sweep(page, { from = 0, to, all = false }) {
  await page.fill('#sweep-from', String(from));
  await page.fill('#sweep-to', String(to));
  await page.check(`input[name="sweep-variants"][value="${all ? 'all' : 'this'}"]`);
  await page.click('#sweep-start');
}
const finished = (page, timeout = 30000) =>
  page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#sweep')?.dataset.state), null, { timeout });

/** The results row of a variant, as numbers. */
async function row(page, variant) {
  const tr = page.locator(`#sweep-results tr[data-variant="${variant}"]`);
  return {
    seeds: Number(await tr.getAttribute('data-seeds')),
    hits: Number(await tr.getAttribute('data-hits')),
    ci95: [Number(await tr.getAttribute('data-ci-lo')), Number(await tr.getAttribute('data-ci-hi'))],
    first: (await tr.locator('button.seed').allTextContents()).map(Number),
  };
}

test('2,000 seeds of page-lock-killable v4.13: the numbers of wqsim sweep, both charts, and a failing seed to watch', async (t) => {
  const cli = cliSweep('page-lock-killable', 'v4.13', '0..2000');
  t.diagnostic(`wqsim sweep (${cli.from}): ${cli.hits} of ${cli.seeds} seeds lose a wakeup`);
  const { page, errors } = await open('#wq1/page-lock-killable/v4.13/random/0///0');
  await sweep(page, { to: 2000 });
  await finished(page);
  assert.equal(await state(page), 'done');
  const got = await row(page, 'v4.13');
  t.diagnostic(`page: ${got.hits} of ${got.seeds}; ${await page.textContent('#sweep-status')}`);
  assert.equal(got.seeds, 2000);
  assert.equal(got.hits, cli.hits);
  assert.ok(got.hits > 0, 'the buggy variant loses wakeups in 2,000 seeds');
  assert.deepEqual(got.first, cli.first);
  for (const i of [0, 1]) assert.ok(Math.abs(got.ci95[i] - cli.ci95[i]) < 1e-12, `Wilson bound ${i}: ${got.ci95[i]} vs ${cli.ci95[i]}`);
  assert.match(await page.textContent('.sweep-cli code'), /^wqsim sweep page-lock-killable --variant v4\.13 --strategy random --seeds 0\.\.2000/);
  // Both charts: SVG with labelled axes.
  const rate = await page.textContent('#sweep-chart-rate svg');
  assert.match(rate, /v4\.13/);
  assert.match(rate, new RegExp(`${cli.hits} of 2,000`));
  assert.match(rate, /seeds that lose a wakeup/);
  const steps = await page.textContent('#sweep-chart-steps svg');
  assert.match(steps, /steps until the run hangs/);
  assert.match(steps, /failing seeds/);
  assert.ok(await page.locator('#sweep-chart-steps svg rect').count() > 2, 'histogram bars');
  await page.locator('#sweep').screenshot({ path: process.env.SWEEP_SCREENSHOT ?? 'screenshots/sweep-panel.png' });
  // Watch the first failing seed: its run opens from the start, and the URL names it.
  const seed = cli.first[0];
  await page.click(`#sweep-results tr[data-variant="v4.13"] button.seed[data-seed="${seed}"]`);
  await page.waitForFunction((s) => location.hash.startsWith(`#wq1/page-lock-killable/v4.13/random/${s}/`), seed);
  assert.equal(await page.inputValue('#seed'), String(seed));
  assert.equal(await stepNo(page), 0);
  assert.match(await page.textContent('#verdict-hint'), /loses a wakeup at step \d+/);
  await page.keyboard.press('End');
  await page.waitForSelector('.banner.lost');
  assert.match(await page.textContent('#verdict'), /Lost wakeup: \S+ sleeps forever/);
  // The results stay for the next seed.
  assert.equal((await row(page, 'v4.13')).hits, cli.hits);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the fixed variant v5.8-handoff: 0 of 2,000 seeds lose a wakeup, as on the command line', async (t) => {
  const cli = cliSweep('page-lock-killable', 'v5.8-handoff', '0..2000');
  assert.equal(cli.hits, 0);
  const { page, errors } = await open('#wq1/page-lock-killable/v5.8-handoff/random/0///0');
  await sweep(page, { to: 2000 });
  await finished(page);
  const got = await row(page, 'v5.8-handoff');
  t.diagnostic(`page: ${got.hits} of ${got.seeds}`);
  assert.deepEqual([got.seeds, got.hits, got.first], [2000, 0, []]);
  if (cli.ci95) for (const i of [0, 1]) assert.ok(Math.abs(got.ci95[i] - cli.ci95[i]) < 1e-12);
  assert.match(await page.textContent('#sweep-chart-rate svg'), /0 of 2,000/);
  assert.match(await page.textContent('#sweep-chart-steps svg'), /No seed lost a wakeup/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the session\'s parameters: the sweep and the watched seed use them, as wqsim sweep --param does', async (t) => {
  const params = ['lockers=3', 'signals=2'];
  const cli = cliSweep('page-lock-killable', 'v4.13', '0..2000', params);
  const { page, errors } = await open('#wq1/page-lock-killable/v4.13/random/0/lockers=3,signals=2//0');
  await sweep(page, { to: 2000 });
  await finished(page);
  const got = await row(page, 'v4.13');
  t.diagnostic(`page: ${got.hits} of ${got.seeds}; wqsim sweep --param lockers=3 --param signals=2: ${cli.hits}`);
  assert.deepEqual([got.seeds, got.hits, got.first], [2000, cli.hits, cli.first]);
  assert.match(await page.textContent('.sweep-cli code'), /--param lockers=3 --param signals=2$/);
  await page.click(`#sweep-results button.seed[data-seed="${cli.first[0]}"]`);
  await page.waitForFunction((s) => location.hash === `#wq1/page-lock-killable/v4.13/random/${s}/lockers=3,signals=2//0`, cli.first[0]);
  await page.keyboard.press('End');
  await page.waitForSelector('.banner.lost');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [scenario, variant, strategy] of [['pipe-splice', 'v5.8', 'pct'], ['page-lock-killable', 'v4.13', 'timed']]) {
  test(`all variants of ${scenario} with the session's strategy (${strategy}): the numbers of wqsim sweep --all-variants`, async (t) => {
    const cli = cliAll(scenario, strategy, '0..3000');
    const { page, errors } = await open(`#wq1/${scenario}/${variant}/${strategy}/0///0`);
    await sweep(page, { to: 3000, all: true });
    await finished(page, 60000);
    assert.equal(await state(page), 'done');
    const variants = await page.$$eval('#sweep-results tbody tr', (rows) => rows.map((r) => r.dataset.variant));
    assert.deepEqual([...variants].sort(), Object.keys(cli).sort());
    for (const v of variants) {
      const got = await row(page, v);
      assert.equal(got.seeds, 3000);
      assert.deepEqual([got.hits, got.first], cli[v], v);
    }
    t.diagnostic(variants.map((v) => `${v}: ${cli[v][0]}`).join(', '));
    assert.match(await page.textContent('.sweep-cli code'), new RegExp(`--all-variants --strategy ${strategy} --seeds 0\\.\\.3000`));
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the page keeps stepping during a long sweep; Stop stops it; a new Start replaces one under way', async (t) => {
  const cli = cliSweep('page-lock-killable', 'v4.13', '0..2000');
  const { page, errors } = await open('#wq1/page-lock-killable/v4.13/random/0///0');
  await sweep(page, { to: 1000000, all: true });
  await page.waitForFunction(() => Number(document.querySelector('#sweep-status')?.dataset.done) > 0);
  assert.equal(await state(page), 'running');
  assert.match(await page.textContent('#sweep-status'), /of 1,000,000 seeds of each of 3 variants/);
  // Step with the keyboard while the worker runs: the step counter follows at once.
  const before = await done(page);
  assert.equal(await stepNo(page), 0);
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /step 3 \//.test(document.querySelector('#step')?.textContent), null, { timeout: 2000 });
  t.diagnostic(`3 steps during the sweep took ${Date.now() - t0} ms`);
  assert.equal(await state(page), 'running', 'the sweep was still under way while the page stepped');
  await page.waitForFunction((n) => Number(document.querySelector('#sweep-status').dataset.done) > n, before);
  // Stop.
  await page.click('#sweep-stop');
  await page.waitForFunction(() => document.querySelector('#sweep')?.dataset.state === 'stopped');
  const stoppedAt = await done(page);
  t.diagnostic(`stopped: ${await page.textContent('#sweep-status')}`);
  assert.ok(stoppedAt > 0 && stoppedAt < 1000000);
  assert.match(await page.textContent('#sweep-status'), /[\d,]+ runs\/s/);
  await page.waitForTimeout(400);
  assert.equal(await done(page), stoppedAt, 'nothing moves after Stop');
  assert.equal(await page.locator('#sweep-results tbody tr').count(), 3);
  // Start a long sweep, then replace it while it runs: only the new one's numbers show.
  await sweep(page, { to: 1000000 });
  await page.waitForFunction(() => Number(document.querySelector('#sweep-status')?.dataset.done) > 0);
  await sweep(page, { to: 2000 });
  await finished(page);
  assert.equal(await state(page), 'done');
  assert.equal(await done(page), 2000);
  assert.equal(await page.locator('#sweep-results tbody tr').count(), 1);
  assert.equal((await row(page, 'v4.13')).hits, cli.hits);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep over 1,000,000 seeds, or of no seeds, gets a clear message and does not start', async () => {
  const { page, errors } = await open('#wq1/pipe-splice/v5.8/random/0///0');
  await sweep(page, { from: 0, to: 1000001 });
  assert.match(await page.textContent('#sweep-problem'), /1,000,001 seeds is too many for the page: at most 1,000,000 seeds per sweep/);
  await sweep(page, { from: 5, to: 5 });
  assert.match(await page.textContent('#sweep-problem'), /are empty/);
  assert.equal(await page.locator('.sweep-run').count(), 0);
  assert.equal(await state(page), 'idle');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a worker that does not load is named, not waited for forever', async () => {
  const { page, errors } = await open('#wq1/page-lock-killable/v4.13/random/0///0');
  await page.route('**/sweep_worker_loader.js', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await sweep(page, { to: 2000 });
  await page.waitForFunction(() => document.querySelector('#sweep')?.dataset.state === 'failed', null, { timeout: 15000 });
  assert.match(await page.textContent('#sweep-error'), /did not answer within 10 s: is sweep_worker_loader\.js served next to the page\?/);
  // The page itself still works.
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#step'), /step 1 \//);
  // Only the browser's own report of the missing script.
  assert.ok(errors.every((e) => /404|sweep_worker_loader/.test(e)), errors.join('\n'));
  await page.close();
});
