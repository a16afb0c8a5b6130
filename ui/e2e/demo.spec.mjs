// The demo journey in headless Debian Chromium against the built UI: first run → demo →
// file → columns → statuses → check → send → history → clients → counter picker → settings,
// in light and dark, with screenshots in e2e/screenshots/.
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

async function text(page, s, timeout = 10_000) {
  await page.getByText(s, { exact: false }).first().waitFor({ timeout });
}

export async function journey(browser, baseUrl, scheme) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'ru-RU',
    colorScheme: scheme,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const p = (n) => `${scheme}-${n}`;
  await page.goto(baseUrl);
  try {
    await steps(page, p);
  } catch (e) {
    await shot(page, p('FAILED'));
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

async function steps(page, p) {
  // First run teaches and offers the demo.
  await text(page, 'Офлайн-продажи — в Яндекс Метрику');
  await text(page, 'Попробовать демо');
  assert.ok(await page.getByTestId('demo-badge').isVisible(), 'demo badge on first run');
  await shot(page, p('01-welcome'));
  await page.locator(qa('try-demo')).click();

  // The demo's first run says what this is and how to go real; dismissed once, gone for good.
  await page.locator(qa('demo-intro')).waitFor();
  await text(page, 'Это демо: учебные данные');
  await shot(page, p('01b-demo-intro'));
  await page.locator(qa('demo-intro-ok')).click();
  await page.locator(qa('demo-intro')).waitFor({ state: 'hidden' });

  // Файл
  await page.getByTestId('drop-zone').waitFor();
  await text(page, 'Перетащите файл в окно');
  await shot(page, p('02-file-empty'));
  await page.locator(qa('pick-file')).click();
  await text(page, 'Что мы поняли о файле');
  await page.getByTestId('preview-table').waitFor();
  await text(page, 'windows-1251');
  await text(page, 'Оплачен');
  await noHorizontalScroll(page, 'file');
  await shot(page, p('03-file'));
  await page.locator(qa('wizard-next')).click();

  // Столбцы
  await page.getByTestId('mapping-table').waitFor();
  // Focus follows the step: the new step's heading, not <body>.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /Какой столбец/);
  await text(page, 'ClientID — номер посетителя, который присваивает Метрика');
  await noHorizontalScroll(page, 'columns');
  await shot(page, p('04-columns'));
  await page.locator(qa('wizard-next')).click();

  // Статусы
  await page.getByTestId('status-table').waitFor();
  await text(page, 'Что значат статусы из вашей CRM');
  await shot(page, p('05-statuses'));
  await page.keyboard.press('Enter'); // Enter = the main action
  // Проверка
  await page.getByTestId('validation-summary').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('problem-counts').innerText(), /10\s+ошибок/);
  await text(page, 'Строка 14, столбец «Дата создания»');
  await text(page, 'Дата «31.02.2026 10:00» не существует');
  // Changes we made ourselves are one summary line per kind, after the errors, not a list.
  await text(page, 'Поправили сами');
  await page.getByTestId('fix-currency_lowercase').waitFor();
  assert.match(await page.getByTestId('fix-currency_lowercase').innerText(), /rub\s*→\s*RUB/);
  assert.equal(await page.getByTestId('issue-currency_lowercase').count(), 0);
  // The rejected-rows file: open it, or save a copy (the demo "saves" without a dialog).
  await page.locator(qa('open-rejected')).waitFor();
  await page.locator(qa('save-rejected')).click();
  await page.getByTestId('rejected-saved').waitFor();
  await noHorizontalScroll(page, 'check');
  await shot(page, p('06-check'));
  await page.locator(qa('wizard-next')).click();

  // Отправка
  const send = page.locator(qa('send-button'));
  await send.waitFor();
  // A stray Enter on the review sends nothing: sending takes the button itself.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  assert.equal(await page.getByTestId('upload-done').count(), 0, 'Enter on the review must not send');
  assert.ok(await send.isVisible());
  assert.match(await send.innerText(), /Отправить 1\s204 строки в Метрику/);
  await text(page, 'Мебель Рома');
  await noHorizontalScroll(page, 'send');
  await shot(page, p('07-send'));
  await send.click();
  await page.getByTestId('upload-done').waitFor({ timeout: 15_000 });
  await shot(page, p('08-done'));

  // «Повторять автоматически»: the run becomes a job (folder from the native dialog).
  await page.locator(qa('repeat-job')).click();
  await page.locator(qa('repeat-dialog')).waitFor();
  await page.locator(qa('repeat-pick-folder')).click();
  await page.waitForFunction(
    () => document.querySelector('[data-qa="repeat-folder"] input')?.value === '/home/demo/Выгрузки CRM',
  );
  await page.locator(`${qa('repeat-time')} input`).fill('08:30');
  await page.locator(`${qa('repeat-name')} input`).fill('roma-orders');
  await shot(page, p('08a-repeat-dialog'));
  await page.locator(qa('repeat-save')).click();
  await page.getByTestId('repeat-created').waitFor();
  await shot(page, p('08b-repeat-created'));
  await page.locator(qa('repeat-done')).click();
  await page.locator(qa('to-history')).click();

  // История
  await page.getByTestId('history-table').waitFor();
  await page.getByTestId('upload-detail').waitFor();
  await text(page, 'Заказы из CRM, ноябрь.csv');
  await text(page, 'Обрабатывается');
  // The upload left rows out: its rejected-rows file is offered next to it.
  await page.getByTestId('history-rejected').waitFor();
  await page.locator(qa('refresh-status')).click();
  await text(page, 'Связано с визитами:');
  await noHorizontalScroll(page, 'history');
  await shot(page, p('09-history'));

  // The date filter takes typed text (WebKitGTK has no date picker): half-typed is ignored
  // with a hint, never an error screen; a real day filters.
  const from = page.locator(`${qa('filter-from')} input`);
  await from.fill('20.11');
  await text(page, 'Не дата — фильтр не применён');
  await page.getByTestId('history-table').waitFor();
  await shot(page, p('09a-history-date-half-typed'));
  const today = new Date();
  const dd = String(today.getDate()).padStart(2, '0');
  const mm = String(today.getMonth() + 1).padStart(2, '0');
  await from.fill(`${dd}.${mm}.${today.getFullYear() + 1}`);
  await page.getByTestId('history-empty').waitFor();
  await shot(page, p('09b-history-date-filter'));
  await from.fill(`${dd}.${mm}.${today.getFullYear()}`);
  await page.getByTestId('history-table').waitFor();
  await from.fill('');

  // Клиенты
  await page.locator(qa('nav-clients')).click();
  await page.getByTestId('clients-table').waitFor();
  await text(page, 'Автосервис Урал');
  await page.getByTestId('job-roma-orders').waitFor();
  await text(page, 'каждый день в 08:30');
  await noHorizontalScroll(page, 'clients');
  await shot(page, p('10-clients'));
  await page.getByTestId('job-roma-orders').locator(qa('job-run-now')).click();
  await page.getByTestId('job-roma-orders').getByTestId('job-result').waitFor();
  await text(page, 'Новых строк нет');
  await shot(page, p('10a-clients-job-ran'));

  // Counter picker with search
  await page.locator(qa('counter-picker')).click();
  // The search box has the focus as soon as the picker opens: typing just works.
  await page.waitForFunction(() => document.activeElement?.closest('[data-qa="counter-search"]') !== null);
  await page.keyboard.type('Урал');
  await text(page, '1 счётчик ·');
  await text(page, 'avto-ural.ru');
  await page.waitForTimeout(300);
  await shot(page, p('11-counter-picker'));
  await page.keyboard.press('Enter');
  await page.locator(qa('counter-picker')).getByText('Автосервис Урал').waitFor();

  // Аккаунты and the sign-in dialog (Esc closes it)
  await page.locator(qa('nav-accounts')).click();
  await page.getByTestId('accounts-list').waitFor();
  await page.locator(qa('open-sign-in')).click();
  await text(page, 'Вход через Яндекс');
  await page.waitForTimeout(400); // let the dialog finish fading in before the screenshot
  await shot(page, p('12-sign-in'));
  await page.keyboard.press('Escape');
  await page.getByText('Вход через Яндекс').waitFor({ state: 'hidden' });

  // Настройки: developer facts are folded away under «Для поддержки».
  await page.locator(qa('nav-settings')).click();
  await text(page, 'Для поддержки');
  assert.equal(await page.getByTestId('support-facts').isVisible(), false);
  await shot(page, p('13-settings'));

  // English mirrors Russian; switching back restores it.
  await page.locator(qa('setting-language')).locator('input[value="en"]').click({ force: true });
  await text(page, 'For support');
  await page.locator(qa('nav-history')).click();
  await text(page, 'Upload history');
  await shot(page, p('13b-history-en'));
  await page.locator(qa('nav-settings')).click();
  await page.locator(qa('setting-language')).locator('input[value="ru"]').click({ force: true });
  await text(page, 'Для поддержки');

  // Going back keeps decisions: the wizard still holds the sent file's result.
  await page.locator(qa('nav-upload')).click();
  await page.getByTestId('upload-done').waitFor();

  // A view-only counter is said at once, greyed in the picker and warned about in the wizard,
  // not at the final step.
  await page.locator(qa('counter-picker')).click();
  await page.waitForFunction(() => document.activeElement?.closest('[data-qa="counter-search"]') !== null);
  await page.keyboard.type('Бани');
  await text(page, 'только просмотр');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.locator(qa('view-only-counter')).waitFor();
  await text(page, 'В счётчик «Бани под ключ» загружать нельзя');
  await shot(page, p('13c-view-only-counter'));
  await page.locator(qa('counter-picker')).click();
  await page.waitForFunction(() => document.activeElement?.closest('[data-qa="counter-search"]') !== null);
  await page.keyboard.type('Мебель Рома');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.locator(qa('view-only-counter')).waitFor({ state: 'hidden' });

  // Drop another file anywhere on the window: the target lights up, then the new file opens.
  await page.locator(qa('upload-another')).click();
  await page.getByTestId('drop-zone').waitFor();
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['x'], 'Оплаты в магазине.xlsx'));
    return d;
  });
  await page.dispatchEvent('.mb-content', 'dragenter', { dataTransfer: dt });
  await page.getByTestId('drop-overlay').waitFor();
  await text(page, 'Отпустите — откроем этот файл');
  await shot(page, p('14-drop-overlay'));
  await page.dispatchEvent('.mb-content', 'drop', { dataTransfer: dt });
  await page.getByTestId('drop-overlay').waitFor({ state: 'hidden' });
  await text(page, 'Оплаты в магазине.xlsx');
  await text(page, 'Похоже на «Офлайн-конверсии»');
  await page.locator(qa('read-sheet')).waitFor();
  await shot(page, p('15-file-xlsx'));
  await page.locator(qa('wizard-next')).click();
  await page.getByTestId('mapping-table').waitFor();
  await text(page, 'Цель — действие, которое засчитает Метрика');
  await shot(page, p('16-columns-conversions'));
  // No statuses step for conversions.
  assert.equal(await page.locator(qa('step-statuses')).count(), 0);
}

