// The linking-window notice on the real core (mb-http, fake Metrica): a counter that takes offline data only from
// tomorrow is explained with its day and the extended window is offered (docs/metrika-api.md §4.7).
import { ThemeProvider } from '@gravity-ui/uikit';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { realCorePerFile } from '../../../test/core';
import { BackendProvider } from '../app/context';
import { LinkingWindowNotice } from './LinkingWindowNotice';

const core = realCorePerFile();

async function setup(search = 'Здоровье') {
  const backend = core.backend();
  const page = await backend.counters({ search, offset: 0, limit: 10 });
  const counter = page.counters[0];
  if (!counter) throw new Error(`no «${search}» counter in the demo`);
  render(
    <ThemeProvider theme="light" lang="ru">
      <QueryClientProvider client={new QueryClient()}>
        <BackendProvider backend={backend}>
          <LinkingWindowNotice counterId={counter.id} kind="conversions" />
        </BackendProvider>
      </QueryClientProvider>
    </ThemeProvider>,
  );
  return backend;
}

describe('linking window notice', () => {
  it('says from which day Metrica takes data and switches the extended window on', async () => {
    await setup();
    const notice = await screen.findByTestId('linking-window');
    expect(notice.textContent).toMatch(/Метрика примет офлайн-данные в этот счётчик с \d+ [а-я]+/);
    const button = document.querySelector<HTMLElement>('[data-qa="enable-extended-window"]');
    if (!button) throw new Error('the extended window is not offered');
    fireEvent.click(button);
    await waitFor(() => expect(document.querySelector('[data-qa="enable-extended-window"]')).toBeNull());
    expect(screen.getByTestId('linking-window').textContent).toContain('Метрика примет');
  });

  it('says from which day a counter whose window was switched on days ago links the data', async () => {
    // The demo's «Цветы СПб» switched its 21-day window on five days ago: the check's rows
    // «раньше дня, с которого счётчик связывает…» are told that day.
    const backend = await setup('Цветы');
    const page = await backend.counters({ search: 'Цветы', offset: 0, limit: 10 });
    const w = await backend.linkingWindow(page.counters[0]?.id ?? 0, 'conversions');
    expect([w.opens_on, w.can_enable_extended]).toEqual([null, false]);
    if (!w.links_from) throw new Error('the demo counter links from no day of its own');
    const notice = await screen.findByTestId('linking-window');
    const day = new Date(`${w.links_from}T12:00:00Z`);
    const month = day.toLocaleDateString('ru-RU', { month: 'long', day: 'numeric', timeZone: 'UTC' });
    expect(notice.textContent).toContain(`Этот счётчик связывает офлайн-данные с визитами с ${month}`);
    expect(notice.textContent).toContain('События раньше');
  });

  it("says the counter's day on a computer far east of it", async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Kamchatka';
    try {
      const backend = await setup();
      const page = await backend.counters({ search: 'Здоровье', offset: 0, limit: 10 });
      const w = await backend.linkingWindow(page.counters[0]?.id ?? 0, 'conversions');
      if (!w.opens_on) throw new Error('the demo counter has no opening day');
      const notice = await screen.findByTestId('linking-window');
      expect(notice.textContent).toContain(`с ${Number(w.opens_on.slice(8, 10))} `);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
