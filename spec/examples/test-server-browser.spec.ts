/**
 * The example test server seen by a real browser: headless Chromium (Debian's package) loads the page from
 * the server's own port (.ci/run installs Chromium), gets the dumb-increment counter, resets it, and mirrors a stroke between two tabs.
 */
import { chromium, type Browser } from 'playwright-core';
import { copas } from '../../src';
import { start } from '../../examples/test-server/test-server';

const CHROMIUM = '/usr/bin/chromium';
describe('examples/test-server in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60000);
  afterAll(async () => { await browser?.close(); });

  it('counts, resets and mirrors drawing between two pages', async () => {
    const { server } = start(0, '127.0.0.1');
    const loop = copas.loop();
    const url = `http://127.0.0.1:${server.port}/`;
    const a = await browser.newPage();
    const b = await browser.newPage();
    await a.goto(url);
    await b.goto(url);
    await a.waitForFunction("Number(document.getElementById('number').textContent) >= 5");
    await a.click('#reset');
    await a.waitForFunction("Number(document.getElementById('number').textContent) < 5");
    await b.waitForFunction("document.getElementById('mirror-status').textContent === 'connected'");
    await a.waitForFunction("document.getElementById('mirror-status').textContent === 'connected'");
    // a stroke drawn in page a reaches page b through the server's broadcast
    const received = b.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket('ws://' + location.host + '/', 'lws-mirror-protocol');
      ws.onmessage = (e) => resolve(String(e.data));
    })`) as Promise<string>;
    await new Promise((r) => setTimeout(r, 200));
    const box = await a.locator('#canvas').boundingBox();
    if (box === null) throw new Error('no canvas');
    await a.mouse.move(box.x + 10, box.y + 10);
    await a.mouse.down();
    await a.mouse.move(box.x + 60, box.y + 40);
    await a.mouse.up();
    expect(await received).toMatch(/^(9|10) (9|10) \d+ \d+$/); // offsetX/Y, less the canvas border
    await b.waitForTimeout(100);
    if (process.env.SCREENSHOT) await b.screenshot({ path: process.env.SCREENSHOT });
    await a.close();
    await b.close();
    server.close();
    copas.cancelall();
    await loop;
  }, 30000);
});
