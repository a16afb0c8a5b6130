// Editing a job of one fixed file (made by `mbridge jobs add --file`): the core keeps it a file
// job and ignores any pattern, so the dialog names the file and offers no pattern to edit.
import { ThemeProvider } from '@gravity-ui/uikit';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { inRussian, realCorePerFile } from '../../../test/core';
import i18n from '../../i18n';
import type { JobView } from '../../ipc';
import { BackendProvider } from '../app/context';
import { RepeatJobDialog } from './RepeatJobDialog';

const core = realCorePerFile();

const job = (pattern: string | null): JobView => ({
  name: 'shop',
  title: 'shop',
  account: 'demo-agency',
  counter_id: 51234501,
  kind: 'conversions',
  folder: pattern === null ? '/exports/orders.csv' : '/exports',
  pattern,
  schedule: null,
  every_key: 'every.manual',
  paused: false,
  stop_on_bad_rows: false,
  each_new_file: false,
  last_run: null,
  next_run: null,
  warning: null,
  scheduled: false,
  statuses_to_map: null,
  schedule_block: 'no_schedule',
  new_columns: [],
});

async function open(existing: JobView) {
  const backend = core.backend();
  await inRussian(backend);
  await i18n.changeLanguage('ru');
  render(
    <ThemeProvider theme="light" lang="ru">
      <QueryClientProvider client={new QueryClient()}>
        <BackendProvider backend={backend}>
          <RepeatJobDialog existing={existing} onClose={() => undefined} />
        </BackendProvider>
      </QueryClientProvider>
    </ThemeProvider>,
  );
  return screen.findByText('Задание «shop»');
}

describe('editing a job', () => {
  it('offers no pattern for a job of one fixed file, and names it a file', async () => {
    await open(job(null));
    expect(screen.getByText('Файл выгрузки')).toBeTruthy();
    expect(document.querySelector('[data-qa="repeat-pattern"]')).toBeNull();
    expect(document.querySelector('[data-qa="repeat-pick-folder"]')).toBeNull();
  });

  it('keeps the folder, its pattern and the folder picker for a folder job', async () => {
    await open(job('sales-*.csv'));
    expect(screen.getByText('Папка с выгрузками')).toBeTruthy();
    expect(document.querySelector<HTMLInputElement>('[data-qa="repeat-pattern"] input')?.value).toBe('sales-*.csv');
    expect(document.querySelector('[data-qa="repeat-pick-folder"]')).toBeTruthy();
  });
});
