// The counter button at the top while the account's counters are on their way and when they
// cannot be had, on the real core (mb-http, the demo signed in). The core's answer is held
// back, or replaced by the error the core gives for a lost connection.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { holdCounters, inRussian, loseCounters, realCorePerFile } from '../../../test/core';
import { byQa } from '../../../test/qa';

const core = realCorePerFile();
const text = () => screen.findByTestId('counter-picker-text', {}, { timeout: 15_000 });

describe('counter button', () => {
  it('says the counters are loading, never «Выберите счётчик», until they come', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const release = holdCounters(backend);
    render(<App backend={backend} />);
    const label = await text();
    expect(label.textContent).toBe('Загружаем…');
    release();
    await waitFor(() => expect(label.textContent).toBe('Мебель «Рома» — интернет-магазин'), { timeout: 15_000 });
  });

  it('says they did not load, and the dialog tells why and loads them on «Повторить»', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const recover = loseCounters(backend);
    render(<App backend={backend} />);
    const label = await text();
    await waitFor(() => expect(label.textContent).toBe('Счётчики не загрузились'), { timeout: 15_000 });

    fireEvent.click(byQa('counter-picker'));
    const notice = await screen.findByTestId('error-network', {}, { timeout: 15_000 });
    recover();
    fireEvent.click(await waitFor(() => notice.querySelector('button')!));
    await screen.findByText(
      'Мебель «Рома» — интернет-магазин',
      { selector: '.mb-picker__item span' },
      { timeout: 15_000 },
    );
    await waitFor(() => expect(label.textContent).toBe('Мебель «Рома» — интернет-магазин'));
  });
});
