// The import journey in jsdom on the real core (mb-http, the demo's fake Metrica): file →
// columns → statuses → check → send → history, going back without losing decisions, the same
// file twice, a file handed over by the system, an interrupted send resent from History, and
// the first-run screen. The CRM export is fixtures/crm-orders-october.csv: 12 orders of
// October (older than the 21-day window, so each dated row is warned about), 3 with errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import i18n from './i18n';
import { UPLOAD_STATES } from './ipc';
import type { Backend, UploadRequest } from './ipc';
import { ROMA, crmRequest, inRussian, realCorePerFile } from '../test/core';
import type { RealCore } from '../test/core';
import { byQa, next, waitQa } from '../test/qa';

const nb = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

const CRM = { fixture: 'crm-orders-october.csv', as: 'Заказы из CRM, октябрь.csv' };

async function renderOn(core: RealCore): Promise<Backend> {
  const backend = core.backend();
  await inRussian(backend);
  render(<App backend={backend} />);
  return backend;
}

/** The send the wizard makes with its suggestions (columns, statuses) and the settings'
 *  hashing, straight to the core. */
/** An upload of a conversions or calls file at `path` to «Мебель „Рома“», as the wizard
 *  would make it with the suggested mapping. */
async function plainRequest(
  backend: Backend,
  path: string,
  kind: 'conversions' | 'calls',
  onlyNew: boolean,
): Promise<UploadRequest> {
  const settings = await backend.settings();
  const read = { encoding: null, delimiter: null, header_line: null, sheet: null };
  return {
    validate: {
      path,
      read,
      kind,
      mapping: await backend.suggestMapping(path, read, kind, ROMA),
      counter_id: ROMA,
      status_map: [],
      hash_contacts: settings.hash_contacts_by_default,
      only_new_rows: onlyNew,
    },
    merge_mode: null,
    comment: null,
    confirm_duplicate: false,
    skip_invalid: true,
  };
}

/** Through the wizard up to the Check step with what it suggests. */
async function toCheck() {
  fireEvent.click(await waitQa('pick-file'));
  await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
  await next();
  await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
  await next();
  await screen.findByTestId('status-table', {}, { timeout: 15_000 });
  await next();
}

const core = realCorePerFile();

describe('a file handed over by the system', () => {
  const opened = realCorePerFile({ opened: { fixture: CRM.fixture, as: 'crm-orders-november.csv' } });

  it('opens in the import wizard when the app was started with it', async () => {
    const backend = await renderOn(opened);
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    expect((await screen.findByTestId('preview-table')).textContent).toContain('Номер заказа');
    expect(document.body.textContent).toContain('crm-orders-november.csv');
    // Taken once: a second ask gets nothing.
    expect(await backend.openedFile()).toBeNull();
  });

  it('settings carry the notification switch, on by default, and save it', async () => {
    const backend = core.backend();
    const s = await backend.settings();
    expect(s.notify_when_processed).toBe(true);
    const saved = await backend.saveSettings({ ...s, notify_when_processed: false });
    expect(saved.notify_when_processed).toBe(false);
  });
});

