// The check step when the counter is not known, on the real core (mb-http, the demo signed
// in): the account's counters held back, then lost, then none at all. The step says which,
// never stands empty, and checks the file once the counters are there.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { Backend } from '../../ipc';
import { holdCounters, inRussian, loseCounters, realCorePerFile } from '../../../test/core';
import { byQa, next, waitQa } from '../../../test/qa';

const core = realCorePerFile();

/** The picked file (offline conversions: no statuses step) to the check step. */
async function toCheck(backend: Backend) {
  render(<App backend={backend} />);
  fireEvent.click(await waitQa('pick-file'));
  await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
  await next();
  await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
  await next();
}

describe('check step without a counter', () => {
  it('waits for the counters, saying so, then checks the file', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const release = holdCounters(backend);
    await toCheck(backend);
    const waiting = await screen.findByTestId('check-counters-loading', {}, { timeout: 15_000 });
    expect(waiting.textContent).toContain('Загружаем счётчики аккаунта');
    release();
    await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
    expect(screen.queryByTestId('check-counters-loading')).toBeNull();
  });

  it('says why the counters are missing and checks the file after «Повторить»', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const recover = loseCounters(backend);
    await toCheck(backend);
    const notice = await screen.findByTestId('error-network', {}, { timeout: 15_000 });
    expect(notice.textContent).toContain('Нет связи с Метрикой');
    recover();
    fireEvent.click(await waitFor(() => notice.querySelector('button')!));
    await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
  });

  it('tells an account without counters to choose another one', async () => {
    const backend = core.backend();
    await inRussian(backend);
    backend.counters = () => Promise.resolve({ total: 0, counters: [] });
    await toCheck(backend);
    const alert = await waitQa('check-no-counter');
    expect(alert.textContent).toContain('нет счётчиков Метрики');
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('check step of a file with no good row', () => {
  const bad = realCorePerFile({ pick: { fixture: 'all-rows-bad.csv', as: 'выгрузка.csv' } });

  it('says why «Далее» is off: every row has an error', async () => {
    const backend = bad.backend();
    await inRussian(backend);
    await toCheck(backend);
    await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Отправлять нечего: все строки с ошибками.')).toBeTruthy();
  });
});

describe('check step for a counter that takes offline data only from tomorrow', () => {
  const closed = realCorePerFile();

  it('offers no send that Metrica would refuse until that day, and says which day', async () => {
    const backend = closed.backend();
    await inRussian(backend);
    const page = await backend.counters({ search: 'Здоровье', offset: 0, limit: 10 });
    const counter = page.counters[0];
    if (!counter) throw new Error('no «Здоровье+» counter in the demo');
    window.localStorage.setItem('mb.counter', String(counter.id));
    try {
      await toCheck(backend);
      await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
      await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true));
      expect(
        screen.getAllByText(/Метрика начнёт принимать офлайн-данные в этот счётчик \d\d\.\d\d\.\d{4}/).length,
      ).toBe(1);
    } finally {
      window.localStorage.removeItem('mb.counter');
    }
  });
});

describe('check step of a file that writes rubles in words', () => {
  const rubles = realCorePerFile({ pick: { fixture: 'rubles-in-words.csv', as: 'продажи из 1С.csv' } });

  it('asks whether «руб.» and «RUR» are RUB, and one click makes every row good without touching the file', async () => {
    const backend = rubles.backend();
    await inRussian(backend);
    await toCheck(backend);
    const offer = await screen.findByTestId('currency-offer', {}, { timeout: 30_000 });
    expect(offer.textContent).toContain('Валюта записана словом: это RUB?');
    expect(offer.textContent).toContain('В столбце «Currency» валюта записана как «руб.», «RUR» (4 строки)');
    expect(screen.getByTestId('rows-valid').textContent).toBe('0');
    fireEvent.click(byQa('currency-offer-use'));
    // The check runs again reading those words as RUB: all four rows are good, nothing is
    // offered, and the change is said among the ones we made.
    await waitFor(() => expect(screen.getByTestId('rows-valid').textContent).toBe('4'), { timeout: 30_000 });
    expect(screen.queryByTestId('currency-offer')).toBeNull();
    expect(screen.queryByTestId('count-unknown_currency')).toBeNull();
    expect(screen.getByTestId('validation-summary').textContent).toContain(
      'Валюта, записанная словом, будет отправлена выбранным кодом',
    );
    // The Columns step still reads the currency column (other currencies stay checked), says
    // which words go as RUB, and can forget them.
    fireEvent.click(byQa('wizard-back'));
    await screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
    expect(byQa('source-Currency').textContent).toContain('Currency');
    const names = screen.getByTestId('currency-names');
    expect(names.textContent).toContain('«руб.» → RUB');
    expect(names.textContent).toContain('«RUR» → RUB');
    fireEvent.click(byQa('currency-names-forget'));
    expect(screen.queryByTestId('currency-names')).toBeNull();
  });
});

describe('check step of a file with an error in the file itself', () => {
  const broken = realCorePerFile({ pick: { fixture: 'decimal-comma-unquoted.csv', as: 'продажи.csv' } });

  it('does not lead on to a send the core would refuse, and says why skipping rows does not help', async () => {
    const backend = broken.backend();
    await inRussian(backend);
    await toCheck(backend);
    await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
    // Two good rows, but a row with a cell too many: the file's rows cannot be trusted.
    expect(screen.getByTestId('rows-valid').textContent).toBe('2');
    // ...which are not good news while the file cannot go: not in green, and said why.
    expect(screen.getByTestId('rows-valid').className).not.toMatch(/positive/);
    expect(screen.getByTestId('rows-held').textContent).toBe('не уйдут, пока в файле ошибка');
    // The broken line is counted as a line, not as «весь файл».
    expect(screen.getByTestId('count-too_many_fields').textContent).toContain('1 строка');
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    expect(
      screen.getByText(
        'Отправить нельзя: «Лишние ячейки в строке» касается всего файла, и пропуск строк её не обойдёт. Проверьте разделитель на шаге «Файл» или возьмите значение в кавычки.',
      ),
    ).toBeTruthy();
  });
});

describe('check step of CRM orders with no status', () => {
  const orders = realCorePerFile({ pick: { fixture: 'orders-no-status.csv', as: 'заказы.csv' } });

  it('says Metrica will count every order as paid, of the whole file, and still lets them go', async () => {
    const backend = orders.backend();
    await inRussian(backend);
    await toCheck(backend);
    // No column of statuses: no «Статусы» step to match nothing on; the check says what no
    // status means.
    await screen.findByTestId('validation-summary', {}, { timeout: 30_000 });
    expect(screen.getByRole('navigation', { name: 'Шаги загрузки' }).textContent).not.toContain('Статусы');
    const count = screen.getByTestId('count-status_defaults_to_paid');
    expect(count.textContent).toContain('Заказ засчитается оплаченным');
    // Of the file, not «1 строка».
    expect(count.textContent).toContain('весь файл');
    expect(count.textContent).not.toMatch(/строк/);
    expect(screen.getByTestId('rows-valid').textContent).toBe('3');
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false);
    // No currency and a sum: rubles, said once for the whole file among the remarks.
    expect(screen.getByTestId('remark-crm_revenue_in_rubles').textContent).toContain('Доход в рублях: весь файл');
  });
});
