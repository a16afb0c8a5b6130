// The import journey in jsdom — on the TS demo backend where it needs the demo's invented
// files, on the real core (mb-http) otherwise: file → columns → statuses → check → send →
// history, going back without losing decisions, and the first-run screen.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { createDemoBackend } from './ipc/demo';
import { inRussian, realCorePerFile } from '../test/core';

const nb = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');
const byQa = (id: string) => {
  const el = document.querySelector<HTMLElement>(`[data-qa="${id}"]`);
  if (!el) throw new Error(`no [data-qa="${id}"]`);
  return el;
};
const next = async () => {
  await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false), { timeout: 15_000 });
  fireEvent.click(byQa('wizard-next'));
};
const waitQa = (id: string) => waitFor(() => byQa(id), { timeout: 15_000 });

function renderDemo(signedIn = true) {
  const backend = createDemoBackend({ signedIn, latencyMs: 0, settings: { language: 'ru' } });
  render(<App backend={backend} />);
  return backend;
}

const core = realCorePerFile();

describe('a file handed over by the system', () => {
  it('opens in the import wizard when the app was started with it', async () => {
    const backend = createDemoBackend({
      signedIn: true,
      latencyMs: 0,
      settings: { language: 'ru' },
      openedFile: '/home/anna/Загрузки/crm-orders-november.csv',
    });
    render(<App backend={backend} />);
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 5000 });
    expect(screen.getByTestId('preview-table')).toBeTruthy();
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

describe('import journey on the demo backend', () => {
  it('goes from a file to History, keeping decisions when going back', async () => {
    renderDemo();
    await screen.findByText('Демо');
    fireEvent.click(await waitQa('pick-file'));

    // Файл: what we understood, the preview and the detected kind.
    await screen.findByText('Что мы поняли о файле');
    await screen.findByText(/Похоже на «Заказы из CRM»/);
    expect(screen.getByTestId('preview-table').textContent).toContain('Номер заказа');
    fireEvent.click(byQa('wizard-next'));

    // Столбцы: fields with explanations of Metrica terms.
    await screen.findByTestId('mapping-table');
    expect(screen.getByText(/Выберите столбец|Какой столбец/)).toBeTruthy();
    expect(screen.getAllByText('ClientID — номер посетителя, который присваивает Метрика').length).toBeGreaterThan(0);
    expect(screen.getByTestId('unmapped').textContent).toContain('«Менеджер»');
    fireEvent.click(byQa('wizard-next'));

    // Статусы: Cyrillic statuses with counts, prefilled types.
    const statuses = await screen.findByTestId('status-table');
    expect(statuses.querySelector('[data-status="Отменён"]')?.textContent).toContain('Отменён');
    expect(statuses.textContent).toContain('640');
    fireEvent.click(byQa('wizard-next'));

    // Проверка: numbers and plurals.
    const summary = await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    // Errors and warnings are counted; what we changed ourselves is summarised apart.
    expect(nb(screen.getByTestId('problem-counts').textContent)).toBe('10 ошибок · 24 предупреждения');
    expect(screen.getByTestId('fixed-count').textContent).toMatch(/12/);
    expect(screen.getByTestId('notice-summary').textContent).toContain('Поправили сами');
    expect(nb(screen.getByTestId('rows-valid').textContent)).toBe('1 204');
    expect(summary.textContent).toContain('Строка 14, столбец «Дата создания»');
    expect(byQa('open-rejected')).toBeTruthy();
    fireEvent.click(byQa('wizard-next'));

    // Отправка: the review names counter and rows; the button says what it does.
    await screen.findByTestId('review');
    expect(screen.getByTestId('review-counter').textContent).toContain('Мебель Рома');
    expect(nb(byQa('send-button').textContent)).toBe('Отправить 1 204 строки в Метрику');
    const comment = byQa('comment').querySelector('input');
    if (!comment) throw new Error('no comment input');
    fireEvent.change(comment, { target: { value: 'ноябрь, магазин' } });

    // Going back to Columns and forward again keeps the mapping, statuses, check and comment.
    fireEvent.click(byQa('step-columns'));
    await screen.findByTestId('mapping-table');
    fireEvent.click(byQa('step-send'));
    await screen.findByTestId('review');
    expect((byQa('comment').querySelector('input') as HTMLInputElement).value).toBe('ноябрь, магазин');
    expect(nb(byQa('send-button').textContent)).toBe('Отправить 1 204 строки в Метрику');

    fireEvent.click(byQa('send-button'));
    await screen.findByTestId('upload-done', {}, { timeout: 15_000 });
    fireEvent.click(byQa('to-history'));

    // История shows the new upload with its explanation.
    const table = await screen.findByTestId('history-table');
    await waitFor(() => expect(table.textContent).toContain('Заказы из CRM, ноябрь.csv'));
    const detail = await screen.findByTestId('upload-detail');
    await waitFor(() => expect(detail.textContent).toContain('Обрабатывается'));
    fireEvent.click(byQa('refresh-status'));
    await waitFor(() => expect(screen.getByTestId('explanation').textContent).toContain('Связано с визитами'));
  });

  it('asks before sending the same file twice', async () => {
    const backend = createDemoBackend({ signedIn: true, latencyMs: 0, settings: { language: 'ru' } });
    const request = {
      path: '/home/demo/Документы/Заказы из CRM, ноябрь.csv',
      read: { encoding: null, delimiter: null, header_line: null, sheet: null },
      kind: 'simple-orders' as const,
      mapping: await backend.suggestMapping(
        '/home/demo/Документы/Заказы из CRM, ноябрь.csv',
        { encoding: null, delimiter: null, header_line: null, sheet: null },
        'simple-orders',
        null,
      ),
      counter_id: 44120011,
      status_map: [],
      hash_contacts: true,
      only_new_rows: false,
    };
    await backend.upload(
      { validate: request, merge_mode: 'SAVE', comment: null, confirm_duplicate: false, skip_invalid: true },
      () => undefined,
    );
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    fireEvent.click(byQa('wizard-next'));
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    fireEvent.click(byQa('wizard-next'));
    await screen.findByTestId('status-table', {}, { timeout: 15_000 });
    fireEvent.click(byQa('wizard-next'));
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    expect(question.textContent).toContain('Этот файл уже отправляли');
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(question).getByText('Всё равно отправить ещё раз'));
    await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false));
  });

  it('says calmly that nothing is new when every row was accepted before', async () => {
    const backend = createDemoBackend({ signedIn: true, latencyMs: 0, settings: { language: 'ru' } });
    const path = '/home/demo/Документы/Заказы из CRM, ноябрь.csv';
    const read = { encoding: null, delimiter: null, header_line: null, sheet: null };
    const request = {
      path,
      read,
      kind: 'simple-orders' as const,
      mapping: await backend.suggestMapping(path, read, 'simple-orders', null),
      counter_id: 44120011,
      status_map: [],
      hash_contacts: true,
      only_new_rows: false,
    };
    const first = await backend.upload(
      { validate: request, merge_mode: 'SAVE', comment: null, confirm_duplicate: false, skip_invalid: true },
      () => undefined,
    );
    expect(first.upload?.state).toBe('processing');
    // The same rows again, only new ones: the core answers with a result, not an error.
    const again = await backend.upload(
      {
        validate: { ...request, only_new_rows: true },
        merge_mode: 'SAVE',
        comment: null,
        confirm_duplicate: true,
        skip_invalid: true,
      },
      () => undefined,
    );
    expect(again).toMatchObject({ upload: null, new_rows: 0, valid_rows: 1204 });

    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('status-table', {}, { timeout: 15_000 });
    await next();
    const question = await screen.findByTestId('duplicate-question', {}, { timeout: 15_000 });
    fireEvent.click(within(question).getByText('Отправить только новые строки'));
    await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(byQa('wizard-next'));
    await screen.findByTestId('nothing-new', {}, { timeout: 15_000 });
    expect(nb(screen.getByTestId('review-rows').textContent)).toBe('Отправим 0 новых строк из 1 204');
    expect(screen.getByTestId('nothing-new').textContent).toContain('Новых строк нет — отправлять нечего');
    expect(document.querySelector('[data-qa="send-button"]')).toBeNull();
  });

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

  it('resends an interrupted upload from History and explains what to do', async () => {
    renderDemo();
    fireEvent.click(await waitQa('nav-history'));
    const table = await screen.findByTestId('history-table');
    const row = await waitFor(() => {
      const r = [...table.querySelectorAll<HTMLElement>('[role="row"]')].find((x) =>
        x.textContent?.includes('Прервана'),
      );
      if (!r) throw new Error('no interrupted row');
      return r;
    });
    fireEvent.click(row);
    const detail = await screen.findByTestId('upload-detail');
    await waitFor(() => expect(detail.textContent).toContain('Отправка прервалась'));
    expect(detail.textContent).toContain('сначала проверим, дошёл ли файл');
    fireEvent.click(byQa('resend'));
    await waitFor(() => expect(table.textContent).toContain('Заменена'));
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