describe('a CRM export from the file to History', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('goes from a file to History, keeping decisions when going back', async () => {
    await renderOn(crm);
    await screen.findByText('Демо', {}, { timeout: 15_000 });
    fireEvent.click(await waitQa('pick-file'));

    // Файл: what we understood, the preview and the detected kind.
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    await screen.findByText(/Похоже на «Заказы из CRM»/);
    expect(screen.getByTestId('preview-table').textContent).toContain('Номер заказа');
    await next();

    // Столбцы: fields with explanations of Metrica terms; the manager's column is not sent.
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    // Focus moved to the new step's heading, also when the step's code was loaded first.
    await waitFor(() =>
      expect(document.activeElement?.closest('.mb-wizard__body')?.getAttribute('data-step')).toBe('columns'),
    );
    expect(document.activeElement?.tagName).toBe('H2');
    expect(screen.getByText(/Выберите столбец|Какой столбец/)).toBeTruthy();
    expect(screen.getByTestId('unmapped').textContent).toContain('«Менеджер»');
    await next();

    // Статусы: Cyrillic statuses with counts, prefilled types.
    const statuses = await screen.findByTestId('status-table', {}, { timeout: 15_000 });
    await waitFor(() => expect(document.activeElement?.tagName).toBe('H2'));
    expect(document.activeElement?.closest('.mb-wizard__body')?.getAttribute('data-step')).toBe('statuses');
    expect(statuses.querySelector('[data-status="Отменён"]')?.textContent).toContain('3');
    await next();

    // Проверка: numbers and plurals.
    const summary = await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    expect(document.activeElement?.textContent).toBe('Проверка файла');
    // Errors and warnings are counted; what we changed ourselves is summarised apart.
    expect(nb(screen.getByTestId('problem-counts').textContent)).toBe('3 ошибки · 1 предупреждение');
    const fixes = screen.getByTestId('notice-summary');
    expect(fixes.textContent).toContain('Поправили сами');
    // Before → what Metrica gets, in words: no Metrica codes, money with its dot, a date that
    // looks the same with its month spelled out (which of day and month we took).
    expect(fixes.textContent).not.toMatch(/PAID|IN_PROGRESS|CANCELLED/);
    expect(nb(screen.getByTestId('fix-money_normalized').textContent)).toContain('2 990,50 → 2990.50');
    expect(fixes.textContent).toContain('02.10.2026 10:15 (2 октября 2026 г. в 10:15)');
    expect(fixes.textContent).toContain('например Оплачен; В работе');
    expect(nb(screen.getByTestId('fixed-count').textContent)).toMatch(/^поправили сами \d+ значени[йея]$/);
    expect(nb(screen.getByTestId('rows-valid').textContent)).toBe('9');
    expect(summary.textContent).toContain('Строка 7, столбец «Дата создания»');
    expect(byQa('open-rejected')).toBeTruthy();
    await next();

    // Отправка: the review names counter and rows; the button says what it does.
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    expect(screen.getByTestId('review-counter').textContent).toContain('«Мебель „Рома“ — интернет-магазин»');
    expect(nb(byQa('send-button').textContent)).toBe('Отправить 9 строк в Метрику');
    const comment = byQa('comment').querySelector('input');
    if (!comment) throw new Error('no comment input');
    fireEvent.change(comment, { target: { value: 'октябрь, магазин' } });

    // Going back to Columns and forward again keeps the mapping, statuses, check and comment.
    fireEvent.click(byQa('step-columns'));
    await screen.findByTestId('mapping-table');
    fireEvent.click(byQa('step-send'));
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    expect((byQa('comment').querySelector('input') as HTMLInputElement).value).toBe('октябрь, магазин');
    expect(nb(byQa('send-button').textContent)).toBe('Отправить 9 строк в Метрику');

    fireEvent.click(byQa('send-button'));
    const done = await screen.findByTestId('upload-done', {}, { timeout: 15_000 });
    // The result says what did not go beside what did, with the file of the rows left out.
    expect(nb(done.textContent)).toContain('9 строк из файла');
    expect(nb(screen.getByTestId('done-left-out').textContent)).toContain('Строки с ошибками не отправлены: 3 строки.');
    expect(byQa('open-rejected', done)).toBeTruthy();
    // CRM orders: no promise of a linked share that History would never show. The fake
    // processes them at once: the result follows it («processing» only while it is).
    await waitFor(() =>
      expect(byQa('done-text').textContent).toBe('Метрика обработала данные. Статус загрузки — в истории.'),
    );
    expect(byQa('done-text').getAttribute('data-processed')).toBe('true');
    fireEvent.click(byQa('to-history'));

    // История shows the new upload with its explanation: taken by Metrica, 3 rows left out.
    const table = await screen.findByTestId('history-table', {}, { timeout: 15_000 });
    await waitFor(() => expect(table.textContent).toContain('Заказы из CRM, октябрь.csv'), { timeout: 15_000 });
    // A cell's tooltip is what it shows, never a state's wire name (`processed`).
    const tips = [...table.querySelectorAll('[title]')].map((e) => e.getAttribute('title') ?? '');
    expect(tips.filter((tip) => (UPLOAD_STATES as readonly string[]).includes(tip))).toEqual([]);
    expect(tips.length).toBeGreaterThan(0);
    await screen.findByTestId('upload-detail', {}, { timeout: 15_000 });
    await waitFor(() => expect(screen.getByTestId('explanation').textContent).toContain('Метрика приняла: 9'), {
      timeout: 15_000,
    });
    expect(screen.getByTestId('explanation').textContent).toContain('Не отправлены из-за ошибок в файле: 3');
    expect(screen.getByTestId('upload-detail').textContent).toContain('октябрь, магазин');

    // A day typed wrong is not applied (its field says so), and the export waits for it: it
    // would write every upload while the screen asks for some.
    const exportButton = () => byQa('export-history') as HTMLButtonElement;
    expect(exportButton().disabled).toBe(false);
    const from = byQa('filter-from').querySelector('input') as HTMLInputElement;
    fireEvent.change(from, { target: { value: '31.02.2026' } });
    await waitFor(() => expect(exportButton().disabled).toBe(true));
    fireEvent.change(from, { target: { value: '01.11.2026' } });
    await waitFor(() => expect(exportButton().disabled).toBe(false));
    // Saved under the day's name, so an export of another day does not replace this one.
    fireEvent.click(exportButton());
    expect(
      await screen.findByText(
        /История сохранена в файл .*metrika-bridge-history-\d{4}-\d{2}-\d{2}\.csv/,
        {},
        { timeout: 15_000 },
      ),
    ).toBeTruthy();
    // Filters that hide every upload: no details of one the list no longer has, no export of a
    // header alone said as «saved», and one press back to the whole list.
    fireEvent.change(from, { target: { value: '01.01.2099' } });
    await screen.findByTestId('history-empty', {}, { timeout: 15_000 });
    await waitFor(() => expect(exportButton().disabled).toBe(true));
    // The chosen upload's details stay, said apart from a list that does not hold it.
    expect(byQa('detail-filtered-out').textContent).toBe('Эта загрузка не подходит под выбранные фильтры.');
    fireEvent.click(byQa('reset-filters'));
    await screen.findByTestId('history-table', {}, { timeout: 15_000 });
    expect(from.value).toBe('');
    await screen.findByTestId('upload-detail');
    expect(document.querySelector('[data-qa="detail-filtered-out"]')).toBeNull();
  });
});

