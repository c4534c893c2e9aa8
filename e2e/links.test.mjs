// Links that carry a scenario file: one that `wqsim run FILE --json` prints opens in the page as
// the same run (`wqsim replay`'s trace hash), and hostile ones get one line and the gallery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open, useBrowser, wqsimBinary } from './browser.mjs';

useBrowser();

test('a link that wqsim run prints for a file opens as the same run, and its proof and sweep run on it', async () => {
  assert.ok(wqsimBinary(), 'needs a wqsim built in this checkout (cargo build -p sim-cli)');
  const builtin = fileURLToPath(new URL('../scenarios/check-then-sleep.toml', import.meta.url));
  const file = join(mkdtempSync(join(tmpdir(), 'wqsim-link-')), 'mine.toml');
  writeFileSync(file, readFileSync(builtin, 'utf8').replace('name = "A"', 'name = "Ann"'));
  const run = JSON.parse(execFileSync(wqsimBinary(), ['run', file, '--json'], { encoding: 'utf8' }));
  assert.match(run.link, /^#wq1\/~1\./);
  const { page, errors } = await open(run.link);
  await page.waitForSelector('.lane:has-text("Ann")');
  assert.match(await page.textContent('#step'), new RegExp(`^step ${run.steps} /`));
  assert.equal(await page.getAttribute('main', 'data-trace-hash'), run.trace_hash);
  const replay = JSON.parse(execFileSync(wqsimBinary(), ['replay', run.link, '--json'], { encoding: 'utf8' }));
  assert.equal(replay.trace_hash, run.trace_hash);
  assert.match(await page.inputValue('#scenario'), /^$/);

  await page.click('#prove');
  await page.waitForFunction(() => ['found', 'proved', 'failed'].includes(document.querySelector('#prove-status')?.dataset.state));
  assert.match(await page.textContent('#prove-status'), /lost wakeup: a shortest counterexample of 5 steps/);
  await page.fill('#sweep-to', '500');
  await page.click('#sweep-start');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#sweep')?.dataset.state));
  assert.match(await page.textContent('#sweep-status'), /^done/);
  assert.match(await page.textContent('.sweep-cli code'), /^wqsim sweep check-then-sleep\.toml --variant naive/);
  await page.locator('button.seed').first().click();
  await page.waitForFunction(() => location.hash.startsWith('#wq1/~1.') && location.hash.endsWith('/0'));
  await page.waitForSelector('.lane:has-text("Ann")');
  assert.deepEqual(errors, []);
  await page.close();
});

test('hostile links: a one-line notice and the gallery, no script run, no console error', async () => {
  // Script-bearing text is shown as text, never run; a broken scenario, a deflate bomb and an
  // unknown form each get one line and the gallery.
  const script = 'id = "x"\ntitle = "<img src=x onerror=window.pwned=1><script>window.pwned=1</script>"\n';
  const carried = execFileSync('python3', ['-c', `
import base64, sys, zlib
def pack(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.urlsafe_b64encode(c.compress(b) + c.flush()).decode().rstrip('=')
print(pack(sys.argv[1].encode()))
print(pack(b'\\0' * 10_000_000))`, script], { encoding: 'utf8' }).trim().split('\n');
  for (const [link, want] of [
    [`#wq1/~1.${carried[0]}/v/random/0///0`, /This link cannot be opened: link\.toml:\d+:\d+: /],
    [`#wq1/~1.${carried[1]}/v/random/0///0`, /inflates to more than 65536 bytes/],
    ['#wq1/~9.AAAA/v/random/0///0', /form '~9' is not supported/],
  ]) {
    const { page, errors } = await open(link);
    await page.waitForSelector('#notice');
    assert.match(await page.textContent('#notice'), want);
    assert.equal((await page.textContent('#notice')).includes('\n'), false);
    await page.waitForSelector('.gallery');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
