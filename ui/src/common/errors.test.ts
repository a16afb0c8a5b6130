import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { ru as catalogue } from '../i18n/catalogue-ru';
import type { AppError, FileReason } from '../ipc';
import { ERROR_KINDS, ERROR_TABLE, explainError, toAppError } from './errors';

// One sample per kind; a new kind in bindings.ts makes this object (and ERROR_TABLE) fail to compile.
const SAMPLES: { [K in AppError['kind']]: Extract<AppError, { kind: K }> } = {
  not_signed_in: { kind: 'not_signed_in' },
  token_expired: { kind: 'token_expired', data: { login: 'demo-agency' } },
  no_access: { kind: 'no_access', data: { counter_id: 44120011 } },
  quota_exceeded: { kind: 'quota_exceeded', data: { quota: 'per_day', retry_at: '2026-11-22T12:00:00Z' } },
  rejected_data: {
    kind: 'rejected_data',
    data: { error_type: 'invalid_uploading', message: 'Неверный формат данных, ошибка в строке номер 4', line: 4 },
  },
  linking_window_not_open: { kind: 'linking_window_not_open', data: { date: '2026-11-22' } },
  network: { kind: 'network', data: { detail: 'connection refused' } },
  server: { kind: 'server', data: { status: 503 } },
  file_unreadable: { kind: 'file_unreadable', data: { file_name: 'Заказы.csv', reason: { kind: 'io' } } },
  data_has_errors: { kind: 'data_has_errors', data: { errors: 10, in_file: false, no_valid_rows: false } },
  duplicate: { kind: 'duplicate', data: { upload_id: 112, sent_at: '2026-11-21T08:00:00Z', interrupted: false } },
  history_busy: { kind: 'history_busy', data: { detail: 'database is busy' } },
  cut_off_unsettled: {
    kind: 'cut_off_unsettled',
    data: { upload_id: 113, sent_at: '2026-11-21T08:00:00Z', look_again_at: '2026-11-21T08:30:00Z' },
  },
  cancelled: { kind: 'cancelled' },
  not_found: { kind: 'not_found', data: { what: 'upload:7' } },
  job_running: { kind: 'job_running', data: { name: 'roma' } },
  sign_in_failed: { kind: 'sign_in_failed', data: { reason: 'invalid_grant' } },
  invalid_input: { kind: 'invalid_input', data: { field: 'identifier', reason: 'exists' } },
  storage: { kind: 'storage', data: { detail: 'disk full' } },
  scheduler_failed: {
    kind: 'scheduler_failed',
    data: { detail: 'systemctl --user daemon-reload: Failed to connect to bus' },
  },
  internal: { kind: 'internal', data: { detail: 'boom' } },
  update_failed: { kind: 'update_failed', data: { step: 'signature' } },
};

