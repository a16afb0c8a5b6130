// The Columns step on the real core (mb-http): what keeps the mapping from being checked is the
// core's answer, and the rows it names are the ones marked.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { inRussian, realCorePerFile } from '../../../test/core';
import { byQa, next, waitQa } from '../../../test/qa';

const core = realCorePerFile();

/** The demo core's file, in Russian, on to the Columns step; its mapping table. */
async function toColumns(): Promise<HTMLElement> {
  const backend = core.backend();
  await inRussian(backend);
  render(<App backend={backend} />);
  fireEvent.click(await waitQa('pick-file'));
  await screen.findByText('Что мы поняли о файле', {}, { timeout: 15_000 });
  await next();
  return screen.findByTestId('mapping-table', {}, { timeout: 15_000 });
}

describe('columns step', () => {
  it('marks a goal chosen as «one value» with no value as missing, as the core does', async () => {
    const table = await toColumns();
    const row = () => table.querySelector<HTMLElement>('[data-field="Target"]')!;
    expect(row().className).not.toContain('mb-map__row_missing');
    // «Одно значение для всех строк» without a goal picked: no value is no value.
    fireEvent.click(byQa('source-Target'));
    fireEvent.click(await screen.findByRole('option', { name: 'Одно значение для всех строк' }));
    await waitFor(() => expect(row().className).toContain('mb-map__row_missing'), { timeout: 15_000 });
    expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Выберите столбец или одно значение для поля «Цель/)).toBeTruthy();
    // No other row is marked.
    expect(table.querySelectorAll('.mb-map__row_missing').length).toBe(1);
    // The one value is picked from the counter's goals (the core says the field holds a goal).
    fireEvent.click(byQa('constant-Target'));
    await waitFor(() =>
      expect(screen.getAllByRole('option').some((o) => /\(\w+\)$/.test(o.textContent ?? ''))).toBe(true),
    );
  });

  it('offers the currencies for a fixed value, the common ones first', async () => {
    await toColumns();
    // The currency as one value for every row: a list of codes, the common ones first, and
    // every other one Metrica takes (a shop in Bishkek sells in KGS).
    fireEvent.click(byQa('source-Currency'));
    fireEvent.click(await screen.findByRole('option', { name: 'Одно значение для всех строк' }));
    fireEvent.click(await waitQa('constant-Currency'));
    const list = (await screen.findByRole('option', { name: 'RUB' })).closest<HTMLElement>('[role="listbox"]')!;
    const codes = within(list)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(codes.slice(0, 3)).toEqual(['RUB', 'USD', 'EUR']);
    expect(codes.length).toBeGreaterThan(15);
    expect(codes).toContain('KGS');
  });
});
