// Runs the browser journeys with Debian's Chromium (never a downloaded browser) against the
// built UI served by mb-http on 127.0.0.1 — the real Rust core with the demo's fake Metrica.
// Usage: cargo build -p mb-http && npm run build && npm run e2e
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startAdapter } from './adapter.mjs';
import { coreJourney, coreNarrowHistoryAndRights, coreZoomed } from './core.spec.mjs';

const dist = new URL('../dist/', import.meta.url).pathname;
if (!existsSync(`${dist}index.html`)) {
  console.error('ui/dist is missing: run `npm run build` first');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const server = await startAdapter({ staticDir: dist });
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let failed = 0;
async function run(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} ${Date.now() - started} ms`);
  } catch (e) {
    failed += 1;
    console.error(`FAIL ${name}:`, e);
  }
}
await run('200 % zoom (640×400)', () => coreZoomed(browser, server.url));
await run('real-core journey (light)', () => coreJourney(browser, server.url, 'light'));
await run('same file again, only new rows (dark)', () => coreJourney(browser, server.url, 'dark', true));
await run('1024×700: History, date filter, view-only counter', () => coreNarrowHistoryAndRights(browser, server.url));
await browser.close();
await server.close();
process.exit(failed ? 1 : 0);
