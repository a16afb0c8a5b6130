import { describe, expect, it } from 'vitest';
import type { ColumnMapping, MappingProblem, SendResult, UploadSummary } from '../../ipc';
import {
  buildValidateRequest,
  importReducer,
  initialImport,
  isAccepted,
  mappingCheckKey,
  mappingProblems,
  reachable,
  reviewCounts,
  stepsFor,
  validationKey,
  type ImportState,
} from './state';

/** A part as the core reports it: its state and the core's word for how it ended. */
const part = (id: number, state: UploadSummary['state']) =>
  ({
    id,
    state,
    outcome: ['sent', 'processing', 'processed', 'linkage_failure'].includes(state)
      ? 'sent'
      : state === 'sending' || state === 'interrupted'
        ? 'interrupted'
        : state === 'rejected'
          ? 'rejected'
          : 'failed',
  }) as UploadSummary;

const mapping: ColumnMapping = {
  kind: 'simple-orders',
  fields: [
    {
      field: 'create_date_time',
      requirement: 'required',
      format: 'crm_date_time',
      source: { type: 'column', index: 1, header: 'Дата', confidence: 0.9 },
      attribute_title: null,
    },
    {
      field: 'phones',
      requirement: 'one_of_identifiers',
      format: 'phone_list',
      source: { type: 'column', index: 2, header: 'Телефон', confidence: 0.9 },
      attribute_title: null,
    },
    {
      field: 'order_status',
      requirement: 'optional',
      format: 'order_status',
      source: { type: 'column', index: 3, header: 'Статус', confidence: 0.9 },
      attribute_title: null,
    },
  ],
  unmapped_columns: [{ index: 3, header: 'Менеджер' }],
  attributes: [],
  from_template: false,
  signature: 'x',
  currency_names: {},
};

function prepared(): ImportState {
  let s = importReducer(initialImport, { type: 'file', path: '/f.csv' });
  s = importReducer(s, { type: 'detected', kind: 'simple-orders' });
  s = importReducer(s, { type: 'mapping', mapping, key: 'k', headers: ['Телефон', 'Статус', 'Менеджер'] });
  s = importReducer(s, {
    type: 'statuses',
    key: 's',
    counts: { Оплачен: 3 },
    entries: [{ value: 'Оплачен', status_type: 'PAID', status_id: 'paid', goal_ids: [] }],
  });
  return s;
}

