// A file over Metrica's size limit goes in parts; the result names every part and its state,
// so a part that did not go is not hidden behind the last one (issue 9: the app used to show
// only the last part). A send an error stopped part-way says both what went and the error.
import { render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { AppError, FailureReason, SendResult, UploadState, UploadSummary } from '../../ipc';
import { PartsList, StoppedSend } from './SendStep';

const part = (
  id: number,
  state: UploadState,
  valid_rows: number,
  failure: FailureReason | null = null,
): UploadSummary => ({
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
  failure,
  note: null,
  resendable: state === 'interrupted' || state === 'failed',
  refreshable: state === 'sending' || state === 'sent' || state === 'processing',
  replaced_by: null,
  outcome: ['sent', 'processing', 'processed', 'linkage_failure'].includes(state)
    ? 'sent'
    : state === 'interrupted' || state === 'sending'
      ? 'interrupted'
      : state === 'rejected'
        ? 'rejected'
        : 'failed',
  received: ['sent', 'processing', 'processed', 'linkage_failure', 'rejected'].includes(state),
});

const shown = (node: React.ReactNode) =>
  (render(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>).container.textContent ?? '').replace(
    /[\u00a0\u202f]/g,
    ' ',
  );
const text = (parts: UploadSummary[]) => shown(<PartsList parts={parts} />);

/** A send's result as the core answers it: the part it stopped on is the first not accepted. */
const result = (parts: UploadSummary[], error: AppError | null): SendResult => ({
  outcome: 'failed',
  upload: parts.find((p) => p.state !== 'sent') ?? null,
  parts,
  valid_rows: parts.length,
  new_rows: parts.length,
  unchanged_rows: 0,
  changed_rows: 0,
  corrected_rows: 0,
  outdated_rows: 0,
  rejected_rows: 0,
  rejected_path: null,
  error,
  // As the core's `SendStopped::of` answers for these parts.
  stopped: stoppedOf(parts, error !== null),
});
const stoppedOf = (parts: UploadSummary[], error: boolean): SendResult['stopped'] => {
  const i = parts.findIndex((p) => p.outcome !== 'sent');
  const accepted = parts.filter((p) => p.outcome === 'sent').length;
  if (i < 0) return error ? { state: 'failed', part: 0, accepted, total: parts.length } : null;
  const o = parts[i]?.outcome;
  return { state: o === 'interrupted' || o === 'rejected' ? o : 'failed', part: i + 1, accepted, total: parts.length };
};
const expired: AppError = { kind: 'token_expired', data: { login: 'demo-agency' } };
const signIn: FailureReason = { kind: 'sign_in_needed' };
const notSent: FailureReason = { kind: 'not_sent' };

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

describe('a send an error stopped part-way', () => {
  beforeAll(async () => {
    await i18n.changeLanguage('ru');
  });

  it('says which parts went, which did not, and the error with its action', () => {
    const r = result([part(1, 'sent', 1), part(2, 'failed', 1, signIn), part(3, 'failed', 1, notSent)], expired);
    const view = render(
      <I18nextProvider i18n={i18n}>
        <StoppedSend result={r} />
      </I18nextProvider>,
    );
    const t = (view.container.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ');
    expect(t).toContain('Файл отправлен не полностью');
    expect(t).toContain('Отправлена 1 часть из 3; часть 2 не ушла');
    // The error through the error table, with its action (sign in), not the part's reason again.
    expect(view.getByTestId('error-token_expired').textContent).toContain('Вход в аккаунт demo-agency устарел');
    expect(view.getByRole('button', { name: 'Войти' })).toBeTruthy();
    expect(t).not.toContain('Вход в Яндекс устарел');
    // Every part with its state.
    expect(t).toContain('Часть 1 — 1 строка');
    expect(t).toContain('Отправлена');
    expect(t).toContain('Часть 3 — 1 строка');
    expect(view.getAllByText('Ошибка')).toHaveLength(2);
  });

  it('counts the parts that went in Russian plurals', () => {
    const r = result([part(1, 'sent', 5), part(2, 'sent', 5), part(3, 'failed', 5, signIn)], expired);
    expect(shown(<StoppedSend result={r} />)).toContain('Отправлено 2 части из 3; часть 3 не ушла');
    const many = [1, 2, 3, 4, 5].map((id) => part(id, 'sent', 1));
    const r5 = result([...many, part(6, 'failed', 1, signIn)], expired);
    expect(shown(<StoppedSend result={r5} />)).toContain('Отправлено 5 частей из 6; часть 6 не ушла');
  });

  it('says that no part went when the first one stopped the send', () => {
    const r = result(
      [part(1, 'failed', 1, signIn), part(2, 'failed', 1, notSent), part(3, 'failed', 1, notSent)],
      expired,
    );
    const t = shown(<StoppedSend result={r} />);
    expect(t).toContain('Файл не отправлен');
    expect(t).toContain('Не отправлено ни одной части из 3; часть 1 не ушла');
    expect(t).toContain('Вход в аккаунт demo-agency устарел');
  });

  it('says a file sent in part when every part recorded went and the send stopped before the rest', () => {
    const parts = [part(1, 'sent', 5), part(2, 'sent', 5)];
    const storage: AppError = { kind: 'storage', data: { detail: 'disk full' } };
    const r: SendResult = { ...result(parts, storage), upload: parts[1] ?? null };
    const t = shown(<StoppedSend result={r} />);
    expect(t).toContain('Файл отправлен не полностью');
    expect(t).toContain('Метрика приняла 2 части, остальное не ушло.');
    expect(t).not.toContain('Файл не отправлен');
  });

  it('shows the error for a file in one piece too', () => {
    const r = result([part(1, 'failed', 42, signIn)], expired);
    const t = shown(<StoppedSend result={r} />);
    expect(t).toContain('Файл не отправлен');
    expect(t).toContain('Вход в аккаунт demo-agency устарел');
    expect(t).not.toContain('частями');
  });

  it('says it in English too', async () => {
    await i18n.changeLanguage('en');
    try {
      const r = result([part(1, 'sent', 1), part(2, 'sent', 1), part(3, 'failed', 1, signIn)], expired);
      const t = shown(<StoppedSend result={r} />);
      expect(t).toContain('The file was sent only in part');
      expect(t).toContain('2 parts of 3 sent; part 3 did not go');
    } finally {
      await i18n.changeLanguage('ru');
    }
  });

  it('without an error, the part says its own reason', () => {
    const network: FailureReason = { kind: 'network' };
    const r = result([part(1, 'sent', 1), part(2, 'failed', 1, network), part(3, 'failed', 1, notSent)], null);
    const view = render(
      <I18nextProvider i18n={i18n}>
        <StoppedSend result={r} />
      </I18nextProvider>,
    );
    expect(view.container.textContent).toContain('Отправлена 1 часть из 3; часть 2 не ушла');
    expect(view.queryByRole('alert')).toBeNull();
  });
});
