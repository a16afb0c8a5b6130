// A file over Metrica's size limit goes in parts; the result names every part and its state,
// so a part that did not go is not hidden behind the last one (issue 9: the app used to show
// only the last part).
import { render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { UploadState, UploadSummary } from '../../ipc';
import { PartsList } from './SendStep';

const part = (id: number, state: UploadState, valid_rows: number): UploadSummary => ({
  id,
  tag: `mb${id}`,
  account: 'demo-agency',
  counter_id: 51234501,
  counter_name: 'Цветы',
  kind: 'conversions',
  file_name: 'big.csv',
  rows: valid_rows,
  valid_rows,
  state,
  server_id: null,
  server_status: null,
  linked: null,
  user_not_found: null,
  goal_not_found: null,
  linked_share: null,
  created_at: '2026-12-04T10:00:00Z',
  finished_at: null,
  failure: null,
  note: null,
});

const text = (parts: UploadSummary[]) =>
  (
    render(
      <I18nextProvider i18n={i18n}>
        <PartsList parts={parts} />
      </I18nextProvider>,
    ).container.textContent ?? ''
  ).replace(/[\u00a0\u202f]/g, ' ');

describe('parts of a big file', () => {
  beforeAll(async () => {
    await i18n.changeLanguage('ru');
  });

  it('lists each part with its rows and state', () => {
    const t = text([part(1, 'sent', 8_000_000), part(2, 'sent', 8_000_000), part(3, 'interrupted', 1_204)]);
    expect(t).toContain('ушёл 3 частями');
    expect(t).toContain('Часть 1 — 8 000 000 строк');
    expect(t).toContain('Часть 3 — 1 204 строки');
    expect(t).toContain('Прервана');
  });

  it('says nothing for a file that went in one piece', () => {
    expect(text([part(1, 'sent', 42)])).toBe('');
  });
});