/** 1280×800 at 200 % zoom is a 640×400 CSS-pixel window: text stays readable, no sideways scroll. */
export async function zoomed(browser, baseUrl) {
  const context = await browser.newContext({
    viewport: { width: 640, height: 400 },
    deviceScaleFactor: 2,
    locale: 'ru-RU',
  });
  const page = await context.newPage();
  try {
    await page.goto(baseUrl);
    await page.locator(qa('try-demo')).click();
    await page.locator(qa('pick-file')).click();
    await text(page, 'Что мы поняли о файле');
    await noHorizontalScroll(page, 'file at 200 %');
    await shot(page, 'zoom200-03-file');
    await page.locator(qa('wizard-next')).click();
    await page.getByTestId('mapping-table').waitFor();
    await noHorizontalScroll(page, 'columns at 200 %');
    await shot(page, 'zoom200-04-columns');
    await page.locator(qa('wizard-next')).click();
    await page.getByTestId('status-table').waitFor();
    await page.locator(qa('wizard-next')).click();
    await page.getByTestId('validation-summary').waitFor({ timeout: 15_000 });
    await noHorizontalScroll(page, 'check at 200 %');
    await page.locator(qa('wizard-next')).click();
    const send = page.locator(qa('send-button'));
    await send.waitFor();
    await send.scrollIntoViewIfNeeded();
    const box = await send.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 640 && box.y + box.height <= 400, `send button off screen: ${JSON.stringify(box)}`);
    await noHorizontalScroll(page, 'send at 200 %');
    await shot(page, 'zoom200-07-send');
  } catch (e) {
    await shot(page, 'zoom200-FAILED');
    throw e;
  } finally {
    await context.close();
  }
}

