/**
 * copas.inspect in headless Chromium (Debian's package): the page lists the tasks of a known program (and not
 * the inspector's own), flags a task that ran too long without yielding, draws a lane per task, and its
 * controls really hold the scheduler: pause stops the program, Step runs every held task exactly once, the
 * turn of one task runs only that task, Resume lets it go on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { copas } from '../../src';

const CHROMIUM = '/usr/bin/chromium';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('copas.inspect in Chromium', () => {
  let context: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-inspect-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60000);
  afterAll(async () => {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });

  const text = (page: Page, sel: string): Promise<string> => page.locator(sel).innerText();
  const textIs = async (page: Page, id: string, value: string): Promise<void> => {
    await page.waitForFunction(`document.getElementById('${id}')?.textContent === '${value}'`);
  };

  it('lists, flags, pauses, steps one step, runs one task\'s turn, resumes', async () => {
    let a = 0;
    let b = 0;
    copas.addnamedthread('counter-a', function* () { for (;;) { a++; yield* copas.pause(0.02); } });
    copas.addnamedthread('counter-b', function* () { for (;;) { b++; yield* copas.pause(0.02); } });
    const lock = copas.lock.new(Infinity);
    copas.addnamedthread('holder', function* () { yield* lock.get(); yield* copas.pauseforever(); });
    copas.addnamedthread('blocked', function* () { yield* copas.pause(0.01); yield* lock.get(); });
    copas.addnamedthread('hog', function* () {
      const t0 = Date.now();
      while (Date.now() - t0 < 150) { /* never yields: the bug the inspector flags */ }
      yield* copas.pauseforever();
    });
    const inspector = copas.inspect({ port: 0, interval: 0.05 });
    const loop = copas.loop();
    const page = await context.newPage();
    page.setDefaultTimeout(8000); // a failing wait names its line instead of the test's timeout
    try {
      await page.goto(inspector.url);
      await page.waitForFunction(`(() => {
        const names = [...document.querySelectorAll('#tasks tbody td.name')].map((td) => td.textContent);
        return ['counter-a', 'counter-b', 'holder', 'blocked', 'hog'].every((n) => names.includes(n));
      })()`);
      const names = await page.locator('#tasks tbody td.name').allInnerTexts();
      expect(names).toHaveLength(5); // the inspector's own tasks (its page handler, its updates) are hidden
      await page.waitForFunction("document.querySelector('#tasks tr.long td.name')?.textContent === 'hog'");
      expect(await page.locator('#tasks tr.long td.flag').innerText()).toMatch(/ran \d+ ms without yielding/);
      expect(await text(page, '#resources tbody')).toMatch(/lock\s+lock: #\d+\s+holder\s+blocked/);
      // one lane per task in the timeline
      await page.waitForFunction('lanes.size >= 5'); // the page script's lanes, one per task seen

      await page.click('#pause');
      await textIs(page, 'mode', 'paused');
      await textIs(page, 'held', '2'); // both counters came due
      const a0 = a;
      const b0 = b;
      await sleep(300);
      expect([a, b]).toEqual([a0, b0]); // held: the program does not advance

      await page.click('#step');
      await textIs(page, 'steps', '1');
      await textIs(page, 'held', '2');
      await sleep(200);
      expect([a, b]).toEqual([a0 + 1, b0 + 1]); // exactly one step: each ready task ran once

      // the table re-renders on every update, so a click can land on a row that has just moved: click until
      // counter-a's row is the selected one
      for (let attempt = 0; ; attempt++) {
        await page.locator('#tasks tbody tr', { hasText: 'counter-a' }).click();
        const chosen = await page.evaluate("document.querySelector('#tasks tr.selected td.name')?.textContent");
        if (chosen === 'counter-a') break;
        if (attempt === 5) throw new Error(`the click selected ${String(chosen)}, not counter-a`);
      }
      await page.click('#turn');
      await textIs(page, 'steps', '2');
      await sleep(200);
      expect([a, b]).toEqual([a0 + 2, b0 + 1]); // only counter-a's turn
      if (process.env.INSPECT_SCREENSHOT) await page.screenshot({ path: process.env.INSPECT_SCREENSHOT, fullPage: true });

      await page.click('#resume');
      await textIs(page, 'mode', 'running');
      await sleep(200);
      expect(a).toBeGreaterThan(a0 + 4);
      expect(b).toBeGreaterThan(b0 + 4);
    } finally {
      await page.close();
      inspector.close();
      copas.cancelall();
      await loop;
    }
  }, 30000);
});