describe('the same CRM export again', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('asks before sending the same file twice', async () => {
    const backend = crm.backend();
    const first = await backend.upload(await crmRequest(backend, crm.pickedFile()), () => undefined);
    expect(first.outcome).toBe('sent');
    await renderOn(crm);
    await toCheck();
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    expect(question.textContent).toContain('Этот файл уже отправляли');
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    // «Готово к отправке» is what surely goes: Metrica has all 9, so none, said calmly; whether
    // the 9 go again is the question's, not said to be decided before it is answered.
    expect(screen.getByTestId('rows-valid').textContent).toBe('0');
    expect(screen.getByTestId('rows-valid').className).not.toMatch(/positive|danger/);
    expect(nb(screen.getByTestId('rows-known').textContent)).toBe(
      'Ещё 9 строк уже отправляли раньше: отправлять ли их снова, выберите ниже.',
    );
    fireEvent.click(within(question).getByText('Отправить только новые строки'));
    await waitFor(() =>
      expect(nb(screen.getByTestId('rows-known').textContent)).toBe('Уже отправляли раньше, пропустим: 9 строк.'),
    );
    expect(screen.getByTestId('rows-valid').textContent).toBe('0');
    // (The check ran again for the answer: the question is drawn anew.)
    fireEvent.click(within(screen.getByTestId('duplicate-question')).getByText('Всё равно отправить ещё раз'));
    await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false));
    // Sending them all again: 9 go.
    await waitFor(() => expect(screen.getByTestId('rows-valid').textContent).toBe('9'), { timeout: 15_000 });
    expect(screen.queryByTestId('rows-known')).toBeNull();
    // The answer holds on the review: all 9 rows go again, not «nothing new».
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    expect(nb(screen.getByTestId('review-rows').textContent)).toBe('Отправим 9 строк');
    // The October rows were warned about on the Check step: the last screen says so too.
    expect(byQa('review-warned').textContent).toMatch(/При проверке — \d+ предупрежд/);
    expect(nb(byQa('send-button').textContent)).toBe('Отправить 9 строк в Метрику');
  });
});