/** A small laptop window (1024×700): History fits without sideways scrolling, no clipped numbers. */
export async function narrow(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'ru-RU' });
  const page = await context.newPage();
  try {
    await page.goto(baseUrl);
    await page.locator(qa('try-demo')).click();
    await page.getByTestId('drop-zone').waitFor();
    await shot(page, 'narrow-02-file-empty');
    await page.locator(qa('nav-history')).click();
    await page.getByTestId('history-table').waitFor();
    await page.getByText('Звонки Calltouch').first().click();
    await page.getByTestId('upload-detail').waitFor();
    await noHorizontalScroll(page, 'history at 1024×700');
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="history-table"] [role="cell"], [data-testid="history-table"] [role="columnheader"]')]
        .filter((c) => c.scrollWidth > c.clientWidth + 1 && !c.querySelector('.mb-ellipsis'))
        .map((c) => c.textContent),
    );
    assert.deepEqual(clipped, [], 'no clipped cells in History');
    const tableOver = await page.evaluate(() => {
      const t = document.querySelector('[data-testid="history-table"]');
      return t ? t.scrollWidth - t.clientWidth : -1;
    });
    assert.ok(tableOver >= 0 && tableOver <= 1, `History table wider than its box by ${tableOver}px`);
    await shot(page, 'narrow-09-history');
  } catch (e) {
    await shot(page, 'narrow-FAILED');
    throw e;
  } finally {
    await context.close();
  }
}

