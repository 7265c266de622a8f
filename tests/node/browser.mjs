// Drives Debian's chromium through playwright-core for the Python tests: one JSON command per
// line on stdin, one JSON answer per line on stdout ({id, ok, value} or {id, ok: false, error}).
// Python keeps the server and the data; this process only clicks, reads and records.
// Usage: node browser.mjs [CHROMIUM_PATH]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const executablePath = process.argv[2] || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'cargolive-chromium-'));
// Without the background-networking flags chromium keeps calling home, which this machine's
// closed network refuses; a fresh profile keeps runs independent.
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 1280, height: 800 },
  locale: 'en-GB',
  timezoneId: 'Asia/Tbilisi',
  colorScheme: 'light',
});

const page = context.pages()[0] ?? (await context.newPage());
const consoleMessages = [];
const requests = [];
const sentFrames = [];
const routes = new Map();

page.on('console', (message) => {
  if (['error', 'warning'].includes(message.type())) {
    consoleMessages.push({ type: message.type(), text: message.text() });
  }
});
page.on('pageerror', (error) => consoleMessages.push({ type: 'pageerror', text: String(error) }));
page.on('request', (request) => requests.push(request.url()));
page.on('websocket', (socket) => {
  socket.on('framesent', (frame) => sentFrames.push(String(frame.payload)));
});

async function poll(check, timeout, what) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeout) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const commands = {
  async goto({ url }) {
    await page.goto(url, { waitUntil: 'load' });
  },
  async viewport({ width, height }) {
    await page.setViewportSize({ width, height });
  },
  async emulate({ reducedMotion = null, colorScheme = null }) {
    await page.emulateMedia({ reducedMotion, colorScheme });
  },
  /** Answers `html` for every request to `url` (a page on another origin, for embeds). */
  async serve({ url, html }) {
    routes.set(url, html);
    await page.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: routes.get(url) }),
    );
  },
  async texts({ selector }) {
    return page.locator(selector).allTextContents();
  },
  async attribute({ selector, name }) {
    return page.locator(selector).first().getAttribute(name);
  },
  async attributes({ selector, name }) {
    return page.locator(selector).evaluateAll(
      (elements, attribute) => elements.map((element) => element.getAttribute(attribute)),
      name,
    );
  },
  async visible({ selector }) {
    return page.locator(selector).first().isVisible();
  },
  /** Waits until `selector` matches exactly `count` elements; answers how long it took. */
  async waitCount({ selector, count, timeout = 5000 }) {
    const locator = page.locator(selector);
    const { ms } = await poll(
      async () => ((await locator.count()) === count ? true : undefined),
      timeout,
      `${count} × ${selector} (found ${await locator.count()})`,
    );
    return ms;
  },
  /** Waits until the first match's `name` attribute (or text, without a name) is `value`. */
  async waitFor({ selector, value, name = null, timeout = 5000 }) {
    const locator = page.locator(selector).first();
    const read = async () =>
      (await locator.count()) === 0
        ? null
        : name
          ? await locator.getAttribute(name)
          : await locator.textContent();
    const { ms } = await poll(
      async () => ((await read()) === value ? true : undefined),
      timeout,
      `${selector}${name ? `[${name}]` : ''} = ${JSON.stringify(value)}, is ${JSON.stringify(await read())}`,
    );
    return ms;
  },
  async fill({ selector, value }) {
    await page.locator(selector).fill(value);
  },
  async press({ key }) {
    await page.keyboard.press(key);
  },
  async type({ text }) {
    await page.keyboard.type(text);
  },
  async evaluate({ expression }) {
    return page.evaluate(expression);
  },
  async screenshot({ path, fullPage = true }) {
    await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
  },
  async log() {
    return { console: consoleMessages, requests, sentFrames };
  },
  async close() {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    process.exit(0);
  },
};

const lines = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ id: 0, ok: true, value: 'ready' }) + '\n');
for await (const line of lines) {
  const { id, command, ...args } = JSON.parse(line);
  try {
    const value = await commands[command](args);
    process.stdout.write(JSON.stringify({ id, ok: true, value: value ?? null }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ id, ok: false, error: String(error) }) + '\n');
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
