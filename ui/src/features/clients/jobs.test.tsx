// «Повторять автоматически» on the real core (mb-http, fake Metrica): a finished wizard run becomes a job that the
// Clients screen lists with its schedule, runs now, pauses and deletes.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { inRussian, realCorePerFile } from '../../../test/core';
import { byQa, next, press, waitQa } from '../../../test/qa';
import i18n from '../../i18n';
import type { ClientOverview, IssueCode, IssueCount, JobRunView, JobView, ValidationSummary } from '../../ipc';
import { RunReasons, WarningsList, everyText } from './JobsPanel';
import { scheduleErrorText } from './ScheduleButton';

const slow = { timeout: 15_000 };
const typeInto = (qa: string, value: string) => {
  const input = byQa(qa).querySelector('input');
  if (!input) throw new Error(`no input in ${qa}`);
  fireEvent.change(input, { target: { value } });
};

const core = realCorePerFile();

describe('repeating jobs', () => {
  it('turns a finished run into a job and lists it on the Clients screen', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const folder = core.pickedFolder();
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, slow);
    await next();
    await screen.findByTestId('mapping-table', {}, slow);
    await next();
    await screen.findByTestId('validation-summary', {}, { timeout: 15_000 });
    await next();
    await screen.findByTestId('review', {}, slow);
    fireEvent.click(byQa('send-button'));
    await screen.findByTestId('upload-done', {}, { timeout: 15_000 });

    fireEvent.click(byQa('repeat-job'));
    await waitQa('repeat-dialog');
    // The dialog opens on its first question; a path typed letter by letter keeps its spaces
    // («Мои документы» was «Моидокументы»).
    const folderInput = byQa('repeat-folder').querySelector('input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(folderInput), slow);
    typeInto('repeat-folder', '/srv/Мои ');
    expect(folderInput.value).toBe('/srv/Мои ');
    typeInto('repeat-folder', '');
    expect((byQa('repeat-save') as HTMLButtonElement).disabled).toBe(true);
    // Greyed with its reason, not silently.
    expect(byQa('repeat-save').getAttribute('title')).toBe('Сначала выберите папку с выгрузками');
    fireEvent.click(byQa('repeat-pick-folder'));
    await waitFor(
      () => expect((byQa('repeat-folder').querySelector('input') as HTMLInputElement).value).toBe(folder),
      slow,
    );
    // The core checks the time: its refusal marks the field, and Save waits for a new time.
    // A name in Russian: the scheduler's handle is Latin, the app keeps saying what was typed.
    typeInto('repeat-name', 'Заказы Рома');
    typeInto('repeat-time', '9:5');
    fireEvent.click(byQa('repeat-save'));
    expect(await screen.findByText('Время в виде ЧЧ:ММ, например 09:00', {}, slow)).toBeTruthy();
    expect((byQa('repeat-save') as HTMLButtonElement).disabled).toBe(true);
    typeInto('repeat-time', '8:30');
    expect(screen.queryByText('Время в виде ЧЧ:ММ, например 09:00')).toBeNull();
    fireEvent.click(byQa('repeat-save'));
    const created = await screen.findByTestId('repeat-created', {}, slow);
    expect(created.textContent).toContain('Задание «Заказы Рома» создано.');
    // The demo's Metrica lives inside the app: no OS scheduler entry, said before any click.
    await waitFor(() => expect((byQa('job-schedule', created) as HTMLButtonElement).disabled).toBe(true), slow);
    expect(byQa('job-schedule-why', created).textContent).toContain('только кнопкой «Запустить сейчас»');
    fireEvent.click(byQa('repeat-done'));
    // The same name again, written differently: the core refuses it at the field, naming the job.
    fireEvent.click(byQa('repeat-job'));
    await waitQa('repeat-dialog');
    fireEvent.click(byQa('repeat-pick-folder'));
    await waitFor(
      () => expect((byQa('repeat-folder').querySelector('input') as HTMLInputElement).value).toBe(folder),
      slow,
    );
    typeInto('repeat-name', 'заказы  рома!');
    fireEvent.click(byQa('repeat-save'));
    expect(
      await screen.findByText('Такое название уже у задания «Заказы Рома». Выберите другое название.', {}, slow),
    ).toBeTruthy();
    expect((byQa('repeat-save') as HTMLButtonElement).disabled).toBe(true);
    typeInto('repeat-name', 'заказы рома 2');
    expect(screen.queryByText(/Такое название уже у задания/)).toBeNull();
    // Run by hand: the dialog says how it runs, and offers no schedule to switch on.
    fireEvent.click(within(byQa('repeat-every')).getByText('Вручную'));
    // The same files as «Заказы Рома» for the same counter: refused, naming that job (a
    // second job would only read what the first sends); other files go.
    fireEvent.click(byQa('repeat-save'));
    expect(
      await screen.findByText(/^Эти файлы для этого счётчика уже берёт задание «Заказы Рома»/, {}, slow),
    ).toBeTruthy();
    typeInto('repeat-pattern', 'conversions-*.csv');
    fireEvent.click(byQa('repeat-save'));
    const manual = await screen.findByTestId('repeat-created', {}, slow);
    expect(byQa('repeat-created-manual', manual).textContent).toContain('кнопкой «Запустить сейчас»');
    expect(manual.querySelector('[data-qa="job-schedule"]')).toBeNull();
    fireEvent.click(byQa('repeat-done'));
    await waitFor(() => expect(document.querySelector('[data-qa="repeat-dialog"]')).toBeNull(), slow);

    fireEvent.click(byQa('nav-clients'));
    const card = await screen.findByTestId('job-zakazy-roma', {}, { timeout: 15_000 });
    // The demo account's two view-only counters are not clients to upload for: said, not hidden.
    await screen.findByText(/Не показаны 2 счётчика, которые можно только смотреть/, {}, slow);
    expect(card.textContent).toContain('Заказы Рома · каждый день в 08:30');
    // ...which is the plan: nothing runs it yet, and the card says so.
    expect(byQa('job-not-scheduled', card).textContent).toBe('Расписание не включено');
    expect(card.textContent).toContain(`${folder} · *.csv`);
    expect(card.textContent).toContain('Ещё не запускалось');
    await press('job-run-now', card);
    await waitFor(() => expect(within(card).getByTestId('job-result').textContent).toBe('Новых строк нет'), slow);
    // Every run: date, file, rows, result in words.
    fireEvent.click(byQa('job-runs', card));
    const runs = await within(card).findByTestId('job-runs-zakazy-roma', {}, slow);
    // The real core's run: the picked export, all of its rows already sent by the wizard.
    expect(runs.textContent).toContain('conversions-november.csv');
    expect(runs.textContent).toContain('уже было 5');
    expect(runs.textContent).toContain('Новых строк нет');
    await press('job-run-now', card);
    await waitFor(() => expect(runs.querySelectorAll('tbody tr').length).toBe(2), slow);
    // The file had not changed: not read again, so no «уже было 0» of it, and the card says why.
    const newest = runs.querySelectorAll('tbody tr')[0] as HTMLElement;
    expect(newest.textContent).toContain('файл не менялся с прошлого запуска');
    expect(newest.textContent).not.toContain('уже было');
    await waitFor(() => expect(byQa('job-last-note', card).textContent).toContain('файл не менялся'), slow);
    // The CRM's export gains a column the job was not made with (written a minute ago, as a
    // finished export is): the same rows go nowhere, and the run says which column it does not
    // read and how to have it read.
    const picked = core.pickedFile();
    const gained = readFileSync(picked, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line, i) => `${line},${i === 0 ? 'Менеджер' : 'Ирина'}`)
      .join('\n');
    writeFileSync(picked, `${gained}\n`);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(picked, aMinuteAgo, aMinuteAgo);
    await press('job-run-now', card);
    await waitFor(() => expect(runs.querySelectorAll('tbody tr').length).toBe(3), slow);
    const gainedRun = runs.querySelectorAll('tbody tr')[0] as HTMLElement;
    const said =
      'В файле новый столбец «Менеджер»: задание его не читает — оно читает столбцы, с которыми его сделали.';
    // In the runs list the note, and where to learn it on hover; on the card the note, how,
    // and the button.
    expect(byQa('job-run-new-columns', gainedRun).textContent).toBe(said);
    expect(byQa('job-run-new-columns', gainedRun).getAttribute('title')).toBe(
      'Учесть их можно кнопкой «Учесть новые столбцы» на карточке задания.',
    );
    expect(gainedRun.textContent).toContain('уже было 5');
    const note = await waitQa('job-new-columns');
    expect(note.textContent).toContain(`${said} Нажмите «Учесть новые столбцы»: если у Метрики есть для него поле`);
    // Learnt: Metrica has no field for «Менеджер», so the job knows it and stops naming it.
    await press('job-learn-columns', card);
    expect((await waitQa('job-learnt')).textContent).toBe(
      'Столбец «Менеджер» задание не читает — у Метрики нет для него поля или оно уже заполнено — и больше о нём не напоминает.',
    );
    await waitFor(() => expect(card.querySelector('[data-qa="job-new-columns"]')).toBeNull(), slow);
    await press('job-edit', card);
    await waitQa('repeat-dialog');
    expect(screen.getByText('Задание «Заказы Рома»')).toBeTruthy();
    fireEvent.click(within(byQa('repeat-every')).getByText('Каждый час'));
    // Which files a run takes and what it does on errors are the user's to choose here too.
    expect(byQa('repeat-take').textContent).toContain('Только самый новый');
    fireEvent.click(within(byQa('repeat-take')).getByText('Каждый новый по очереди'));
    expect(screen.getByText(/от старых к новым/)).toBeTruthy();
    fireEvent.click(within(byQa('repeat-on-errors')).getByText('Не отправлять ничего'));
    fireEvent.click(byQa('repeat-save'));
    await waitFor(() => expect(card.textContent).toContain('каждый час'), slow);
    expect(card.textContent).toContain('*.csv · каждый новый файл · с ошибками не отправляет');
    const stored = (await backend.overview()).flatMap((c) => c.jobs).find((j) => j.name === 'zakazy-roma');
    expect([stored?.each_new_file, stored?.stop_on_bad_rows]).toEqual([true, true]);
    // By hand only: no schedule is saved, and editing it again keeps it so.
    await press('job-edit', card);
    await waitQa('repeat-dialog');
    fireEvent.click(within(byQa('repeat-every')).getByText('Вручную'));
    expect(document.querySelector('[data-qa="repeat-time"]')).toBeNull();
    fireEvent.click(byQa('repeat-save'));
    await waitFor(() => expect(card.textContent).toContain('вручную'), slow);
    // Nothing to switch on for a job run by hand: no schedule button to grey out.
    expect(card.querySelector('[data-qa="job-schedule"]')).toBeNull();
    await press('job-edit', card);
    await waitQa('repeat-dialog');
    fireEvent.click(byQa('repeat-save'));
    await waitFor(() => expect(document.querySelector('[data-qa="repeat-dialog"]')).toBeNull(), slow);
    expect(card.textContent).toContain('вручную');
    await press('job-pause', card);
    await waitFor(() => expect(card.textContent).toContain('На паузе'), slow);
    // A paused job's button runs it once, and says so: the pause stays.
    expect(byQa('job-run-now', card).textContent).toBe('Запустить один раз');
    // (This job runs by hand: no schedule to speak of.)
    expect(byQa('job-run-now', card).getAttribute('title')).toBe(
      'Задание на паузе: запустится сейчас один раз, пауза останется.',
    );
    await press('job-remove', card);
    expect(byQa('job-remove', card).textContent).toBe('Точно удалить?');
    await press('job-remove', card);
    await waitFor(() => expect(screen.queryByTestId('job-zakazy-roma')).toBeNull(), slow);
  });

  it('says every schedule in Russian', () => {
    const t = i18n.getFixedT('ru');
    // The keys are the core's (JobSchedule::words_key, tested there for every schedule).
    const at = (every_key: string, a: string | null): string =>
      everyText({ every_key, schedule: a ? { every: 'weekly', day: 'mon', at: a } : null }, t);
    expect(at('every.hourly', '09:00')).toBe('каждый час');
    expect(at('every.daily', '09:00')).toBe('каждый день в 09:00');
    expect(at('every.weekly_mon', '18:30')).toBe('по понедельникам в 18:30');
    expect(at('every.weekly_sun', '07:00')).toBe('по воскресеньям в 07:00');
    expect(at('every.manual', null)).toBe('вручную');
  });

  it('says why the scheduler entry was not made', () => {
    const t = i18n.getFixedT('ru');
    const invalid = (field: string, reason = 'x') => ({ kind: 'invalid_input', data: { field, reason } });
    expect(scheduleErrorText(invalid('every'), t)).toContain('нет расписания');
    expect(scheduleErrorText(invalid('systemctl', 'systemctl --user enable: Failed to connect to bus'), t)).toBe(
      'Планировщик системы не принял задание: systemctl --user enable: Failed to connect to bus',
    );
    const noRunner = { kind: 'not_found', data: { what: 'mbridge is not installed beside /opt/x nor on PATH' } };
    expect(scheduleErrorText(noRunner, t)).toContain('Переустановите');
    expect(scheduleErrorText({ kind: 'storage', data: { detail: 'disk' } }, t)).toBeNull();
  });

  it('says the window warning with Russian plurals', () => {
    const t = i18n.getFixedT('ru');
    const say = (count: number) => t('clients.warnings.window_closing', { job: 'x', count });
    expect(say(1)).toContain('через 1 день');
    expect(say(3)).toContain('через 3 дня');
    expect(say(5)).toContain('через 5 дней');
    // The last day is «today», never «через 0 дней».
    expect(say(0)).toContain('сегодня последний день');
  });

  it('says why a run left rows out, most rows first', () => {
    const count = (code: IssueCode, column: string | null, n: number): IssueCount => ({
      code,
      column,
      severity: 'error',
      in_file: false,
      count: n,
      examples: [],
      value_type: null,
    });
    const report: ValidationSummary = {
      rows: 4,
      valid_rows: 0,
      errors: 9,
      warnings: 0,
      notices: 0,
      issues: [],
      counts: [
        count('invalid_money', 'revenue', 1),
        count('missing_value', 'order_status', 4),
        { ...count('no_revenue', 'revenue', 4), severity: 'notice' },
        count('invalid_datetime', 'create_date_time', 4),
        count('invalid_phone', 'phones', 1),
      ],
      truncated: false,
      unchanged_rows: 0,
      known_rows: 0,
      new_rows: 0,
      duplicate_of: null,
      duplicate_cut_off: false,
      changed_rows: 0,
      corrected_rows: 0,
      outdated_rows: 0,
      rejected_path: null,
      currency_offer: null,
      send_block: null,
      window_opens_on: null,
      gate: { check: [], review: [], nothing_new: false },
      cut_off_unsettled: null,
      // The fields are named by the export's own columns.
      headers: { revenue: 'Сумма', order_status: 'Статус', create_date_time: 'Дата создания', phones: 'Телефон' },
    };
    const text = render(<RunReasons report={report} />).container.textContent ?? '';
    expect(text).toMatch(
      /^Пустая обязательная ячейка \(«Статус»\): 4 строки; .* \(«Дата создания»\): 4 строки; .*: 1 строка; и ещё 1 вид ошибок$/,
    );
    // Where: the first such row the report kept, with its value.
    const atLine: ValidationSummary = {
      ...report,
      counts: [count('invalid_money', 'revenue', 1)],
      issues: [
        {
          line: 3,
          record: 2,
          place: 'line',
          column: 'revenue',
          code: 'invalid_money',
          severity: 'error',
          value: 'две тысячи',
          fix: null,
          shown: null,
          said: 'две тысячи',
          value_type: 'money',
        },
      ],
    };
    expect(render(<RunReasons report={atLine} />).container.textContent).toContain(
      '(«Сумма»): 1 строка — например, строка 3: «две тысячи»',
    );
    expect(render(<RunReasons report={null} />).container.textContent).toBe('');
    // A column the export lost is the file's problem: no row count.
    const lost: ValidationSummary = {
      ...report,
      // The core says it is of the file (`in_file`), not of one row.
      counts: [{ ...count('mapped_column_not_found', 'Дата создания', 1), in_file: true }],
      issues: [
        {
          line: 1,
          record: 0,
          place: 'header',
          column: 'Дата создания',
          code: 'mapped_column_not_found',
          severity: 'error',
          value: 'Дата создания',
          fix: null,
          shown: null,
          said: 'Дата создания',
          value_type: null,
        },
      ],
    };
    expect(render(<RunReasons report={lost} />).container.textContent).toBe('Столбец пропал («Дата создания»)');
  });
});

