// A job's export that puts back a value Metrica had before (real core: mb-http, fake Metrica):
// the run sends the correction first, then holds the earlier value back, and the job's card
// says so (a re-saved older report must not undo the correction).
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { crmRequest, inRussian, realCorePerFile } from '../../../test/core';
import { byQa, waitQa } from '../../../test/qa';

const slow = { timeout: 15_000 };
const core = realCorePerFile({ pick: { fixture: 'crm-orders-october.csv', as: 'orders.csv' } });

describe('a job meets an export with earlier values', () => {
  it('sends a correction, holds the earlier value back, and the card says it', async () => {
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
    const original = readFileSync(path, 'utf8');
    const corrected = original.replace('В работе;4200;', 'В работе;4500;');
    expect(corrected).not.toBe(original);
    // The CRM corrected an amount: the job sends it as a correction.
    writeFileSync(path, corrected);
    const first = await backend.runJob('zakazy-roma');
    expect(first.last_run?.rows_corrected).toBe(1);
    expect(first.last_run?.rows_outdated).toBe(0);
    // An older report saved over it: the earlier amount is held back, not sent again.
    writeFileSync(path, original);
    const second = await backend.runJob('zakazy-roma');
    expect(second.last_run?.rows_outdated).toBe(1);
    expect(second.last_run?.rows_new).toBe(0);

    render(<App backend={backend} />);
    fireEvent.click(await waitQa('nav-clients'));
    const card = await screen.findByTestId('job-zakazy-roma', {}, slow);
    const note = await waitFor(() => byQa('job-last-outdated', card), slow);
    expect(note.textContent).toBe(' · прежних данных, не отправленных снова: 1');
    // On hover, what it means in full.
    expect(note.getAttribute('title')).toMatch(/Метрика уже получала/);
  });
});
