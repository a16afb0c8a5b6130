// A CRM job whose export gained a status after the job was made (real core: mb-http, fake
// Metrica): the run holds those rows back, the job's card offers to map the new status, and
// the next run sends exactly the rows it held back.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { crmRequest, inRussian, realCorePerFile } from '../../../test/core';
import { byQa, press, waitQa } from '../../../test/qa';

const slow = { timeout: 15_000 };
const core = realCorePerFile({ pick: { fixture: 'crm-orders-october.csv', as: 'orders.csv' } });

describe('a CRM job meets a new status', () => {
  it('offers to map it on the card, and the next run sends the rows held back', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const path = core.pickedFile();
    const sent = await backend.upload(await crmRequest(backend, path), () => undefined);
    await backend.createJob({
      upload_id: sent.upload?.id ?? 0,
      name: 'Заказы Рома',
      folder: core.pickedFolder(),
      pattern: '*.csv',
      schedule: null,
      stop_on_bad_rows: false,
      each_new_file: false,
    });
    appendFileSync(path, 'Z-2101;05.10.2026 10:00;79035550099;;Возврат;1500;Олег\n');
    const ran = await backend.runJob('zakazy-roma');
    // The export's 3 rows with errors of their own, and the one with the new status.
    expect(ran.last_run?.rows_rejected).toBe(4);
    expect(ran.statuses_to_map).toBe('rows');

    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-clients'));
    const card = await screen.findByTestId('job-zakazy-roma', {}, slow);
    fireEvent.click(byQa('job-map-statuses', card));
    const dialog = await waitQa('job-statuses-dialog');
    expect(dialog.textContent).toContain('Новые статусы задания «Заказы Рома»');
    const table = await within(dialog).findByTestId('job-status-table', {}, slow);
    // «Отправить верные строки»: the rows with the new status were held back, the rest went.
    expect(dialog.textContent).toContain('Строки с ними задание не отправило.');
    // Only the new status, with its rows and the core's suggestion.
    const rows = table.querySelectorAll('[role="row"][data-status]');
    expect([...rows].map((r) => r.getAttribute('data-status'))).toEqual(['Возврат']);
    expect(rows[0]?.textContent).toContain('1');
    expect(byQa('job-status-type-Возврат').textContent).toContain('Отменён');
    fireEvent.click(byQa('job-statuses-save'));
    await waitQa('job-statuses-saved');
    fireEvent.click(byQa('job-statuses-done'));
    // Mapped: the card stops offering it, and the next run sends that one row.
    await waitFor(() => expect(card.querySelector('[data-qa="job-map-statuses"]')).toBeNull(), slow);
    await press('job-run-now', card);
    await waitFor(() => expect(within(card).getByTestId('job-result').textContent).toBe('Отправлено'), slow);
    expect(card.textContent).toContain('новых: 1 строка');
    expect(card.textContent).toContain('с ошибками: 3 строки');
    // The client's last upload is simple orders: Metrica counts no linking for them, and the
    // table's «—» says so instead of reading as «nothing linked».
    await waitFor(
      () =>
        expect(document.querySelector('[data-qa="linked-not-counted"]')?.getAttribute('title')).toBe(
          'Для заказов и контактов Метрика не сообщает, сколько строк связалось с визитами.',
        ),
      slow,
    );
  });
});

describe('a CRM job that stops on bad rows meets a new status', () => {
  const stopping = realCorePerFile({ pick: { fixture: 'crm-orders-october.csv', as: 'orders.csv' } });

  it('says the run sent nothing of the file, by the policy it ran with', async () => {
    const backend = stopping.backend();
    await inRussian(backend);
    const path = stopping.pickedFile();
    const sent = await backend.upload(await crmRequest(backend, path), () => undefined);
    const job = {
      name: 'zakazy-stop',
      folder: stopping.pickedFolder(),
      pattern: '*.csv',
      schedule: null,
      each_new_file: false,
    };
    await backend.createJob({ ...job, upload_id: sent.upload?.id ?? 0, name: 'Заказы стоп', stop_on_bad_rows: true });
    appendFileSync(path, 'Z-2101;05.10.2026 10:00;79035550099;;Возврат;1500;Олег\n');
    const ran = await backend.runJob('zakazy-stop');
    expect([ran.last_run?.result, ran.statuses_to_map]).toEqual(['blocked', 'file']);
    // «Отправить верные строки» chosen since: that run still held back the whole file.
    const edited = await backend.editJob({ ...job, stop_on_bad_rows: false });
    expect([edited.stop_on_bad_rows, edited.statuses_to_map]).toEqual([false, 'file']);

    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-clients'));
    const card = await screen.findByTestId('job-zakazy-stop', {}, slow);
    // Its run in «Все запуски»: stopped before counting, so its rows cell says the errors alone
    // (not «—, с ошибками 4»).
    fireEvent.click(byQa('job-runs', card));
    const runs = await within(card).findByTestId('job-runs-zakazy-stop', {}, slow);
    await waitFor(() => expect(runs.querySelectorAll('tbody tr').length).toBe(1), slow);
    const rowsCell = runs.querySelectorAll('tbody tr')[0]?.querySelectorAll('td')[2];
    expect(rowsCell?.textContent).toMatch(/^с ошибками \d+$/);
    fireEvent.click(byQa('job-map-statuses', card));
    const dialog = await waitQa('job-statuses-dialog');
    await within(dialog).findByTestId('job-status-table', {}, slow);
    expect(dialog.textContent).toContain('Из-за них задание не отправило ничего из этого файла');
    expect(dialog.textContent).not.toContain('Строки с ними задание не отправило.');
  });
});