describe('a send in progress', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('keeps the wizard, account and counter on what it sends, also after leaving for History', async () => {
    const backend = crm.backend();
    // The core's answer is held back, so the send is still running while the user looks around.
    const upload = backend.upload.bind(backend);
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    backend.upload = async (req, onProgress) => {
      calls += 1;
      await held;
      return upload(req, onProgress);
    };
    await inRussian(backend);
    render(<App backend={backend} />);
    await toCheck();
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    fireEvent.click(byQa('send-button'));
    await screen.findByTestId('job-progress');
    const disabled = (qa: string) => (byQa(qa) as HTMLButtonElement).disabled;
    expect(disabled('counter-picker')).toBe(true);
    expect(disabled('account-switcher')).toBe(true);
    expect(byQa('step-columns').closest('button')?.disabled ?? disabled('step-columns')).toBe(true);

    // To History and back: the same send, its progress and no second «Отправить».
    fireEvent.click(screen.getByText('История'));
    await screen.findByText('История загрузок', {}, { timeout: 15_000 });
    expect(screen.queryByTestId('wizard')).toBeNull();
    fireEvent.click(screen.getByText('Загрузка'));
    await screen.findByTestId('job-progress', {}, { timeout: 15_000 });
    expect(document.querySelector('[data-qa="send-button"]')).toBeNull();

    release();
    await screen.findByTestId('upload-done', {}, { timeout: 15_000 });
    expect(calls).toBe(1);
    expect(disabled('counter-picker')).toBe(false);
  });
});

describe('the same file sent meanwhile', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('goes back to the check, which asks, when the send finds the file was sent after the check', async () => {
    const backend = await renderOn(crm);
    await toCheck();
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    // A scheduled job (or another window) sends the same file after the check.
    const sent = await backend.upload(await crmRequest(backend, crm.pickedFile()), () => undefined);
    expect(sent.outcome).toBe('sent');
    fireEvent.click(byQa('send-button'));
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    expect(question.textContent).toContain('Этот файл уже отправляли');
    expect(document.querySelector('.mb-wizard__body')?.getAttribute('data-step')).toBe('check');
  });
});