describe('import state', () => {
  it('keeps every decision when going back and forth', () => {
    let s = prepared();
    s = importReducer(s, {
      type: 'source',
      field: 'phones',
      source: { type: 'none' },
    });
    s = importReducer(s, { type: 'statusType', value: 'Оплачен', statusType: 'OTHER' });
    s = importReducer(s, { type: 'option', patch: { comment: 'ноябрь' } });
    const before = s;
    s = importReducer(s, { type: 'go', step: 'file' });
    s = importReducer(s, { type: 'go', step: 'columns' });
    s = importReducer(s, { type: 'go', step: 'send' });
    expect(s.mapping).toBe(before.mapping);
    expect(s.statusMap?.[0]?.status_type).toBe('OTHER');
    expect(s.comment).toBe('ноябрь');
    expect(s.touched).toEqual(['phones']);
  });

  it('does not let detection override a kind the user chose', () => {
    let s = importReducer(initialImport, { type: 'file', path: '/f.csv' });
    s = importReducer(s, { type: 'kind', kind: 'conversions' });
    s = importReducer(s, { type: 'detected', kind: 'simple-orders' });
    expect(s.kind).toBe('conversions');
  });

  it('starts fresh with a new file', () => {
    const s = importReducer(prepared(), { type: 'file', path: '/other.csv' });
    expect(s.mapping).toBeNull();
    expect(s.statusMap).toBeNull();
    expect(s.path).toBe('/other.csv');
  });

  it('reads the same path afresh when it is chosen again (a re-export over the old file)', () => {
    const before = prepared();
    const again = importReducer(before, { type: 'file', path: before.path ?? '' });
    expect(again.path).toBe(before.path);
    expect(again.pickCount).toBe(before.pickCount + 1);
    expect(again.mapping).toBeNull();
    // «Загрузить ещё файл» and the same path: still a new reading, never the first one's.
    const fresh = importReducer(importReducer(again, { type: 'reset' }), { type: 'file', path: before.path ?? '' });
    expect(fresh.pickCount).toBe(again.pickCount + 1);
  });

  it('shows the statuses step only for CRM orders with a column of statuses', () => {
    expect(stepsFor(prepared())).toContain('statuses');
    expect(stepsFor({ ...prepared(), kind: 'conversions' })).not.toContain('statuses');
    // Before the columns are known it stays, so the steps never grow under the user.
    expect(stepsFor({ ...prepared(), mapping: null })).toContain('statuses');
    // No status column, or one status for every order: nothing to match, the check says it.
    for (const source of [{ type: 'none' as const }, { type: 'constant' as const, value: 'PAID' }]) {
      const s = importReducer(prepared(), { type: 'source', field: 'order_status', source });
      expect(stepsFor(s)).toEqual(['file', 'columns', 'check', 'send']);
    }
  });

  it('lets the check start only once the core found nothing missing in the mapping', () => {
    const s = prepared();
    const key = mappingCheckKey(mapping);
    expect(mappingProblems(s)).toBeNull();
    expect(reachable(s, 'check', 1, true)).toBe(false);
    const answer = (problems: MappingProblem[]) =>
      importReducer(s, {
        type: 'mappingChecked',
        key,
        check: { problems, unmapped_columns: [{ index: 3, header: 'Менеджер' }] },
        error: null,
      });
    const missing = answer([{ code: 'identifier', field: null }]);
    expect(mappingProblems(missing)).toEqual([{ code: 'identifier', field: null }]);
    expect(reachable(missing, 'check', 1, true)).toBe(false);
    const ok = answer([]);
    expect(reachable(ok, 'check', 1, true)).toBe(true);
    // The answer was about another mapping: nothing is known about this one yet.
    const changed = importReducer(ok, { type: 'source', field: 'phones', source: { type: 'none' } });
    expect(mappingProblems(changed)).toBeNull();
    expect(reachable(changed, 'check', 1, true)).toBe(false);
  });

  it('says the columns no field reads as the core answered for the current mapping only', () => {
    const s = importReducer(prepared(), { type: 'source', field: 'phones', source: { type: 'none' } });
    // Until the core answers, the last answer stays (no rule of its own in the window).
    expect(s.mapping?.unmapped_columns).toEqual([{ index: 3, header: 'Менеджер' }]);
    if (!s.mapping) return;
    const check = {
      problems: [],
      unmapped_columns: [
        { index: 1, header: 'Телефон' },
        { index: 3, header: 'Менеджер' },
      ],
    };
    const answered = importReducer(s, { type: 'mappingChecked', key: mappingCheckKey(s.mapping), check, error: null });
    expect(answered.mapping?.unmapped_columns).toEqual(check.unmapped_columns);
    // An answer about the mapping before the change does not overwrite it.
    const stale = importReducer(s, { type: 'mappingChecked', key: mappingCheckKey(mapping), check, error: null });
    expect(stale.mapping?.unmapped_columns).toEqual([{ index: 3, header: 'Менеджер' }]);
  });

  it('needs a fresh validation before sending, and hashing does not invalidate it', () => {
    const s = prepared();
    const req = buildValidateRequest(s, 7, true);
    expect(req).not.toBeNull();
    if (!req) return;
    expect(reachable(s, 'send', 7, true)).toBe(false);
    const summary = {
      rows: 1,
      valid_rows: 1,
      errors: 0,
      warnings: 0,
      notices: 0,
      issues: [],
      counts: [],
      truncated: false,
      unchanged_rows: 0,
      known_rows: 0,
      new_rows: 1,
      duplicate_of: null,
      duplicate_cut_off: false,
      changed_rows: 0,
      corrected_rows: 0,
      outdated_rows: 0,
      rejected_path: null,
      currency_offer: null,
      send_block: null,
      window_opens_on: null,
      gate: { check: [], review: [], nothing_new: false },
      cut_off_unsettled: null,
      headers: {},
    };
    const v = importReducer(s, { type: 'validated', summary, forRequest: validationKey(req) });
    expect(reachable(v, 'send', 7, true)).toBe(true);
    expect(reachable({ ...v, hashContacts: false }, 'send', 7, true)).toBe(true);
    expect(
      reachable(importReducer(v, { type: 'statusType', value: 'Оплачен', statusType: 'SPAM' }), 'send', 7, true),
    ).toBe(false);
  });
});

