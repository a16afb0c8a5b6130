// Browser journeys against the real Rust core: the built UI served by mb-http (the loopback
// adapter) with the demo's fake Metrica and a throwaway data folder. The picked file is
// fixtures/offline_clientid.csv (5 conversions) copied as conversions-november.csv.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const qa = (id) => `[data-qa="${id}"]`;

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, animations: 'disabled' });
}

async function noHorizontalScroll(page, where) {
  const over = await page.evaluate(() => {
    const els = [document.documentElement, document.querySelector('.mb-content')].filter(Boolean);
    return els.some((e) => e.scrollWidth > e.clientWidth + 1);
  });
  assert.equal(over, false, `horizontal scroll on ${where}`);
}

async function text(page, s, timeout = 15_000) {
  await page.getByText(s, { exact: false }).first().waitFor({ timeout });
}

/** The import screen; the demo's one-time explanation is dismissed when it shows. */
async function toImport(page) {
  await page.locator(qa('nav-upload')).click();
  const intro = page.locator(qa('demo-intro-ok'));
  if (await intro.isVisible().catch(() => false)) await intro.click();
  await page.locator(qa('pick-file')).waitFor();
}

async function withPage(browser, opts, name, body) {
  const context = await browser.newContext({ locale: 'ru-RU', ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    await body(page);
  } catch (e) {
    await shot(page, `${name}-FAILED`);
    throw e;
  } finally {
    await context.close();
  }
  assert.deepEqual(
    errors.filter((e) => !/favicon/.test(e)),
    [],
    'no console errors',
  );
}

/** file → columns → check → send → history, through the real pipeline. The adapter keeps its
 *  data between journeys, so the second one (`again`) meets the core's duplicate question and
 *  the ledger: only new rows → «нечего отправлять», no send button. */
export async function coreJourney(browser, baseUrl, scheme, again = false) {
  const p = (n) => `core-${scheme}-${n}`;
  await withPage(
    browser,
    { viewport: { width: 1280, height: 800 }, colorScheme: scheme },
    p('journey'),
    async (page) => {
      await page.goto(baseUrl);
      await page.getByTestId('demo-badge').waitFor();
      await toImport(page);
      await shot(page, p('01-import'));
      await page.locator(qa('pick-file')).click();
      await page.getByTestId('preview-table').waitFor();
      await text(page, 'conversions-november.csv');
      await noHorizontalScroll(page, 'file');
      await shot(page, p('02-file'));
      await page.locator(qa('wizard-next')).click();
      await page.getByTestId('mapping-table').waitFor();
      await shot(page, p('03-columns'));
      await page.locator(qa('wizard-next')).click();
      const summary = page.getByTestId('validation-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /5/);
      await shot(page, p('04-check'));
      if (again) {
        await text(page, 'Этот файл уже отправляли');
        await page.getByTestId('duplicate-question').getByText('Отправить только новые строки').click();
        await page.locator(qa('wizard-next')).click();
        await page.getByTestId('nothing-new').waitFor();
        await text(page, 'Новых строк нет — отправлять нечего');
        assert.equal(await page.locator(qa('send-button')).count(), 0, 'nothing to send: no send button');
        await shot(page, p('05-nothing-new'));
        return;
      }
      await page.locator(qa('wizard-next')).click();
      const send = page.locator(qa('send-button'));
      await send.waitFor();
      assert.match(await send.innerText(), /Отправить 5 строк/);
      await noHorizontalScroll(page, 'send');
      await shot(page, p('05-send'));
      await send.click();
      await page.getByTestId('upload-done').waitFor();
      await shot(page, p('06-done'));
      await page.locator(qa('to-history')).click();
      await page.getByTestId('history-table').waitFor();
      const detail = page.getByTestId('upload-detail');
      await detail.waitFor();
      await page.waitForFunction(() => {
        const t = document.querySelector('[data-testid="upload-detail"]')?.textContent ?? '';
        return t.includes('conversions-november.csv') && /\d{6,}/.test(t);
      });
      await noHorizontalScroll(page, 'history');
      await shot(page, p('07-history'));
    },
  );
}

/** 200 % zoom on a small window: the send button stays on screen, nothing scrolls sideways.
 *  Runs first: it stops at the review, so the file is still new to the core. */
export async function coreZoomed(browser, baseUrl) {
  await withPage(
    browser,
    { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
    'core-zoom200',
    async (page) => {
      await page.goto(baseUrl);
      await toImport(page);
      await page.locator(qa('pick-file')).click();
      await page.getByTestId('preview-table').waitFor();
      await noHorizontalScroll(page, 'file at 200 %');
      await page.locator(qa('wizard-next')).click();
      await page.getByTestId('mapping-table').waitFor();
      await noHorizontalScroll(page, 'columns at 200 %');
      await page.locator(qa('wizard-next')).click();
      await page.getByTestId('validation-summary').waitFor();
      await noHorizontalScroll(page, 'check at 200 %');
      await page.locator(qa('wizard-next')).click();
      const send = page.locator(qa('send-button'));
      await send.waitFor();
      await send.scrollIntoViewIfNeeded();
      const box = await send.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= 640 && box.y + box.height <= 400,
        `send button off screen: ${JSON.stringify(box)}`,
      );
      await shot(page, 'core-zoom200-send');
    },
  );
}

/** A small laptop window (1024×700) on the real core after an upload: History fits without
 *  sideways scrolling or clipped cells; the date filter takes typed text (WebKitGTK draws no date
 *  picker) and ignores a half-typed day with a hint; a view-only counter is greyed in the picker
 *  and warned about in the wizard at once, not at the final step. */
export async function coreNarrowHistoryAndRights(browser, baseUrl) {
  await withPage(browser, { viewport: { width: 1024, height: 700 } }, 'core-narrow', async (page) => {
    await page.goto(baseUrl);
    await page.getByTestId('demo-badge').waitFor();
    await page.locator(qa('nav-history')).click();
    await page.getByTestId('history-table').waitFor();
    await page.getByText('conversions-november.csv').first().click();
    await page.getByTestId('upload-detail').waitFor();
    await noHorizontalScroll(page, 'history at 1024×700');
    const clipped = await page.evaluate(() =>
      [
        ...document.querySelectorAll(
          '[data-testid="history-table"] [role="cell"], [data-testid="history-table"] [role="columnheader"]',
        ),
      ]
        .filter((c) => c.scrollWidth > c.clientWidth + 1 && !c.querySelector('.mb-ellipsis'))
        .map((c) => c.textContent),
    );
    assert.deepEqual(clipped, [], 'no clipped cells in History');
    await shot(page, 'core-narrow-09-history');

    const from = page.locator(`${qa('filter-from')} input`);
    await from.fill('20.11');
    await text(page, 'Не дата — фильтр не применён');
    await page.getByTestId('history-table').waitFor();
    await shot(page, 'core-narrow-09a-history-date-half-typed');
    const today = new Date();
    const dd = String(today.getDate()).padStart(2, '0');
    const mm = String(today.getMonth() + 1).padStart(2, '0');
    await from.fill(`${dd}.${mm}.${today.getFullYear() + 1}`);
    await page.getByTestId('history-empty').waitFor();
    await shot(page, 'core-narrow-09b-history-date-filter');
    await from.fill(`${dd}.${mm}.${today.getFullYear()}`);
    await page.getByTestId('history-table').waitFor();
    await from.fill('');

    await page.locator(qa('nav-upload')).click();
    await page.locator(qa('counter-picker')).click();
    await page.waitForFunction(() => document.activeElement?.closest('[data-qa="counter-search"]') !== null);
    await page.keyboard.type('Атлет');
    await text(page, 'только просмотр');
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await page.locator(qa('view-only-counter')).waitFor();
    await text(page, 'В счётчик «Фитнес-клуб „Атлет“» загружать нельзя');
    await shot(page, 'core-narrow-13c-view-only-counter');
    await page.locator(qa('counter-picker')).click();
    await page.waitForFunction(() => document.activeElement?.closest('[data-qa="counter-search"]') !== null);
    await page.keyboard.type('Мебель');
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await page.locator(qa('view-only-counter')).waitFor({ state: 'hidden' });
  });
}
