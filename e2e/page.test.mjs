// The release build, served on loopback, in Debian's Chromium driven by playwright-core:
// what a student does with the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, newPage, open, useBrowser } from './browser.mjs';

useBrowser();

const stepText = (page) => page.textContent('#step');
const hash = (page) => page.evaluate(() => location.hash);

for (const [scenario, buggy, fix] of [
  ['check-then-sleep', 'naive', 'set-state-first'],
  ['pipe-splice', 'v5.8', 'v5.9'],
  ['page-lock-killable', 'v4.13', 'v5.8-handoff'],
  ['sleep-on', 'sleep-on', 'b8780c363d80'],
  ['wait-woken', 'state-after-test', '61ada528dea0'],
  ['exclusive-starvation', 'before-fix', '777c6c5f1f6e'],
  ['exclusive-event', 'before-fix', 'b1ea06a90f52'],
  ['page-wake-bookmark', 'bookmark-head-order', 'v4.14-bookmark'],
]) {
  test(`${scenario}: step to the lost wakeup on ${buggy}, then watch ${fix} survive the same steps`, async () => {
    const { page, errors } = await open();
    await page.waitForSelector('#scenario');
    await page.selectOption('#scenario', scenario);
    await page.waitForFunction((s) => location.hash.includes(`/${s}/`), scenario);
    assert.equal(await page.inputValue('#variant'), buggy);
    // The default seed of every scenario loses a wakeup: jump there with the keyboard.
    await page.keyboard.press('End');
    await page.waitForSelector('.banner.lost');
    assert.match(await page.textContent('#verdict'), /Lost wakeup: \S+ sleeps forever/);
    await page.click('#verdict button');
    const lostAt = Number((await stepText(page)).match(/step (\d+)/)[1]);
    assert.ok((await page.textContent('.narration')).includes('The wakeup is lost here'));
    await page.screenshot({ path: `screenshots/${scenario}-lost.png` });
    // Same choices up to here, on the fix.
    await page.selectOption('#variant', fix);
    await page.waitForFunction((f) => location.hash.includes(`/${f}/`), fix);
    assert.match(await stepText(page), new RegExp(`step ${lostAt} /`));
    await page.keyboard.press('End');
    await page.waitForSelector('.banner.ok');
    assert.equal(await page.$('.banner.lost'), null);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the page loads without a console warning or error', async () => {
  const page = await newPage();
  const messages = [];
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') messages.push(m.text()); });
  page.on('pageerror', (e) => messages.push(String(e)));
  await page.goto(APP_URL);
  await page.waitForSelector('.lane');
  // The landing page is the first lesson; once it has written its address, open a run.
  await page.waitForFunction(() => location.search === '?lesson=1' && location.hash.startsWith('#wq1/'));
  await page.evaluate(() => { location.hash = '#wq1/check-then-sleep/naive/random/2///0'; });
  await page.waitForSelector('#verdict-hint');
  await page.keyboard.press('End');
  await page.waitForSelector('.banner.lost');
  assert.deepEqual(messages, []);
  await page.close();
});

test('step back and forth with the keyboard and the buttons; the URL follows', async () => {
  const { page, errors } = await open('#wq1/check-then-sleep/naive/random/2///0');
  await page.waitForSelector('.lane');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.match(await stepText(page), /step 2 \//);
  await page.click('button[aria-label="step back (←)"]');
  assert.match(await stepText(page), /step 1 \//);
  await page.waitForFunction(() => location.hash.endsWith('/1'));
  await page.keyboard.press('Home');
  assert.match(await stepText(page), /step 0 \//);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a share link opens the exact run at the exact step', async () => {
  const link = '#wq1/pipe-splice/v5.8/random/3005///19';
  const { page, errors } = await open(link);
  await page.waitForSelector('.lane');
  assert.match(await stepText(page), /step 19 \/ 41/);
  assert.equal(await hash(page), link);
  // R has re-armed its sleep: only on wr_wait now, rd_wait empty.
  assert.match(await page.textContent('[data-queue="pipe->rd_wait"]'), /empty/);
  assert.match(await page.textContent('[data-queue="pipe->wr_wait"]'), /R/);
  assert.match(await page.textContent('[data-task="R"] .state'), /INTERRUPTIBLE/);
  await page.screenshot({ path: 'screenshots/home.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

/** wait-woken step 8: W's wake_up(&wq) calls R's wake function, which returns 0 (R is still
 * RUNNING): the wakeup woke nobody, and says whom it passed over, with its cross at R's entry. */
async function passedOver() {
  const { page, errors } = await open('#wq1/wait-woken/state-after-test/random/84///8');
  await page.waitForSelector('.lane');
  const wq = page.locator('[data-queue="wq"]');
  assert.match(await wq.locator('.wake').textContent(), /W: wake_up\(wq\) woke nobody: passed over R/);
  const cross = await wq.locator('.arrow-layer.nobody .cross').boundingBox();
  const entry = await wq.locator('.entry', { hasText: 'R' }).first().boundingBox();
  assert.ok(cross.x >= entry.x && cross.x + cross.width <= entry.x + entry.width, `cross ${JSON.stringify(cross)} in entry ${JSON.stringify(entry)}`);
  await page.close();
  return errors;
}

test('a wakeup is an arrow from the waker to the entry it woke; one that woke nobody ends in a cross at the empty head, or at each entry it passed over', async () => {
  const { page, errors } = await open('#wq1/pipe-splice/v5.8/random/3005///18');
  await page.waitForSelector('.lane');
  // Step 18: W's late wake_up(rd_wait) wakes R, and autoremove unlinks R's entry.
  const rd = page.locator('[data-queue="pipe->rd_wait"]');
  assert.match(await rd.locator('.wake').textContent(), /W: wake_up\(pipe->rd_wait\) woke R/);
  assert.equal(await rd.locator('.arrow-layer:not(.nobody) path[marker-end]').count(), 1);
  assert.equal(await rd.locator('.entry.leaving.woken-now').count(), 1);
  // Step 28: the same wakeup finds rd_wait empty.
  await page.evaluate(() => { location.hash = '#wq1/pipe-splice/v5.8/random/3005///28'; });
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 28 /'));
  assert.match(await rd.locator('.wake').textContent(), /woke nobody/);
  assert.equal(await rd.locator('.arrow-layer.nobody').count(), 1);
  assert.equal(await rd.locator('.arrow-layer.nobody .cross').count(), 1, 'one cross, at the empty head');
  errors.push(...await passedOver());
  // R sleeps in schedule() and will resume at the line after it.
  // (innerText: the text on screen, without the glossary's hidden definitions)
  assert.match(await page.innerText('[data-task="R"] li.asleep-in'), /schedule\(\)/);
  assert.match(await page.innerText('[data-task="R"] li.resume'), /finish_wait/);
  // At the end W sleeps in ___wait_event()'s schedule(), and its loop resumes at the top.
  await page.evaluate(() => { location.hash = '#wq1/pipe-splice/v5.8/random/3005///41'; });
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 41 /'));
  assert.match(await page.innerText('[data-task="W"] li.asleep-in'), /schedule\(\)/);
  assert.match(await page.innerText('[data-task="W"] li.resume'), /prepare_to_wait_event/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a click on the timeline goes to that step', async () => {
  const { page, errors } = await open('#wq1/pipe-splice/v5.8/random/3005///0');
  await page.waitForSelector('.timeline svg');
  // Above the sticky step controls.
  await page.evaluate(() => document.querySelector('.timeline').scrollIntoView({ block: 'center' }));
  const box = await page.locator('.timeline svg').boundingBox();
  const stepW = Math.floor(box.width / 43); // 41 steps, plus a step's width at each end
  await page.mouse.click(box.x + 18.5 * stepW, box.y + 5);
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 18 /'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('scenario parameters: a link keeps them, the header changes them', async () => {
  const { page, errors } = await open('#wq1/page-lock-killable/a8b169afbf06/random/109/lockers=3,signals=1//0');
  await page.waitForSelector('.lane');
  assert.equal(await page.inputValue('#param-lockers'), '3');
  assert.equal(await page.locator('.lane').count(), 4);
  // The June 2020 hole needs three lockers: this seed finds it.
  await page.click('text=jump to the race');
  await page.waitForSelector('.banner.lost');
  await page.waitForFunction(() => location.hash.startsWith('#wq1/page-lock-killable/a8b169afbf06/random/109/lockers=3,signals=1//'));
  await page.fill('#param-lockers', '2');
  await page.press('#param-lockers', 'Enter');
  await page.waitForFunction(() => location.hash.includes('lockers=2'));
  assert.equal(await page.locator('.lane').count(), 3);
  assert.match(await stepText(page), /step 0 \//);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"share link" gives the URL of this run at this step, and it opens there', async () => {
  const { page, errors } = await open('#wq1/page-lock-killable/v4.13/random/185///0');
  await page.waitForSelector('.lane');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  await page.click('#share');
  const url = await page.inputValue('#share-url');
  assert.equal(url, `${APP_URL}#wq1/page-lock-killable/v4.13/random/185///7`);
  const other = await newPage();
  await other.goto(url);
  await other.waitForSelector('.lane');
  assert.match(await stepText(other), /step 7 \/ 13/);
  await other.close();
  // The next move hides the link, which no longer names the step on screen.
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#share-url', { state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('predict mode stops before each wakeup, asks whom it wakes, and grades the answer', async () => {
  const { page, errors } = await open('#wq1/pipe-splice/v5.8/random/3005///17');
  await page.waitForSelector('.lane');
  await page.check('#predict');
  // Step 18 is W's late wake_up(rd_wait), with R on rd_wait: the page asks instead of moving.
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('.predict .prompt');
  assert.match(await page.textContent('.predict .prompt'), /Which task on pipe->rd_wait will it wake\?/);
  assert.match(await stepText(page), /step 17 \//);
  assert.deepEqual(await page.locator('.predict .answer').allTextContents(), ['R', 'nobody']);
  await page.click('.predict .answer >> text=R');
  assert.match(await page.textContent('.predict .feedback.right'), /Right\. W's wakeup on pipe->rd_wait woke R/);
  assert.match(await stepText(page), /step 18 \//);
  // Play stops at the next wakeup (step 28, rd_wait now empty): "nobody" is right.
  await page.click('button[aria-label="play or pause (space)"]');
  await page.waitForSelector('.predict .prompt');
  assert.match(await stepText(page), /step 27 \//);
  await page.click('.predict .answer >> text=nobody');
  assert.match(await page.textContent('.predict .score'), /2 of 2 right/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link pasted into the open page opens its run', async () => {
  const { page, errors } = await open();
  await page.waitForSelector('.lane');
  await page.evaluate(() => { location.hash = '#wq1/page-lock-killable/v4.13/random/185///13'; });
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 13 / 13'));
  await page.waitForSelector('.banner.lost');
  assert.deepEqual(errors, []);
  await page.close();
});

test('you schedule: the page says when you produced the race', async () => {
  const { page, errors } = await open('#wq1/check-then-sleep/naive/manual/0///0');
  await page.waitForSelector('.choose');
  for (const task of ['A', 'B', 'B', 'A', 'A']) {
    await page.click(`button[aria-label="run ${task}'s next step"]`);
  }
  await page.waitForSelector('.banner.lost');
  assert.match(await page.textContent('#verdict'), /You produced the race! Lost wakeup: A sleeps forever/);
  // The shortest race comes from the proof worker's search, a moment later.
  await page.waitForSelector('#verdict .shortest');
  assert.match(await page.textContent('#verdict'), /Your schedule took 5 steps; the shortest race takes 5\./);
  // The URL follows once the moves pause.
  await page.waitForFunction(() => location.hash.endsWith('/5'));
  assert.match(await hash(page), /^#wq1\/check-then-sleep\/naive\/manual\/0\/\/AAEBAAA\/5$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('x86-TSO: each CPU lane shows its store buffer, a flush is a button and a mark on the timeline, and the memory switch keeps the schedule', async () => {
  // waitqueue-active no-barrier, by hand: W stores cond = true (into CPU1's buffer) and reads
  // the queue empty; R queues itself, reads cond as 0 and sleeps.
  const { page, errors } = await open('#wq1/waitqueue-active/no-barrier/manual/0//AQEAAAA/5/memory=tso');
  await page.waitForSelector('.store-buffer');
  assert.equal(await page.inputValue('#memory'), 'tso');
  assert.deepEqual(await page.locator('[data-task="W"] .store-buffer li').allTextContents(), ['cond = 1']);
  assert.match(await page.textContent('.objects'), /cond = 0/);
  await page.click('button[aria-label="flush the oldest store of CPU1\'s buffer"]');
  await page.waitForSelector('.banner.lost');
  assert.deepEqual(await page.locator('[data-task="W"] .store-buffer li').allTextContents(), ['empty']);
  assert.match(await page.textContent('#verdict'), /still in CPU1's store buffer/);
  assert.match(await page.textContent('.narration'), /The oldest store in CPU1's store buffer reaches memory\. CPU1 flushes cond = 1/);
  assert.equal(await page.locator('.timeline path.mark.flush').count(), 1);
  assert.notEqual(await page.getAttribute('.timeline path.mark.flush', 'd'), '');
  await page.waitForFunction(() => location.hash.endsWith('/6/memory=tso'));
  // The same five choices under sequential consistency: no buffer, and R sees cond.
  await page.goto(page.url().replace('/6/memory=tso', '/5/memory=tso'));
  await page.waitForSelector('.store-buffer');
  await page.selectOption('#memory', 'sc');
  await page.waitForFunction(() => !location.hash.includes('memory='));
  assert.match(await stepText(page), /step 5 \//);
  assert.equal(await page.locator('.store-buffer').count(), 0);
  assert.equal(await page.locator('.banner.lost').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [what, link, message] of [
  ['garbage', '#garbage', /not a wqsim link/],
  ['a wrong version', '#wq9/pipe-splice/v5.8/random/1///0', /version 'wq9' is not supported/],
  ['an unknown scenario', '#wq1/no-such/v5.8/random/1///0', /unknown scenario 'no-such'/],
  ['an out-of-range step', '#wq1/pipe-splice/v5.8/random/3005///9999', /step 9999 is past the end of the run/],
  ['a truncated link', '#wq1/pipe-splice/v5.8', /parts where 8 or 9 were expected/],
  ['a huge link', '#wq1/' + 'x'.repeat(20000), /share link length/],
  ['a script in the link', '#wq1/<img src=x onerror=alert(1)>/v/random/1///0', /is not an id/],
]) {
  test(`a broken link (${what}) shows a clear message and the gallery`, async () => {
    const { page, errors } = await open(link);
    await page.waitForSelector('#notice');
    assert.match(await page.textContent('#notice'), message);
    assert.equal(await page.locator('.card').count(), 10, 'every built-in scenario');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a timed run draws its steps on a time axis with the race window shaded; the others by step', async () => {
  // Seed 51 with delays on 30% of steps: R's prepare_to_wait(rd_wait) is held up for 11 µs and
  // W's wake_up() lands inside the window.
  const { page, errors } = await open('#wq1/pipe-splice/v5.8/timed/51/timed.delay_per_mille=300//21');
  await page.waitForSelector('.timeline svg.gantt');
  assert.equal(await page.textContent('.timeline .axis-name'), 'time');
  const labels = await page.locator('.timeline .axis text').allTextContents();
  assert.ok(labels.some((l) => l.endsWith('µs')), labels.join(' '));
  const window = page.locator('.timeline .race-window');
  assert.equal(await window.count(), 1);
  assert.match(await window.textContent(), /race window 11\.22 µs/);
  // The shading is as wide as the window on the axis: 11,216 of the run's ns.
  const shade = await page.locator('.timeline .race-window rect').boundingBox();
  const svg = await page.locator('.timeline svg').boundingBox();
  assert.ok(shade.width > svg.width / 5 && shade.width < svg.width / 2, `${shade.width} of ${svg.width}`);
  // The step the oracle's account blames is ringed on the time axis too: one ring.
  assert.match(await page.getAttribute('.timeline svg.gantt .mark.culprit', 'd'), /^M[\d.]+ \d+h[\d.]+v\d+h-[\d.]+z$/);
  // Sleeps are drawn, and the narration says when the step ran.
  assert.ok((await page.getAttribute('.timeline .sleeps', 'd')).length > 0);
  assert.match(await page.textContent('.narration'), /^At 13,556 ns, for 153 ns: CPU0 runs R: schedule/);
  // Stepping still goes event by event.
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 20 /'));
  // The oracle's account gives the window.
  await page.click('.banner .why summary').catch(() => {});
  await page.keyboard.press('End');
  await page.click('.banner .why summary');
  assert.match(await page.textContent('.banner .why .window'), /11,216 ns wide; W's wake_up_interruptible_sync_poll/);
  await page.evaluate(() => document.querySelector('.timeline').scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'screenshots/timed-pipe.png' });
  // A click on the time axis goes to the step running then: the window's start is step 17.
  const at = await page.locator('.timeline .race-window rect').boundingBox();
  const top = await page.locator('.timeline svg').boundingBox();
  await page.mouse.click(at.x + 1, top.y + 5);
  await page.waitForFunction(() => document.querySelector('#step')?.textContent.includes('step 17 /'));
  // The random strategy keeps the step axis.
  const other = await open('#wq1/pipe-splice/v5.8/random/3005///21');
  await other.page.waitForSelector('.timeline svg');
  assert.equal(await other.page.locator('.timeline svg.gantt').count(), 0);
  assert.equal(await other.page.textContent('.timeline .axis-name'), 'step');
  assert.equal(await other.page.locator('.timeline .race-window').count(), 0);
  assert.deepEqual([...errors, ...other.errors], []);
  await other.page.close();
  await page.close();
});