describe('a review whose counter changed', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('checks again when the counter changed after the check', async () => {
    await renderOn(crm);
    await toCheck();
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    expect(screen.getByTestId('review-counter').textContent).toContain('«Мебель „Рома“ — интернет-магазин»');
    // Another counter in the top bar: the review of Roma's check is gone, the check runs anew.
    fireEvent.click(byQa('counter-picker'));
    fireEvent.click(
      await screen.findByText('Автосервис «Урал»', { selector: '.mb-picker__item span' }, { timeout: 15_000 }),
    );
    await waitFor(() => expect(document.querySelector('.mb-wizard__body')?.getAttribute('data-step')).toBe('check'));
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    expect(screen.getByTestId('review-counter').textContent).toContain('«Автосервис „Урал“»');
    // Sent: the result names the counter it went to, and so does «Повторять автоматически».
    fireEvent.click(byQa('send-button'));
    const done = await screen.findByTestId('upload-done', {}, { timeout: 15_000 });
    expect(byQa('done-counter', done).textContent).toMatch(/^Счётчик «Автосервис „Урал“», № \d+$/);
    fireEvent.click(byQa('repeat-job'));
    expect((await waitQa('repeat-counter')).textContent).toBe(
      byQa('done-counter', done).textContent?.replace('Счётчик', 'В счётчик'),
    );
    fireEvent.click(within(byQa('repeat-dialog')).getByText('Отменить'));
    await waitFor(() => expect(document.querySelector('[data-qa="repeat-dialog"]')).toBeNull());
    // Another client chosen after the send: a new upload starts, not Урал's result under
    // the new counter (nor its «Повторять автоматически»).
    fireEvent.click(byQa('counter-picker'));
    fireEvent.click(
      await screen.findByText(
        'Мебель «Рома» — интернет-магазин',
        { selector: '.mb-picker__item span' },
        { timeout: 15_000 },
      ),
    );
    await waitQa('pick-file');
    expect(screen.queryByTestId('upload-done')).toBeNull();
    expect(document.querySelector('.mb-wizard__body')?.getAttribute('data-step')).toBe('file');
  });

  it('starts «Загрузить» for a client at the file, showing the one still open', async () => {
    await renderOn(crm);
    await toCheck();
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    fireEvent.click(byQa('nav-clients'));
    fireEvent.click(await screen.findByLabelText(/^Загрузить файл для «Автосервис/, {}, { timeout: 15_000 }));
    // The file chosen for Рома is shown at its first step, to keep or replace, not checked on
    // for Урал unseen.
    await waitFor(() => expect(document.querySelector('.mb-wizard__body')?.getAttribute('data-step')).toBe('file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    expect(byQa('counter-picker').textContent).toContain('Автосервис');
  });
});

describe('a CRM export whose every row was accepted before', () => {
  const crm = realCorePerFile({ pick: CRM });

  it('says calmly that nothing is new when every row was accepted before', async () => {
    const backend = crm.backend();
    const request = await crmRequest(backend, crm.pickedFile());
    const first = await backend.upload(request, () => undefined);
    expect(first.upload?.state).toBe('processed');
    // The same rows again, only new ones: the core answers with a result, not an error.
    const again = await backend.upload(
      { ...request, validate: { ...request.validate, only_new_rows: true }, confirm_duplicate: true },
      () => undefined,
    );
    expect(again).toMatchObject({ outcome: 'nothing_new', upload: null, new_rows: 0, valid_rows: 9 });

    await renderOn(crm);
    await toCheck();
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    fireEvent.click(within(question).getByText('Отправить только новые строки'));
    await next();
    await screen.findByTestId('nothing-new', {}, { timeout: 15_000 });
    // No review of a send that will not happen («Отправим 0…», «жёлтую кнопку»): the answer.
    expect(screen.queryByTestId('review')).toBeNull();
    expect(document.body.textContent).not.toContain('жёлтую кнопку');
    expect(screen.getByTestId('nothing-new').textContent).toContain('Новых строк нет — отправлять нечего');
    expect(screen.getByTestId('nothing-new').textContent).toContain(
      'Строки без ошибок (9 строк) Метрика уже приняла раньше, без изменений: их повторять не нужно. Строки с ошибками (3 строки) не отправятся',
    );
    expect(document.querySelector('[data-qa="send-button"]')).toBeNull();
    // Whoever means to send everything again unticks «только новые»: the review comes back.
    // CRM orders sent again update the same orders: nothing is counted twice, nothing warned.
    fireEvent.click(within(byQa('only-new')).getByRole('checkbox'));
    await screen.findByTestId('review');
    expect(nb(screen.getByTestId('review-rows').textContent)).toBe('Отправим 9 строк');
    expect(document.querySelector('[data-qa="review-twice"]')).toBeNull();
  });
});

describe('calls sent again on purpose', () => {
  const conv = realCorePerFile({ pick: { fixture: 'calls_clientid.csv', as: 'Звонки офиса.csv' } });

  it('warns on the last screen that calls Metrica has may count twice (conversions replace themselves)', async () => {
    const backend = conv.backend();
    const first = await backend.upload(await plainRequest(backend, conv.pickedFile(), 'calls', false), () => undefined);
    expect(first.outcome).toBe('sent');

    await renderOn(conv);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    await next();
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    fireEvent.click(within(question).getByText('Всё равно отправить ещё раз'));
    await next();
    await screen.findByTestId('review', {}, { timeout: 15_000 });
    const twice = await waitQa('review-twice');
    expect(nb(twice.textContent)).toContain(`${first.new_rows} строки из них уже есть в Метрике`);
    expect(twice.textContent).toContain('может посчитать дважды');
    // Ticking «только новые» again takes the warning away.
    fireEvent.click(within(byQa('only-new')).getByRole('checkbox'));
    await waitFor(() => expect(document.querySelector('[data-qa="review-twice"]')).toBeNull());
  });
});

describe('an older file picked again', () => {
  const conv = realCorePerFile({ pick: { fixture: 'offline_clientid.csv', as: 'Конверсии ноябрь.csv' } });

  it('says which rows hold older values than Metrica now has and does not send them as new', async () => {
    const backend = conv.backend();
    const send = async (path: string) =>
      backend.upload(await plainRequest(backend, path, 'conversions', true), () => undefined);
    const path = conv.pickedFile();
    expect((await send(path)).outcome).toBe('sent');
    // The amount corrected in the CRM and sent: a correction, not a new row.
    const corrected = join(dirname(path), 'Конверсии ноябрь (исправлено).csv');
    writeFileSync(corrected, readFileSync(path, 'utf8').replace('18450.00', '18990.00'));
    const fix = await send(corrected);
    expect([fix.outcome, fix.new_rows, fix.corrected_rows]).toEqual(['sent', 1, 1]);

    // The November file again: its amount is the older one.
    await renderOn(conv);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    await next();
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    expect(byQa('duplicate-outdated', question).textContent).toContain('Но 1 строка этого файла — прежние данные');
    fireEvent.click(within(question).getByText('Отправить только новые строки'));
    await next();
    const nothing = await screen.findByTestId('nothing-new', {}, { timeout: 15_000 });
    expect(byQa('nothing-new-outdated', nothing).textContent).toContain('Её не отправим, чтобы не вернуть старое');
    // Not «без изменений» of all five: one of them changed since.
    expect(nothing.textContent).toContain('Все 4 строки из файла Метрика уже приняла раньше');
  });
});

describe('first run and Settings', () => {
  it('teaches on first run and signs in to the demo', async () => {
    const backend = core.backend();
    for (const a of await backend.accounts()) await backend.signOut(a.login);
    await inRussian(backend);
    render(<App backend={backend} />);
    await screen.findByText('Офлайн-продажи — в Яндекс Метрику');
    fireEvent.click(await waitQa('try-demo'));
    await waitQa('pick-file');
    await waitQa('counter-picker');
  });

  it('says on Accounts, in the demo, how to connect a real account (real core)', async () => {
    const backend = core.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-accounts'));
    const demo = await waitQa('accounts-demo');
    expect(demo.textContent).toContain('demo-agency и его счётчики ненастоящие');
    expect(demo.textContent).toContain('yandex-app.json');
    expect(demo.textContent).toMatch(/Куда положить yandex-app\.json: .*yandex-app\.json/);
    // The demo account is named by its login: once, not twice.
    const list = await screen.findByTestId('accounts-list', {}, { timeout: 15_000 });
    expect(list.querySelector('.mb-account__who')?.textContent).toBe('demo-agency');
  });

  it('keeps the data folder and server address folded under «Для поддержки» in Settings (real core)', async () => {
    const backend = core.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-settings'));
    const about = await screen.findByTestId('about');
    await waitFor(() => expect(about.textContent).toContain('Для поддержки'));
    // The version comes from Rust.
    expect(about.textContent).toMatch(/Metrika Bridge \d+\.\d+\.\d+/);
    const toggle = screen.getByRole('button', { name: /Для поддержки/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-expanded')).toBe('true'));
    expect(screen.getByTestId('support-facts').textContent).toContain('Папка данных');
  });
});

describe('the language', () => {
  it('turns the window English from Settings, reading the English texts only then', async () => {
    // The app starts with the Russian texts alone (the test set-up loads both: take English out).
    i18n.removeResourceBundle('en', 'translation');
    const backend = core.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-settings'));
    const group = await waitQa('setting-language');
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(false);
    fireEvent.click(within(group).getByText('English'));
    // The whole window, the aside and the core's own texts with it, speaks English.
    await waitFor(() => expect(byQa('nav-history').textContent).toContain('History'));
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(true);
    expect(document.documentElement.lang).toBe('en');
    expect(i18n.t('stages.uploading')).toBe('Sending to Metrica');
    fireEvent.click(within(group).getByText('Русский'));
    await waitFor(() => expect(byQa('nav-history').textContent).toContain('История'));
  });
});

describe('a part sent again from the result', () => {
  const cut = realCorePerFile({ pick: CRM, cutFirstUpload: true });

  it('answers the whole result as the core has it now (real core)', async () => {
    const backend = cut.backend();
    const first = await backend.upload(await crmRequest(backend, cut.pickedFile()), () => undefined);
    expect(first).toMatchObject({ outcome: 'interrupted', upload: { state: 'interrupted' } });
    const id = first.upload?.id ?? -1;
    // The result screen's «Отправить заново»: it looks first, then sends; the core answers the
    // result with that part replaced, which part is the truth, the error and the outcome.
    const after = await backend.resendPart(first, id, () => undefined);
    expect(after.outcome).toBe('sent');
    expect(after.parts).toHaveLength(1);
    expect(after.parts[0]?.id).not.toBe(id);
    expect(after.upload?.id).toBe(after.parts[0]?.id);
    expect(after.error).toBeNull();
    expect(after.valid_rows).toBe(first.valid_rows);
  });
});

describe('a send the network cut', () => {
  const cut = realCorePerFile({ pick: CRM, cutFirstUpload: true });

  it('resends an interrupted upload from History and explains what to do', async () => {
    const backend = cut.backend();
    const first = await backend.upload(await crmRequest(backend, cut.pickedFile()), () => undefined);
    expect(first).toMatchObject({ outcome: 'interrupted', upload: { state: 'interrupted' } });
    await renderOn(cut);
    // The same file in the wizard: no «send again» for a send that was cut off, only History.
    await toCheck();
    const cutNotice = await screen.findByTestId('duplicate-interrupted', {}, { timeout: 15_000 });
    expect(cutNotice.textContent).toContain('неизвестно, дошла ли она до Метрики');
    expect(screen.queryByTestId('duplicate-question')).toBeNull();
    expect(screen.getAllByText('Отправьте эту загрузку заново из «Истории».').length).toBeGreaterThan(0);
    fireEvent.click(within(cutNotice).getByText('Открыть в истории'));
    await screen.findByTestId('upload-detail', {}, { timeout: 15_000 });
    fireEvent.click(await waitQa('nav-history'));
    const table = await screen.findByTestId('history-table', {}, { timeout: 15_000 });
    const row = await waitFor(
      () => {
        const r = [...table.querySelectorAll<HTMLElement>('[role="row"]')].find((x) =>
          x.textContent?.includes('Прервана'),
        );
        if (!r) throw new Error('no interrupted row');
        return r;
      },
      { timeout: 15_000 },
    );
    fireEvent.click(row);
    const detail = await screen.findByTestId('upload-detail');
    await waitFor(() => expect(detail.textContent).toContain('Отправка прервалась'));
    expect(detail.textContent).toContain('сначала проверим, дошёл ли файл');
    fireEvent.click(byQa('resend'));
    await waitFor(() => expect(table.textContent).toContain('Заменена'), { timeout: 15_000 });
    // The replaced upload never reached Metrica: it was begun, not «sent» or «processed».
    const replaced = [...table.querySelectorAll<HTMLElement>('[role="row"]')].find((x) =>
      x.textContent?.includes('Заменена'),
    );
    if (!replaced) throw new Error('no replaced row');
    fireEvent.click(replaced);
    await waitFor(() => expect(screen.getByTestId('upload-detail').textContent).toContain('Отправка начата'));
    const facts = screen.getByTestId('upload-detail').textContent ?? '';
    expect(facts).not.toContain('Обработана');
    expect(facts).not.toMatch(/Отправлена\d/);
    expect(facts).toContain('Метрика не нашла у себя этот файл');
  });
});