describe('error table', () => {
  it('covers every AppError kind exactly', () => {
    expect([...ERROR_KINDS].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(['ru', 'en'])('explains every kind in %s without leftovers or raw codes', (lang) => {
    const t = i18n.getFixedT(lang);
    for (const e of Object.values(SAMPLES)) {
      const x = explainError(e, t, lang);
      expect(x.text.length, e.kind).toBeGreaterThan(10);
      expect(x.text, e.kind).not.toMatch(/\{\{|errors\.[a-z_]|undefined|null/);
      expect(['signIn', 'retry', 'none']).toContain(x.action);
      expect(['danger', 'warning', 'info']).toContain(ERROR_TABLE[e.kind].severity);
    }
  });

  it.each(['ru', 'en'])('says what was not found in words, never its key, in %s', (lang) => {
    const t = i18n.getFixedT(lang);
    const said = (what: string) => explainError({ kind: 'not_found', data: { what } }, t, lang).text;
    for (const what of [
      'upload:7',
      'job roma',
      'account:shop',
      'counter:99999999',
      'prepared_file:5',
      'metrica_object',
      'sign_in_flow',
    ]) {
      expect(said(what), what).not.toContain(what);
      expect(said(what), what).not.toMatch(/[a-z]+_[a-z]+|\d/);
      expect(said(what), what).not.toBe(said('something_else'));
    }
    expect(said('something_else')).not.toContain('something_else');
  });

  it('sends an interrupted earlier send to History, not to a second send', () => {
    const t = i18n.getFixedT('ru');
    const cut = explainError({ ...SAMPLES.duplicate, data: { ...SAMPLES.duplicate.data, interrupted: true } }, t, 'ru');
    expect(cut.text).toContain('отправка прервалась');
    expect(cut.text).toContain('из «Истории»');
    expect(explainError(SAMPLES.duplicate, t, 'ru').text).toContain('Подтвердите повторную отправку');
    const notResendable = { kind: 'invalid_input', data: { field: 'upload', reason: 'not_resendable' } } as const;
    expect(explainError(notResendable, t, 'ru').text).toContain('нельзя отправить заново');
    const sentSince = { kind: 'invalid_input', data: { field: 'upload', reason: 'sent_since' } } as const;
    expect(explainError(sentSince, t, 'ru').text).toContain('вернула бы в Метрику прежние значения');
    const scope = { kind: 'invalid_input', data: { field: 'sign_in', reason: 'write_scope' } } as const;
    expect(explainError(scope, t, 'ru').text).toContain('Войдите в аккаунт заново');
    const relative = { kind: 'invalid_input', data: { field: 'folder', reason: 'relative' } } as const;
    expect(explainError(relative, t, 'ru').text).toContain('полный путь');
    // `exists:NAME:TITLE`: the job is named as the app shows it, nested quotes and `:` kept.
    const exists = (reason: string) => ({ kind: 'invalid_input', data: { field: 'name', reason } }) as const;
    expect(explainError(exists('exists:mebel-roma:Мебель «Рома»: заказы'), t, 'ru').text).toBe(
      'Такое название уже у задания «Мебель „Рома“: заказы». Выберите другое название.',
    );
    expect(explainError(exists('exists:shop'), t, 'ru').text).toContain('«shop»');
  });

  it('offers to read a file again only when that may work', () => {
    const t = i18n.getFixedT('ru');
    const file = (kind: 'io' | 'empty' | 'not_text' | 'damaged_workbook' | 'permission_denied'): AppError => ({
      kind: 'file_unreadable',
      data: { file_name: 'a.csv', reason: { kind } },
    });
    expect(explainError(file('io'), t, 'ru').action).toBe('retry');
    expect(explainError(file('permission_denied'), t, 'ru').action).toBe('retry');
    // An export still being written reads as empty: reading it again may work.
    expect(explainError(file('empty'), t, 'ru').action).toBe('retry');
    expect(explainError(file('not_text'), t, 'ru').action).toBe('none');
    expect(explainError(file('damaged_workbook'), t, 'ru').action).toBe('none');
  });

  it('offers sign-in when the token expired and retry on network trouble', () => {
    const t = i18n.getFixedT('ru');
    expect(explainError(SAMPLES.token_expired, t, 'ru').action).toBe('signIn');
    expect(explainError(SAMPLES.network, t, 'ru').action).toBe('retry');
    expect(explainError(SAMPLES.no_access, t, 'ru').text).toContain('44120011');
  });

  it.each(['ru', 'en'])('names every unreadable-file reason in its own words in %s', (lang) => {
    const t = i18n.getFixedT(lang);
    const file = (reason: FileReason): AppError => ({ kind: 'file_unreadable', data: { file_name: 'a.csv', reason } });
    const reasons = (Object.keys(catalogue.file_reason) as FileReason['kind'][]).map((kind): FileReason =>
      kind === 'line_too_long' ? { kind, line: 4 } : { kind },
    );
    const texts = new Set<string>();
    for (const reason of reasons) {
      const text = explainError(file(reason), t, lang).text;
      expect(text, reason.kind).toContain('a.csv');
      expect(text, reason.kind).not.toMatch(/\{\{|errors\.|file_reason\.|undefined/);
      texts.add(text);
    }
    expect(texts.size).toBe(reasons.length);
    expect(explainError(file({ kind: 'line_too_long', line: 4 }), t, lang).text).toContain('4');
  });

  it("speaks the user's words: Metrica's message, a day as a date, fields by their names", () => {
    const t = i18n.getFixedT('ru');
    const rejected = explainError(SAMPLES.rejected_data, t, 'ru').text;
    expect(rejected).toContain('в строке 4: «Неверный формат данных');
    expect(rejected).not.toContain('invalid_uploading');
    expect(explainError(SAMPLES.linking_window_not_open, t, 'ru').text).toContain('22.11.2026');
    expect(explainError(SAMPLES.linking_window_not_open, i18n.getFixedT('en'), 'en').text).toContain('22/11/2026');
    expect(explainError(SAMPLES.invalid_input, t, 'ru').text).toContain('«Идентификатор цели»');
    const internal = { kind: 'invalid_input', data: { field: 'type_name', reason: 'x' } } as const;
    expect(explainError(internal, t, 'ru').text).toBe('Одно из значений не подходит. Проверьте введённое и повторите.');
  });

  it('turns anything thrown into an internal error', () => {
    expect(toAppError(new Error('x'))).toEqual({ kind: 'internal', data: { detail: 'x' } });
    expect(toAppError({ kind: 'cancelled' })).toEqual({ kind: 'cancelled' });
    expect(toAppError({ kind: 'nonsense' }).kind).toBe('internal');
  });
});
