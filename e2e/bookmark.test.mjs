// Issue 12 on the page: the hashed page queue of page-wake-bookmark, shared by pages A and B.
// Opened at the link `wqsim run page-wake-bookmark` prints, at its race, then stepped back to
// the walk that broke: checked by the DOM, then in presentation mode at 1280x720.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, newPage, useBrowser } from './browser.mjs';

useBrowser();

// `wqsim run page-wake-bookmark` (the default variant, bookmark-head-order, and seed).
const LINK = '#wq1/page-wake-bookmark/bookmark-head-order/random/4594///28';

async function at(query, width, height) {
  const page = await newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(APP_URL + query + LINK);
  await page.waitForSelector('.lane');
  return { page, errors };
}

// innerText: without the glossary's hidden definitions of the terms in it.
const narration = (page) => page.innerText('.narration');

/** At the race, then from the start forward to the first step whose narration says the queue
 * lock was dropped: the first break of a walk. */
async function toTheFirstBreak(page) {
  // The link opens at the end: the banner's own button goes to the race.
  await page.click('#verdict button');
  await page.waitForSelector('#verdict');
  assert.match(await page.textContent('#verdict'), /Lost wakeup: W sleeps forever/);
  await page.keyboard.press('Home');
  for (let i = 0; i < 28 && !(await narration(page)).includes('lock dropped after'); i++) {
    await page.keyboard.press('ArrowRight');
  }
  return Number((await page.textContent('#step')).match(/step (\d+)/)[1]);
}

test('page-wake-bookmark: the bookmark, both pages\' entries, the lock dropped mid-walk', async () => {
  const { page, errors } = await at('', 1400, 1000);
  const step = await toTheFirstBreak(page);
  assert.equal(step, 13, 'HA\'s first walk breaks at step 13');
  const queue = page.locator('.queue[data-queue="page_wait_table[0]"]');
  // The bookmark is an entry of its own kind, HA's, where the walk will resume.
  const bookmarks = queue.locator('.entry[data-kind="bookmark"]');
  assert.equal(await bookmarks.count(), 1);
  assert.match(await bookmarks.first().textContent(), /HA.*BOOKMARK.*walk resumes/);
  assert.match(await bookmarks.first().getAttribute('aria-label'), /HA's bookmark: its walk resumes after it/);
  assert.equal(await bookmarks.first().getAttribute('data-page'), null, 'a bookmark waits for no page');
  // Entries of page A and page B are told apart: by name, and by colour.
  const pages = await queue.locator('.entry[data-kind="waiter"]').evaluateAll((els) => els.map((e) => ({
    task: e.querySelector('b').textContent, page: e.dataset.page, edge: getComputedStyle(e).borderLeftColor,
  })));
  const of = (p) => pages.filter((e) => e.page === p);
  assert.deepEqual(of('page_b').map((e) => e.task).sort(), ['B1', 'B2']);
  assert.deepEqual(of('page_a').map((e) => e.task), ['L']);
  assert.notEqual(of('page_a')[0].edge, of('page_b')[0].edge);
  // The bookmark stands after the two entries the walk visited.
  const order = await queue.locator('.entry:not(.leaving)').evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(order, ['waiter', 'waiter', 'bookmark', 'waiter']);
  // The lock: dropped by HA after 2 entries, and the narration explains the break.
  assert.equal(await queue.locator('.qlock').getAttribute('data-lock'), 'dropped');
  assert.match(await queue.locator('.qlock').textContent(), /lock dropped by HA after 2 entries/);
  assert.equal(await queue.locator('.wake.nobody').count(), 0, 'a paused walk has not woken nobody');
  const said = await narration(page);
  assert.match(said, /page_wait_table\[0\]'s lock dropped after 2 entries/);
  assert.match(said, /While the lock is dropped .*W.* may link or unlink themselves; then HA takes/);
  // One step on, W links itself in front of the bookmark while the lock stays dropped.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#step'), /step 16 \//);
  assert.equal(await queue.locator('.qlock').getAttribute('data-lock'), 'dropped');
  assert.match(await queue.locator('.qlock').textContent(), /HA's walk waits at its bookmark/);
  const now = await queue.locator('.entry:not(.leaving)').evaluateAll((els) => els.map((e) => `${e.querySelector('b').textContent}:${e.dataset.kind}`));
  assert.ok(now.indexOf('W:waiter') < now.indexOf('HA:bookmark'), `W queues in front of the bookmark: ${now}`);
  // The resumed walk holds the lock and ends: free, then held over the rest of the queue.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#step'), /step 19 \//);
  assert.equal(await queue.locator('.qlock').getAttribute('data-lock'), 'held');
  assert.equal(await queue.locator('.entry[data-kind="bookmark"]:not(.leaving)').count(), 0);
  // This walk, step 19, cleared PG_waiters under W: the timeline rings it, under the cursor, as
  // the step that lost the wakeup (L's unlock at step 24 only shows the loss).
  const ring = await page.locator('.timeline .mark.culprit').boundingBox();
  const cursor = await page.locator('.timeline .cursor').boundingBox();
  assert.ok(ring && ring.x <= cursor.x && cursor.x + cursor.width <= ring.x + ring.width,
    `the ring ${JSON.stringify(ring)} is not around step 19 (the cursor at ${JSON.stringify(cursor)})`);
  assert.match(await page.textContent('.legend'), /the step that lost it/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('page-wake-bookmark in presentation mode at 1280x720: the break on one screen', async () => {
  const { page, errors } = await at('?present', 1280, 720);
  await page.waitForSelector('main.present');
  await toTheFirstBreak(page);
  await page.waitForTimeout(400); // entries' animations
  for (const selector of ['.lane', '.queue', '.entry[data-kind="bookmark"]', '.qlock.dropped', '.narration', '.controls button']) {
    for (const b of await page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
      assert.ok(b.width > 0 && b.x >= -0.5 && b.y >= -0.5 && b.right <= 1280.5 && b.bottom <= 720.5,
        `${selector} at ${JSON.stringify(b)} is not on the screen`);
    }
  }
  assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight <= window.innerHeight), true);
  await page.screenshot({ path: 'screenshots/present-page-wake-bookmark-break-1280.png' });
  // At the race, the oracle's account open: the narration scrolls in its row, above the timeline.
  await page.keyboard.press('End');
  await page.click('.banner button >> text=jump to the race');
  await page.click('.banner summary');
  await page.waitForTimeout(300);
  const narration = await page.locator('.narration').boundingBox();
  const timeline = await page.locator('.timeline').boundingBox();
  assert.ok(narration.y + narration.height <= timeline.y + 0.5,
    `the narration (bottom ${narration.y + narration.height}) runs over the timeline (top ${timeline.y})`);
  assert.deepEqual(errors, []);
  await page.close();
});