describe('the send review', () => {
  const base = { ...initialImport };
  const validation = (valid: number, known: number) => ({
    rows: valid,
    valid_rows: valid,
    errors: 0,
    warnings: 0,
    notices: 0,
    issues: [],
    counts: [],
    truncated: false,
    unchanged_rows: 0,
    known_rows: known,
    new_rows: valid - known,
    duplicate_of: null,
    duplicate_cut_off: false,
    changed_rows: 0,
    corrected_rows: 0,
    outdated_rows: 0,
    rejected_path: null,
    currency_offer: null,
    send_block: null,
    window_opens_on: null,
    gate: { check: [], review: [], nothing_new: false },
    cut_off_unsettled: null,
    headers: {},
  });

  it('offers only new rows by default once the ledger knows some of them', () => {
    const s = { ...base, validation: validation(130, 100) };
    expect(reviewCounts(s)).toEqual({ valid: 130, known: 100, send: 30, onlyNew: true });
    expect(reviewCounts({ ...s, onlyNew: false }).send).toBe(130);
  });

  it('sends everything when the ledger knows nothing, and says nothing new when it knows all', () => {
    expect(reviewCounts({ ...base, validation: validation(100, 0) })).toMatchObject({ send: 100, onlyNew: false });
    expect(reviewCounts({ ...base, validation: validation(100, 100) }).send).toBe(0);
  });

  it('sends everything again when the user answered «Всё равно отправить ещё раз»', () => {
    // The same file: the ledger knows every row; the answer on the check is not overridden.
    const s = { ...base, validation: validation(9, 9), duplicateAnswer: 'all' as const };
    expect(reviewCounts(s)).toEqual({ valid: 9, known: 9, send: 9, onlyNew: false });
    expect(reviewCounts({ ...s, duplicateAnswer: 'new' }).send).toBe(0);
    expect(reviewCounts({ ...s, onlyNew: true }).send).toBe(0);
  });

  it('stays on the review while the send runs, and keeps a file given meanwhile', () => {
    let s = importReducer({ ...base, step: 'send', path: '/a.csv' }, { type: 'sendStarted' });
    expect(importReducer(s, { type: 'go', step: 'columns' })).toBe(s);
    expect(importReducer(s, { type: 'reset' })).toBe(s);
    s = importReducer(s, { type: 'file', path: '/b.csv' });
    expect(s).toMatchObject({ step: 'send', path: '/a.csv', heldPath: '/b.csv', sending: true });
    expect(importReducer(s, { type: 'openHeld' })).toBe(s);
    // Ended (here without a result: an error or a stop): the wizard is free again.
    const ended = importReducer(s, { type: 'sendEnded' });
    expect(importReducer(ended, { type: 'go', step: 'check' }).step).toBe('check');
    // The held file opens with one press, afresh.
    const opened = importReducer(ended, { type: 'openHeld' });
    expect(opened).toMatchObject({ step: 'file', path: '/b.csv', heldPath: null, sending: false, validation: null });
    // Or as the next upload when this one is left (another client chosen, «Загрузить ещё файл»).
    expect(importReducer(ended, { type: 'reset' })).toMatchObject({ step: 'file', path: '/b.csv', heldPath: null });
    // «Загрузить» for a client while the file goes: nothing moves.
    expect(importReducer(s, { type: 'startUpload' })).toBe(s);
  });

  it('starts «Загрузить» for a client at the file: afresh after a send, at the open file otherwise', () => {
    const open = { ...base, step: 'check' as const, path: '/a.csv' };
    expect(importReducer(open, { type: 'startUpload' })).toMatchObject({ step: 'file', path: '/a.csv' });
    const sent = importReducer(
      { ...open, step: 'send' as const, sending: true },
      {
        type: 'uploaded',
        result: {} as SendResult,
        counter: { id: 1, name: 'Рома' },
      },
    );
    expect(sent.sentTo).toEqual({ id: 1, name: 'Рома' });
    expect(importReducer(sent, { type: 'startUpload' })).toMatchObject({
      step: 'file',
      path: null,
      result: null,
      sentTo: null,
    });
  });

  it('asks before a file opened from outside replaces one checked and not sent', () => {
    const checked = { ...base, step: 'check' as const, path: '/a.csv' };
    const held = importReducer(checked, { type: 'opened', path: '/b.csv' });
    expect(held).toMatchObject({ step: 'check', path: '/a.csv', heldPath: '/b.csv' });
    // «Остаться»: the held file is let go; «Открыть»: the new file starts afresh.
    expect(importReducer(held, { type: 'dropHeld' })).toMatchObject({ path: '/a.csv', heldPath: null });
    expect(importReducer(held, { type: 'openHeld' })).toMatchObject({ step: 'file', path: '/b.csv', heldPath: null });
    // Nothing to lose (no file, or the file's first step before its columns), or sent already:
    // the file opens at once.
    expect(importReducer(base, { type: 'opened', path: '/b.csv' })).toMatchObject({ path: '/b.csv', heldPath: null });
    expect(importReducer({ ...base, path: '/a.csv' }, { type: 'opened', path: '/b.csv' }).path).toBe('/b.csv');
    // The same file opened again (fixed and saved) is read again.
    expect(importReducer(checked, { type: 'opened', path: '/a.csv' })).toMatchObject({ step: 'file', heldPath: null });
    const sent = { ...checked, step: 'send' as const, result: {} as never };
    expect(importReducer(sent, { type: 'opened', path: '/b.csv' })).toMatchObject({ path: '/b.csv', heldPath: null });
  });

  it('shows the result the core answers after a part is sent again', () => {
    // Which part is the truth, the error and the outcome are the core's
    // (boundary::result_after_resend); the window keeps what it is told.
    const result = {
      outcome: 'interrupted',
      upload: part(1, 'interrupted'),
      parts: [part(1, 'interrupted'), part(2, 'failed')],
      valid_rows: 5,
      new_rows: 5,
      unchanged_rows: 0,
    } as SendResult;
    const after = {
      ...result,
      outcome: 'failed',
      upload: part(2, 'failed'),
      parts: [part(4, 'sent'), part(2, 'failed')],
    } as SendResult;
    const s = importReducer({ ...base, result }, { type: 'resent', result: after });
    expect(s.result).toBe(after);
    // No result on screen (the wizard started over meanwhile): nothing to replace.
    expect(importReducer(base, { type: 'resent', result: after }).result).toBeNull();
  });

  it('calls sent only what the core calls sent', () => {
    expect(isAccepted(part(1, 'processing'))).toBe(true);
    expect(isAccepted(part(2, 'sending'))).toBe(false);
    expect(isAccepted(part(3, 'failed'))).toBe(false);
  });
});