describe('the warnings over the Clients screen', () => {
  it('say why a job failed, as its card does', async () => {
    await i18n.changeLanguage('ru');
    const run: JobRunView = {
      id: 3,
      started_at: '2026-12-07T06:00:00Z',
      finished_at: '2026-12-07T06:00:01Z',
      result: 'failed',
      bad: true,
      files: [],
      file_read: false,
      rows_new: 0,
      rows_unchanged: 0,
      rows_changed: 0,
      rows_corrected: 0,
      rows_outdated: 0,
      rows_rejected: 0,
      new_columns: [],
      message: null,
      error: { kind: 'file_unreadable', data: { file_name: '/mnt/crm/exports', reason: { kind: 'folder_not_found' } } },
      upload_ids: [],
      report: null,
    };
    const job = {
      name: 'roma',
      title: 'Заказы Рома',
      last_run: run,
    } as JobView;
    const rows = [
      {
        counter_id: 1,
        counter_name: 'Цветы',
        account: 'a',
        last_upload: null,
        linked_share: null,
        linked_trend: [],
        warnings: [{ code: 'job_failed', job: 'Заказы Рома', job_name: 'roma', value: null }],
        jobs: [job],
      },
    ] as ClientOverview[];
    render(<WarningsList rows={rows} />);
    const alert = screen.getByTestId('overview-warnings');
    expect(alert.textContent).toContain('Цветы: Задание «Заказы Рома» не сработало');
    expect(byQa('job-last-error', alert).textContent).toContain('не найдена');
    // A job named after its counter is not preceded by the counter's name again.
    const named = [
      {
        ...rows[0],
        warnings: [{ code: 'job_failed', job: 'Цветы · Офлайн-конверсии', job_name: 'roma', value: null }],
      },
    ] as ClientOverview[];
    render(<WarningsList rows={named} />);
    const alerts = screen.getAllByTestId('overview-warnings');
    expect(alerts[1]?.textContent).toMatch(/^Задание «Цветы · Офлайн-конверсии» не сработало/);
  });
});
