// The counter button at the top while the account's counters are on their way and when they
// cannot be had, on the real core (mb-http, the demo signed in). The core's answer is held
// back, or replaced by the error the core gives for a lost connection.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { AppError, CounterPage } from '../../ipc';
import { inRussian, realCorePerFile } from '../../../test/core';

const core = realCorePerFile();
const text = () => screen.findByTestId('counter-picker-text', {}, { timeout: 15_000 });

describe('counter button', () => {
  it('says the counters are loading, never «Выберите счётчик», until they come', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const real = backend.counters.bind(backend);
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    backend.counters = async (q) => {
      await held;
      return real(q);
    };
    render(<App backend={backend} />);
    const label = await text();
    expect(label.textContent).toBe('Загружаем…');
    release();
    await waitFor(() => expect(label.textContent).toBe('Мебель «Рома» — интернет-магазин'), { timeout: 15_000 });
  });

  it('says they did not load, and the dialog tells why and loads them on «Повторить»', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const real = backend.counters.bind(backend);
    const lost: AppError = { kind: 'network', data: { detail: 'connection reset' } };
    let failing = true;
    backend.counters = (q): Promise<CounterPage> =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the IPC rejects with the AppError itself
      failing ? Promise.reject(lost) : real(q);
    render(<App backend={backend} />);
    const label = await text();
    await waitFor(() => expect(label.textContent).toBe('Счётчики не загрузились'), { timeout: 15_000 });

    fireEvent.click(document.querySelector<HTMLElement>('[data-qa="counter-picker"]')!);
    const notice = await screen.findByTestId('error-network', {}, { timeout: 15_000 });
    failing = false;
    fireEvent.click(await waitFor(() => notice.querySelector('button')!));
    await screen.findByText(
      'Мебель «Рома» — интернет-магазин',
      { selector: '.mb-picker__item span' },
      { timeout: 15_000 },
    );
    await waitFor(() => expect(label.textContent).toBe('Мебель «Рома» — интернет-магазин'));
  });
});
