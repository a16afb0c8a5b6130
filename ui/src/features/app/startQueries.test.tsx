// The start-up questions (boot.ts asks them before React is evaluated) on the real core
// (mb-http, the demo signed in): the active account's counters are among them, the window's
// first render has the counter, and nothing asks for the counters a second time.
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App, makeQueryClient } from '../../App';
import { inRussian, realCorePerFile } from '../../../test/core';
import type { Backend } from '../../ipc/backend';
import { askStartQuestions, seedQueries } from './startQueries';

const core = realCorePerFile();

/** Counts the core's `counters` calls. */
function countCounters(backend: Backend): () => number {
  const real = backend.counters.bind(backend);
  let asked = 0;
  backend.counters = (q) => {
    asked += 1;
    return real(q);
  };
  return () => asked;
}

describe('start-up questions', () => {
  it('ask the active account’s counters once, before the window renders', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const asked = countCounters(backend);
    const qc = makeQueryClient();
    seedQueries(qc, backend, askStartQuestions(backend));
    expect(asked()).toBe(1);
    await waitFor(() => expect(qc.getQueryData(['counters', 'demo-agency', ''])).toBeDefined(), {
      timeout: 15_000,
    });

    render(<App backend={backend} queryClient={qc} />);
    const label = await screen.findByTestId('counter-picker-text', {}, { timeout: 15_000 });
    // No «Загружаем…» first: the answer was already there.
    expect(label.textContent).toBe('Мебель «Рома» — интернет-магазин');
    // The zone as people say it, with the offset the core gave (no Intl zone names).
    expect(screen.getByText('№ 51234501 · Москва, GMT+3')).toBeTruthy();
    expect(asked()).toBe(1);
  });

  it('leave the counters alone when nobody is signed in', async () => {
    const backend = core.backend();
    await backend.signOut('demo-agency');
    const qc = makeQueryClient();
    const answers = askStartQuestions(backend);
    seedQueries(qc, backend, answers);
    await expect(answers.counters).rejects.toMatchObject({ kind: 'not_signed_in' });
    expect(await answers.accounts).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(qc.getQueryCache().findAll({ queryKey: ['counters'] })).toEqual([]);
  });
});