/** Goes through the wizard with the demo file up to the send review. */
async function toReview(page) {
  await page.locator(qa('pick-file')).click();
  await text(page, 'Что мы поняли о файле');
  await page.locator(qa('wizard-next')).click();
  await page.getByTestId('mapping-table').waitFor();
  await page.locator(qa('wizard-next')).click();
  await page.getByTestId('status-table').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('validation-summary').waitFor({ timeout: 15_000 });
}

/** A stopped send says «прервана» (never «отправлен»), resends in one action; the same file
 *  again with only new rows is a calm «нечего отправлять», with no send button. */
export async function sendTruth(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  try {
    await page.goto(baseUrl);
    await page.locator(qa('try-demo')).click();
    await toReview(page);
    await page.locator(qa('wizard-next')).click();
    await page.locator(qa('send-button')).click();
    await text(page, 'Отправляем в Метрику', 15_000);
    await page.locator(qa('job-cancel')).click();
    await page.getByTestId('upload-interrupted').waitFor({ timeout: 15_000 });
    await text(page, 'Отправка прервана');
    assert.equal(await page.getByText('Файл отправлен в Метрику').count(), 0, 'a stopped send is not «sent»');
    await shot(page, 'send-01-interrupted');
    await page.locator(qa('resend')).click();
    await page.getByTestId('upload-done').waitFor({ timeout: 15_000 });
    await shot(page, 'send-02-resent');

    // The same export again: the ledger knows every row.
    await page.locator(qa('upload-another')).click();
    await page.getByTestId('drop-zone').waitFor();
    await toReview(page);
    await page.getByTestId('duplicate-question').getByText('Отправить только новые строки').click();
    await page.locator(qa('wizard-next')).click();
    await page.getByTestId('nothing-new').waitFor();
    await text(page, 'Новых строк нет — отправлять нечего');
    assert.match(await page.getByTestId('review-rows').innerText(), /Отправим 0 новых строк из 1\s204/);
    assert.equal(await page.locator(qa('send-button')).count(), 0, 'nothing to send: no send button');
    await shot(page, 'send-03-nothing-new');
  } catch (e) {
    await shot(page, 'send-FAILED');
    throw e;
  } finally {
    await context.close();
  }
}
