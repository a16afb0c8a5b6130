// Runs the browser journeys with Debian's Chromium (never a downloaded browser) against the
// built UI served on 127.0.0.1. Usage: npm run build && npm run e2e
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { journey, narrow, sendTruth, zoomed } from './demo.spec.mjs';
import { serve } from './server.mjs';

const dist = new URL('../dist/', import.meta.url).pathname;
if (!existsSync(`${dist}index.html`)) {
  console.error('ui/dist is missing: run `npm run build` first');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const server = await serve(dist);
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
for (const scheme of ['light', 'dark']) {
  const started = Date.now();
  try {
    await journey(browser, server.url, scheme);
    console.log(`ok   demo journey (${scheme}) ${Date.now() - started} ms`);
  } catch (e) {
    failed += 1;
    console.error(`FAIL demo journey (${scheme}):`, e);
  }
}
try {
  const started = Date.now();
  await sendTruth(browser, server.url);
  console.log(`ok   stopped send and nothing new ${Date.now() - started} ms`);
} catch (e) {
  failed += 1;
  console.error('FAIL stopped send and nothing new:', e);
}
try {
  const started = Date.now();
  await zoomed(browser, server.url);
  console.log(`ok   200 % zoom (640×400) ${Date.now() - started} ms`);
} catch (e) {
  failed += 1;
  console.error('FAIL 200 % zoom:', e);
}
try {
  const started = Date.now();
  await narrow(browser, server.url);
  console.log(`ok   small window (1024×700) ${Date.now() - started} ms`);
} catch (e) {
  failed += 1;
  console.error('FAIL small window:', e);
}
await browser.close();
await server.close();
process.exit(failed ? 1 : 0);
