// The scenario editor and the links that carry a scenario, against the CLI: the page's
// diagnostics are `wqsim check`'s, and a link the page shares opens in a fresh page and in
// `wqsim replay` as the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_URL, newPage, open, useBrowser, wqsimBinary } from './browser.mjs';

useBrowser();

const stepText = (page) => page.textContent('#step');

/** `wqsim check` of `text`: the first diagnostic's line, column and message. */
function cliCheck(text) {
  const file = join(mkdtempSync(join(tmpdir(), 'wqsim-editor-')), 'scenario.toml');
  writeFileSync(file, text);
  const out = spawnSync(wqsimBinary(), ['check', file], { encoding: 'utf8' });
  assert.equal(out.status, 2, out.stderr);
  const message = out.stderr.match(/^error: (.*)$/m)[1];
  const [, line, col] = out.stderr.match(/┌─ .*:(\d+):(\d+)$/m);
  return { line: Number(line), col: Number(col), message };
}

/** The page's first diagnostic. */
async function pageCheck(page) {
  const first = page.locator('#editor-problems .problem').first();
  return {
    line: Number(await first.getAttribute('data-line')),
    col: Number(await first.getAttribute('data-col')),
    message: await first.locator('.message').textContent(),
  };
}

test('edit a scenario: a typo underlined where wqsim check puts it, a renamed task run and shared, the link opening the same text, step and trace hash as wqsim replay', async () => {
  assert.ok(wqsimBinary(), 'needs a wqsim built in this checkout (cargo build -p sim-cli)');
  const { page, errors } = await open('#wq1/check-then-sleep/naive/random/2///0');
  await page.click('#edit');
  await page.waitForSelector('#editor[data-state="ok"]');
  const original = await page.inputValue('#editor-text');
  assert.match(original, /^id = "check-then-sleep"/);
  assert.equal(await page.locator('.gutter div').count(), original.split('\n').length);

  // A typo: the diagnostic appears (once typing pauses) at wqsim check's line, column and words.
  const typo = original.replace('\t\tschedule();\n\t\tfinish_wait', '\t\tschedul();\n\t\tfinish_wait');
  assert.notEqual(typo, original);
  await page.fill('#editor-text', typo);
  await page.waitForSelector('#editor[data-state="errors"]');
  const got = await pageCheck(page);
  assert.deepEqual(got, cliCheck(typo));
  assert.equal(got.line, typo.split('\n').findIndex((l) => l.includes('schedul();')) + 1);
  // Underlined in place: the squiggle's line of the drawing holds the typo.
  const squiggled = page.locator('.squiggles > div').nth(got.line - 1).locator('.squiggle');
  assert.match(await squiggled.first().textContent(), /^schedul/);
  assert.equal(await page.isDisabled('#editor-run'), true);
  await page.screenshot({ path: 'screenshots/editor-typo.png' });

  // Fixed, and task A renamed: it runs, and every view shows the new name.
  const edited = original.replace('name = "A"', 'name = "Ann"');
  await page.fill('#editor-text', edited);
  await page.waitForSelector('#editor[data-state="ok"]');
  await page.click('#editor-run');
  await page.waitForFunction(() => location.hash.startsWith('#wq1/~1.'));
  await page.waitForSelector('.lane:has-text("Ann")');
  assert.match(await page.inputValue('#scenario'), /^$/);
  for (let i = 0; i < 4; i++) await page.click('button[aria-label="step forward (→)"]');
  assert.match(await stepText(page), /^step 4 \//);
  await page.click('#share');
  const url = await page.inputValue('#share-url');
  assert.match(url, /#wq1\/~1\.[A-Za-z0-9_-]+\/naive\/random\/2\/\/\/4$/);
  const hash = await page.getAttribute('main', 'data-trace-hash');
  assert.deepEqual(errors, []);

  // A fresh page opens the same scenario text at the same step, with the same trace hash.
  const fresh = await newPage({ viewport: { width: 1400, height: 1000 } });
  const freshErrors = [];
  fresh.on('pageerror', (e) => freshErrors.push(String(e)));
  fresh.on('console', (m) => { if (m.type() === 'error') freshErrors.push(m.text()); });
  await fresh.goto(url);
  await fresh.waitForSelector('.lane:has-text("Ann")');
  assert.match(await stepText(fresh), /^step 4 \//);
  assert.equal(await fresh.getAttribute('main', 'data-trace-hash'), hash);
  await fresh.click('#edit');
  assert.equal(await fresh.inputValue('#editor-text'), edited);

  // wqsim replay of the same link: the same trace hash; export writes the text back out.
  const replay = JSON.parse(execFileSync(wqsimBinary(), ['replay', url, '--json'], { encoding: 'utf8' }));
  assert.equal(replay.trace_hash, hash);
  assert.equal(replay.step, 4);
  assert.equal(execFileSync(wqsimBinary(), ['export', 'scenario', url], { encoding: 'utf8' }), edited);
  assert.deepEqual(freshErrors, []);
  await fresh.close();
  await page.close();
});

test('a new scenario from the template runs; script-bearing text typed in the editor stays text', async () => {
  const { page, errors } = await open('');
  await page.click('#gallery');
  await page.click('#new-scenario');
  await page.waitForSelector('#editor[data-state="ok"]');
  assert.match(await page.inputValue('#editor-text'), /^id = "my-race"/);
  await page.click('#editor-run');
  await page.waitForSelector('.lane:has-text("waiter")');
  await page.close();
  assert.deepEqual(errors, []);

  // Script-bearing text typed in the editor is text: no element, no script run.
  const script = 'id = "x"\ntitle = "<img src=x onerror=window.pwned=1><script>window.pwned=1</script>"\n';
  const { page: typed, errors: typedErrors } = await open('');
  await typed.click('#gallery');
  await typed.click('#new-scenario');
  await typed.fill('#editor-text', script);
  await typed.waitForSelector('#editor[data-state="errors"]');
  assert.equal(await typed.evaluate(() => window.pwned), undefined);
  assert.equal(await typed.locator('#editor img, #editor script').count(), 0);
  assert.deepEqual(typedErrors, []);
  await typed.close();
});

test('a scenario too long for a link: a clear message and its file to download; a file opens by the picker', async () => {
  const { page, errors } = await open('#wq1/check-then-sleep/naive/random/2///0');
  await page.click('#edit');
  await page.waitForSelector('#editor[data-state="ok"]');
  const original = await page.inputValue('#editor-text');
  // A long comment of random words does not compress below 16 KB.
  let seed = 1;
  const word = () => { seed = (seed * 48271) % 2147483647; return seed.toString(36); };
  const filler = Array.from({ length: 5000 }, word).join(' ');
  const long = original.replace("c = '''\n", `c = '''\n/* ${filler} */\n`);
  await page.fill('#editor-text', long);
  await page.waitForSelector('#editor[data-state="ok"]');
  await page.click('#editor-run');
  await page.waitForSelector('#scenario option[value=""]', { state: 'attached' });
  await page.click('#share');
  await page.waitForSelector('#share-too-long');
  assert.match(await page.textContent('#share-too-long'), /link of \d+ characters, over the 16384 a link may have/);
  const href = await page.getAttribute('#share-download', 'href');
  assert.equal(decodeURIComponent(href.replace(/^data:application\/toml;charset=utf-8,/, '')), long);

  // The file opens from the picker: it runs and fills the editor.
  const file = join(mkdtempSync(join(tmpdir(), 'wqsim-open-')), 'mine.toml');
  writeFileSync(file, original.replace('name = "B"', 'name = "Bob"'));
  await page.click('#gallery');
  await page.setInputFiles('#open-file', file);
  await page.waitForSelector('.lane:has-text("Bob")');
  assert.match(await page.inputValue('#editor-text'), /name = "Bob"/);
  assert.deepEqual(errors, []);
  await page.close();
});
