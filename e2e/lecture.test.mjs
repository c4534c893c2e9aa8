// The page in a lecture hall (issue 11), on the release build in Debian's Chromium: presentation
// mode fits each built-in race on one screen, the page stays usable at 150% zoom and on a phone,
// the lesson path, the fix beside the bug, "Prove it" in a worker, the embed snippet, the
// timeline, the glossary. Checked with element boxes, not pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { APP_URL, newPage, useBrowser } from './browser.mjs';

useBrowser();

// The built-in scenarios of the lesson path, each at the default run of its buggy variant (the
// verdict banner's "jump to the race" goes to its race step).
const RACES = [
  ['check-then-sleep', '#wq1/check-then-sleep/naive/random/2///0'],
  ['pipe-splice', '#wq1/pipe-splice/v5.8/random/3005///0'],
  ['page-lock-killable', '#wq1/page-lock-killable/v4.13/random/185///0'],
];
// The other built-in scenarios (the gallery's), the same way.
const MORE_RACES = [
  ['sleep-on', '#wq1/sleep-on/sleep-on/random/2///0'],
  ['wait-woken', '#wq1/wait-woken/state-after-test/random/84///0'],
  ['exclusive-starvation', '#wq1/exclusive-starvation/before-fix/random/345///0'],
  ['exclusive-event', '#wq1/exclusive-event/before-fix/random/185///0'],
  ['page-wake-bookmark', '#wq1/page-wake-bookmark/bookmark-head-order/random/4594///0'],
  // Lost only under x86-TSO: their links carry the memory model.
  ['set-current-state', '#wq1/set-current-state/__set_current_state/random/27///0/memory=tso'],
  ['waitqueue-active', '#wq1/waitqueue-active/no-barrier/random/34///0/memory=tso'],
];

/** A page of `width`x`height` (CSS pixels) at `link`, recording console errors and warnings. */
async function at(link, width, height, options = {}) {
  const page = await newPage({ viewport: { width, height }, ...options });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker: ${m.text()}`); }));
  await page.goto(APP_URL + link);
  await page.waitForSelector('main');
  return { page, errors };
}

const boxes = (page, selector) => page.locator(selector).evaluateAll((els) => els.map((e) => {
  const r = e.getBoundingClientRect();
  return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
}));

/** Every element of `selector` is drawn (not empty) and wholly inside the viewport. */
async function allOnScreen(page, selector, what) {
  const { width, height } = page.viewportSize();
  const list = await boxes(page, selector);
  assert.ok(list.length > 0, `${what}: no ${selector}`);
  for (const b of list) {
    assert.ok(b.width > 0 && b.height > 0, `${what}: ${selector} is not drawn`);
    assert.ok(b.x >= -0.5 && b.y >= -0.5 && b.right <= width + 0.5 && b.bottom <= height + 0.5,
      `${what}: ${selector} at ${JSON.stringify(b)} is not on the ${width}x${height} screen`);
  }
}

const noSidewaysScroll = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);

/** Go to the race step with the banner's button. */
async function jumpToRace(page) {
  await page.click('#verdict-hint button');
  await page.waitForSelector('#verdict');
}

for (const [width, height] of [[1280, 720], [1920, 1080]]) {
  for (const [scenario, link] of [...RACES, ...MORE_RACES]) {
    test(`presentation mode at ${width}x${height}: ${scenario}'s race on one screen`, async () => {
      const { page, errors } = await at(link, width, height);
      await page.waitForSelector('.lane');
      // The key, kept in the address (the query, beside the run's link).
      await page.keyboard.press('p');
      await page.waitForSelector('main.present');
      await page.waitForFunction(() => location.search === '?present');
      await jumpToRace(page);
      await page.waitForTimeout(400); // entries' animations
      const what = `${scenario} ${width}x${height}`;
      await allOnScreen(page, '.lane', what);
      // The lines around each task's position: the next line or the line it sleeps at.
      await allOnScreen(page, '.lane li.next, .lane li.asleep-in, .lane li.just-ran', what);
      // set-current-state wakes its waiter by name, with no wait queue.
      if (scenario !== 'set-current-state') await allOnScreen(page, '.queue', what);
      await allOnScreen(page, '.objects > :not(.queue)', what);
      if (link.endsWith('memory=tso')) await allOnScreen(page, '.store-buffer', what);
      await allOnScreen(page, '.timeline', what);
      await allOnScreen(page, '.narration', what);
      await allOnScreen(page, '.controls button', what);
      await allOnScreen(page, '#verdict', what);
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight <= window.innerHeight), true);
      assert.equal(await noSidewaysScroll(page), true);
      const code = await page.$eval('.listing li', (li) => parseFloat(getComputedStyle(li).fontSize));
      assert.ok(code >= (width >= 1920 ? 20 : 13), `code at ${code}px`);
      if (width === 1920 && scenario === 'pipe-splice') await page.screenshot({ path: 'screenshots/present-pipe-1920.png' });
      if (width === 1280) await page.screenshot({ path: `screenshots/present-${scenario}-1280.png` });
      // The button leaves it, and the address says so.
      await page.click('#present');
      await page.waitForSelector('main:not(.present)');
      await page.waitForFunction(() => location.search === '');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}

