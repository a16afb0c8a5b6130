// The File step on the real core (mb-http): what it understood about the file, as the core read it.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { inRussian, realCorePerFile } from '../../../test/core';
import { byQa, waitQa } from '../../../test/qa';

const core = realCorePerFile({ pick: { fixture: 'long-preamble.csv', as: 'Продажи за ноябрь (1С).csv' } });

describe('file step', () => {
  it('offers the header line the core found under a long report title (line 13), and the next ones', async () => {
    const backend = core.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
    await waitFor(() => expect(byQa('read-header').textContent).toBe('13'), { timeout: 15_000 });
    // The list offered lines 1–10 only: the line found, and the ones after it, could not be chosen.
    fireEvent.click(byQa('read-header'));
    const options = (await screen.findAllByRole('option')).map((o) => o.textContent);
    expect(options).toContain('13');
    expect(options).toContain('15');
  });
});

describe('file preview', () => {
  const orders = realCorePerFile({ pick: { fixture: 'orders-no-status.csv', as: 'заказы.csv' } });

  it('gives each column a width by what it holds: a date or a phone more than a sum', async () => {
    const backend = orders.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    const table = await screen.findByTestId('preview-table', {}, { timeout: 15_000 });
    const template = table.querySelector<HTMLElement>('[role="row"]')!.style.gridTemplateColumns;
    // №, Номер заказа, Дата заказа, Телефон, Email, Сумма.
    const shares = [...template.matchAll(/(\d+)fr/g)].map((m) => Number(m[1]));
    expect(shares).toHaveLength(5);
    const [number, date, phone, , sum] = shares as [number, number, number, number, number];
    expect(date).toBeGreaterThan(sum);
    expect(phone).toBeGreaterThan(sum);
    expect(number).toBeGreaterThanOrEqual(sum);
  });
});

describe('file preview of lines that cannot be read', () => {
  const broken = realCorePerFile({ pick: { fixture: 'bad_broken_quoting.csv', as: 'заказы.csv' } });

  it('says which lines are not in the table and why, instead of dropping them silently', async () => {
    const backend = broken.backend();
    await inRussian(backend);
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('pick-file'));
    const said = await waitQa('preview-unreadable');
    expect(said.textContent).toMatch(/^Строк[иа] [\d, ]+ не удалось разобрать на ячейки \(/);
    expect(said.textContent).toContain('кавычк');
    expect(said.textContent).toContain('на шаге «Проверка»');
  });
});