test('a link with ?present opens in presentation mode, and old links open the same run', async () => {
  const { page, errors } = await at('?present#wq1/pipe-splice/v5.8/random/3005///22', 1280, 720);
  await page.waitForSelector('main.present .lane');
  assert.match(await page.textContent('#step'), /step 22 \/ 41/);
  await page.close();
  const old = await at('#wq1/pipe-splice/v5.8/random/3005///22', 1280, 720);
  await old.page.waitForSelector('.lane');
  assert.equal(await old.page.$('main.present'), null);
  assert.match(await old.page.textContent('#step'), /step 22 \/ 41/);
  assert.deepEqual([...errors, ...old.errors], []);
  await old.page.close();
});

test('at 150% zoom (853x480 CSS pixels): no sideways scroll, code and queues side by side', async () => {
  for (const [scenario, link] of RACES) {
    const { page, errors } = await at(link, 853, 480, { deviceScaleFactor: 1.5 });
    await page.waitForSelector('.lane');
    await jumpToRace(page);
    assert.equal(await noSidewaysScroll(page), true, scenario);
    await page.evaluate(() => document.querySelector('.board').scrollIntoView());
    const [lane] = await boxes(page, '.lane .listing');
    const [queue] = await boxes(page, '.queue');
    assert.ok(lane.right <= queue.x, `${scenario}: the queues are beside the code`);
    for (const b of [lane, queue]) assert.ok(b.y < 480 && b.bottom > 0, `${scenario}: both on screen together`);
    if (scenario === 'pipe-splice') await page.screenshot({ path: 'screenshots/zoom150-pipe.png' });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('on a 390 px phone: no sideways scroll, and every control can be reached', async () => {
  for (const link of [...RACES.map(([, l]) => l), '', '#wq1/pipe-splice/v5.8/manual/0///0']) {
    const { page, errors } = await at(link, 390, 844, { isMobile: true, hasTouch: true });
    await page.waitForSelector('.lane');
    if (link.includes('random')) await jumpToRace(page);
    assert.equal(await noSidewaysScroll(page), true, link);
    const controls = await page.locator('button, select, input, textarea, summary, a[href]').evaluateAll((els) => els
      .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
      .map((e) => { const r = e.getBoundingClientRect(); return { what: e.outerHTML.slice(0, 60), x: r.x, right: r.right, w: r.width, h: r.height }; }));
    assert.ok(controls.length > 10);
    for (const c of controls) {
      assert.ok(c.w > 0 && c.h > 0 && c.x >= 0 && c.right <= 390.5, `${link}: ${c.what} at ${c.x}..${c.right}`);
    }
    if (link === RACES[2][1]) await page.screenshot({ path: 'screenshots/phone-page-lock.png', fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('the timeline: step numbers on an axis, the signalled task named, the lost mark on the sleeper\'s lane, the full width', async () => {
  const { page, errors } = await at(RACES[2][1], 1400, 1000);
  await page.waitForSelector('.timeline svg');
  await page.keyboard.press('End');
  const axis = await page.locator('.timeline .axis text').allTextContents();
  assert.deepEqual(axis.slice(0, 3), ['0', '1', '2']);
  assert.match((await page.locator('.timeline .sig-to').allTextContents()).join(' '), /→T1/);
  // The verdict names T2; its lane (the third, after H and T1) holds the lost mark.
  assert.match(await page.textContent('#verdict'), /T2/);
  const svg = (await boxes(page, '.timeline svg'))[0];
  const lost = (await boxes(page, '.timeline path.mark.lost'))[0];
  const lane = Math.floor((lost.y + lost.height / 2 - svg.y) / 22);
  assert.equal(lane, 2, 'the lost mark is on T2\'s lane');
  // A 13-step run uses the width of the timeline.
  const scroll = (await boxes(page, '.timeline .scroll'))[0];
  assert.ok(svg.width > scroll.width * 0.9, `${svg.width} of ${scroll.width}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the listing marks the line just run and the next line; a kernel term explains itself on hover and focus', async () => {
  const { page, errors } = await at('#wq1/pipe-splice/v5.8/random/3005///19', 1400, 1000);
  await page.waitForSelector('.lane');
  // Step 19 is R's: its lane marks the line it just ran and the next one, in words too.
  assert.match(await page.getAttribute('[data-task="R"] li.just-ran', 'data-mark'), /just ran/);
  assert.match(await page.getAttribute('[data-task="R"] li.next', 'data-mark'), /runs next/);
  const term = page.locator('.narration .term').first();
  const def = term.locator('.def');
  assert.equal(await def.isVisible(), false);
  await term.hover();
  assert.equal(await def.isVisible(), true);
  assert.ok((await def.innerText()).length > 20);
  await page.mouse.move(0, 0);
  await term.focus();
  assert.equal(await def.isVisible(), true);
  // The verdict leads with one short sentence; the oracle's account is one click away.
  await page.keyboard.press('End');
  const headline = await page.innerText('#verdict .headline strong');
  assert.ok(headline.split(/\s+/).length <= 8, headline);
  const why = page.locator('#verdict details.why');
  assert.equal(await why.getAttribute('open'), null);
  await why.locator('summary').click();
  assert.match(await why.innerText(), /Lost at step 22/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('you schedule: a greyed choice says why', async () => {
  const { page, errors } = await at('#wq1/pipe-splice/v5.8/manual/0///0', 1400, 1000);
  await page.waitForSelector('.choose');
  await page.click('button[aria-label="run W\'s next step"]');
  await page.click('button[aria-label="run W\'s next step"]');
  const r = page.locator('button[aria-label="run R\'s next step"]');
  assert.equal(await r.isDisabled(), true);
  assert.match(await r.getAttribute('title'), /R waits for pipe->mutex, held by W/);
  assert.match(await page.innerText('[data-task="R"] .why-not'), /R waits for pipe->mutex, held by W/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the lesson path: a story and a goal, a score against the shortest race, break the fix, prove it; progress is kept', async () => {
  const { page, errors } = await at('', 1400, 1000);
  await page.waitForSelector('.lesson');
  assert.match(await page.innerText('.lesson'), /Lesson 1 of 3/);
  assert.match(await page.innerText('.lesson .goal'), /Make A sleep forever/);
  await page.waitForFunction(() => location.search === '?lesson=1');
  for (const task of ['A', 'B', 'B', 'A', 'A']) await page.click(`button[aria-label="run ${task}'s next step"]`);
  await page.waitForSelector('#lesson-score');
  assert.match(await page.innerText('#lesson-score'), /Goal met: A sleeps forever/);
  assert.equal(await page.getAttribute('#lesson-score .stars', 'aria-label'), '3 of 3 stars');
  await page.click('#break-the-fix');
  await page.waitForFunction(() => location.hash.includes('/set-state-first/manual/'));
  assert.match(await page.innerText('.lesson .goal'), /Now break the fix/);
  await page.click('#prove');
  await page.waitForSelector('#prove-status[data-state="proved"]');
  assert.match(await page.innerText('#prove-status'), /complete: no lost wakeup in 21 states/);
  await page.waitForSelector('#lesson-done');
  // The next visit starts at lesson 2; the gallery is one click away.
  await page.goto(APP_URL);
  await page.waitForSelector('.lesson');
  assert.match(await page.innerText('.lesson'), /Lesson 2 of 3/);
  assert.match(await page.innerText('.lesson .path'), /✓ 1\./);
  await page.click('#gallery');
  await page.waitForSelector('.card');
  // Every built-in scenario is in the gallery, the lessons' and the others.
  const cards = await page.locator('.card h2').allTextContents();
  assert.equal(cards.length, RACES.length + MORE_RACES.length);
  for (const [scenario] of [...RACES, ...MORE_RACES]) {
    assert.equal(await page.locator(`.card[data-scenario="${scenario}"]`).count(), 1, scenario);
  }
  await page.screenshot({ path: 'screenshots/gallery.png', fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 2: Josef Bacik\'s 34 steps, played by hand, are the shortest race (three stars)', async () => {
  const { page, errors } = await at('?lesson=2', 1400, 1000);
  await page.waitForSelector('.lesson');
  assert.match(await page.innerText('.lesson .goal'), /Make R sleep forever/);
  await page.waitForFunction(() => /^\?lesson=2$/.test(location.search) && location.hash.includes('/pipe-splice/v5.8/manual/0/writes=3/'));
  // W*6 R*11 W R*3 W*13 (reference §1.4)
  const schedule = [['W', 6], ['R', 11], ['W', 1], ['R', 3], ['W', 13]].flatMap(([t, n]) => Array(n).fill(t));
  for (const task of schedule) await page.click(`button[aria-label="run ${task}'s next step"]`);
  await page.waitForSelector('#lesson-score');
  assert.match(await page.innerText('#lesson-score'), /Goal met: R sleeps forever/);
  assert.equal(await page.getAttribute('#lesson-score .stars', 'aria-label'), '3 of 3 stars');
  assert.match(await page.innerText('#lesson-score'), /34 steps: as short as a race can be/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the fix beside the bug: the same schedule in lockstep, the first step where they differ, and why', async () => {
  const { page, errors } = await at('#wq1/pipe-splice/v5.8/random/3005///0', 1400, 1000);
  await page.waitForSelector('.lane');
  await page.click('#compare');
  await page.waitForSelector('.compare-view');
  await page.waitForFunction(() => location.search === '?compare');
  const sides = await page.locator('.side').evaluateAll((els) => els.map((e) => e.dataset.variant));
  assert.deepEqual(sides, ['v5.8', 'v5.9']);
  assert.match(await page.innerText('#differ'), /First difference: step \d+\./);
  await page.click('#differ button');
  const step = Number((await page.innerText('#differ')).match(/step (\d+)/)[1]);
  assert.match(await page.textContent('#step'), new RegExp(`step ${step} /`));
  assert.equal(await page.locator('#differ.here').count(), 1);
  // Lockstep: a step moves both.
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#step'), new RegExp(`step ${step + 1} /`));
  assert.equal(await page.locator('.side .lane.ran').count() >= 1, true);
  await page.screenshot({ path: 'screenshots/compare-pipe.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Prove it: the page-lock fix with 3 lockers and 3 signals, in a worker, with live progress, in under 10 s', async () => {
  const { page, errors } = await at('#wq1/page-lock-killable/v5.8-handoff/random/185/lockers=3,signals=3//0', 1400, 1000);
  await page.waitForSelector('#prove');
  const started = Date.now();
  await page.click('#prove');
  await page.waitForSelector('#prove-status[data-state="running"]');
  const live = Number(await page.getAttribute('#prove-status', 'data-states'));
  await page.waitForSelector('#prove-status[data-state="proved"]', { timeout: 60_000 });
  const wall = Date.now() - started;
  const text = await page.innerText('#prove-status');
  assert.match(text, /complete: no lost wakeup in 58,748 states/);
  const ms = Number(await page.getAttribute('#prove-status', 'data-ms'));
  console.log(`# proof: ${text} (worker ${ms} ms, click to result ${wall} ms; a progress report at ${live} states)`);
  assert.ok(ms < 10_000, `${ms} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Prove it: Stop ends a long proof at once; a buggy variant ends in its shortest race, opened in the page', async () => {
  const { page, errors } = await at('#wq1/page-lock-killable/v5.8-handoff/random/185/lockers=4,signals=4//0', 1400, 1000);
  await page.waitForSelector('#prove');
  await page.click('#prove');
  await page.waitForSelector('#prove-status[data-state="running"]');
  await page.click('#prove-stop');
  await page.waitForSelector('#prove-status[data-state="stopped"]');
  const after = await page.getAttribute('#prove-status', 'data-states');
  await page.waitForTimeout(500);
  assert.equal(await page.getAttribute('#prove-status', 'data-states'), after, 'no report after Stop');
  assert.match(await page.innerText('#prove-status'), /Stopped after .* states: incomplete/);
  await page.evaluate(() => { location.hash = '#wq1/pipe-splice/v5.8/random/3005/writes=3//0'; });
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 0 /'));
  await page.click('#prove');
  await page.waitForSelector('#prove-status[data-state="found"]', { timeout: 60_000 });
  assert.match(await page.innerText('#prove-status'), /lost wakeup: a shortest counterexample of 34 steps/);
  await page.click('#prove-open');
  await page.waitForSelector('.banner.lost');
  await page.waitForFunction(() => /^#wq1\/pipe-splice\/v5\.8\/manual\/0\/writes=3\/[A-Za-z0-9_-]+\/\d+$/.test(location.hash));
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed: the snippet is an iframe of the run in the compact layout, and it works on a course page', async () => {
  const { page, errors } = await at('#wq1/check-then-sleep/naive/random/2///3', 1400, 1000);
  await page.waitForSelector('.lane');
  await page.click('#embed');
  const snippet = await page.inputValue('#embed-code');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed#wq1\/check-then-sleep\/naive\/random\/2\/\/\/3" /);
  // A course page on another origin (a server of its own), with the snippet pasted in.
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html><head><title>Lecture 7</title></head><body><h1>Lecture 7: wait queues</h1>${snippet}</body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const course = await newPage({ viewport: { width: 1200, height: 900 } });
  const courseErrors = [];
  course.on('pageerror', (e) => courseErrors.push(String(e)));
  course.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') courseErrors.push(m.text()); });
  await course.goto(`http://127.0.0.1:${server.address().port}/lecture-7.html`);
  const frame = course.frameLocator('iframe');
  await frame.locator('main.embed .lane').first().waitFor();
  assert.match(await frame.locator('#step').textContent(), /step 3 \/ 5/);
  await frame.locator('button[aria-label="step forward (→)"]').click();
  assert.match(await frame.locator('#step').textContent(), /step 4 \/ 5/);
  // The compact layout: no pickers, no sweep; a link to the run in the full page.
  assert.equal(await frame.locator('#scenario, .sweep').count(), 0);
  const full = await frame.locator('.bar .brand').getAttribute('href');
  assert.match(full, /\/#wq1\/check-then-sleep\/naive\/random\/2\/\/\/4$/);
  const frameBox = await course.locator('iframe').boundingBox();
  const inner = await frame.locator('main').evaluate((m) => m.ownerDocument.scrollingElement.scrollWidth);
  assert.ok(inner <= frameBox.width, 'no sideways scroll in the frame');
  await course.screenshot({ path: 'screenshots/embed.png' });
  assert.deepEqual([...errors, ...courseErrors], []);
  await course.close();
  server.close();
  await page.close();
});
