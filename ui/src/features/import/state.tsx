//! The import wizard's decisions, kept above the screens so that going back, switching sections
//! or re-reading the file never loses what the user chose. Pure reducer plus a context.
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  type Dispatch,
  type ReactNode,
} from 'react';
import { useBackend } from '../app/context';
import { type Job, useJob } from './job';
import type {
  ColumnMapping,
  CounterAttributeDto,
  MappingCheck,
  MappingProblem,
  FieldMapping,
  FieldSource,
  ReadOverrides,
  SendResult,
  StatusMapEntry,
  UploadKind,
  UploadSummary,
  ValidateRequest,
  ValidationSummary,
} from '../../ipc';
import { STATUS_KINDS } from '../../ipc';

export type StepId = 'file' | 'columns' | 'statuses' | 'check' | 'send';
export type MergeMode = 'SAVE' | 'UPDATE' | 'APPEND';
export type DuplicateAnswer = 'all' | 'new' | null;

export interface ImportState {
  step: StepId;
  path: string | null;
  /** Counts file choices: choosing the same path again (a re-export) reads it afresh. */
  pickCount: number;
  read: ReadOverrides;
  kind: UploadKind | null;
  kindByUser: boolean;
  mapping: ColumnMapping | null;
  /** `path|kind|headers` the mapping belongs to; a different key means suggest again. */
  mappingKey: string | null;
  /** The file's columns as its preview read them, for the core's answer about the mapping. */
  headers: string[];
  /** Fields the user set by hand (shown as "выбрано вами"). */
  touched: string[];
  statusMap: StatusMapEntry[] | null;
  statusKey: string | null;
  statusCounts: Record<string, number>;
  validation: ValidationSummary | null;
  validatedFor: string | null;
  duplicateAnswer: DuplicateAnswer;
  hashContacts: boolean | null;
  skipInvalid: boolean;
  mergeMode: MergeMode;
  comment: string;
  /** «Только новые строки» on the review; null = on when the ledger knows some of the rows. */
  onlyNew: boolean | null;
  result: SendResult | null;
  /** The counter `result` went to (the top bar may show another since). */
  sentTo: { id: number; name: string } | null;
  /** The check running in the core for this wizard: kept while the user leaves the Check step
   *  (coming back joins it); cancelled when the wizard moves on to another file or starts over. */
  checkJob: string | null;
  /** A send is running: the wizard stays on its review (no other step, file or fresh start),
   *  so the screen keeps saying what is being sent, and it cannot be sent twice. */
  sending: boolean;
  /** A file given while a send ran (dropped, «Открыть в Metrika Bridge», a second launch):
   *  kept, and offered once the send has ended. */
  heldPath: string | null;
  /** The core's answer to «what keeps this mapping from being checked» (the rule validation
   *  applies), for the mapping it was asked about; null until it is known. */
  mappingChecked: { key: string; problems: MappingProblem[] | null; error: unknown } | null;
}

export const EMPTY_READ: ReadOverrides = { encoding: null, delimiter: null, header_line: null, sheet: null };

export const initialImport: ImportState = {
  step: 'file',
  path: null,
  pickCount: 0,
  read: EMPTY_READ,
  kind: null,
  kindByUser: false,
  mapping: null,
  mappingKey: null,
  headers: [],
  touched: [],
  statusMap: null,
  statusKey: null,
  statusCounts: {},
  validation: null,
  validatedFor: null,
  duplicateAnswer: null,
  hashContacts: null,
  skipInvalid: true,
  mergeMode: 'SAVE',
  comment: '',
  onlyNew: null,
  result: null,
  sentTo: null,
  checkJob: null,
  sending: false,
  heldPath: null,
  mappingChecked: null,
};

export type ImportAction =
  | { type: 'go'; step: StepId }
  | { type: 'file'; path: string }
  | { type: 'read'; read: Partial<ReadOverrides> }
  | { type: 'detected'; kind: UploadKind | null }
  | { type: 'kind'; kind: UploadKind }
  | { type: 'mapping'; mapping: ColumnMapping; key: string; headers: string[] }
  | { type: 'source'; field: string; source: FieldSource }
  /** Currencies written as words, read as these codes (the check's offer); `{}` forgets them. */
  | { type: 'currencyNames'; names: Record<string, string> }
  | { type: 'attribute'; attribute: CounterAttributeDto; index: number; header: string }
  | { type: 'statuses'; entries: StatusMapEntry[]; counts: Record<string, number>; key: string }
  | { type: 'statusType'; value: string; statusType: StatusMapEntry['status_type'] }
  | { type: 'checkStarted'; jobId: string }
  | { type: 'validated'; summary: ValidationSummary; forRequest: string }
  | { type: 'duplicate'; answer: DuplicateAnswer }
  | {
      type: 'option';
      patch: Partial<Pick<ImportState, 'hashContacts' | 'skipInvalid' | 'mergeMode' | 'comment' | 'onlyNew'>>;
    }
  | { type: 'sendStarted' }
  | { type: 'recheck' }
  | { type: 'recheckMapping' }
  | { type: 'mappingChecked'; key: string; check: MappingCheck | null; error: unknown }
  | { type: 'sendEnded' }
  | { type: 'openHeld' }
  /** A file handed over from outside (a second launch, «Открыть в Metrika Bridge»). */
  | { type: 'opened'; path: string }
  /** The user keeps the file in the wizard rather than the one handed over. */
  | { type: 'dropHeld' }
  | { type: 'uploaded'; result: SendResult; counter: { id: number; name: string } }
  /** A part of the result was sent again: the core's result as it is now. */
  | { type: 'resent'; result: SendResult }
  | { type: 'reset' }
  /** «Загрузить» for a client (Clients screen): a new upload starts at the file — afresh after
   *  a finished send, at the file still open otherwise (shown to keep or replace). */
  | { type: 'startUpload' };

export function importReducer(s: ImportState, a: ImportAction): ImportState {
  if (s.sending) {
    if (a.type === 'file' || a.type === 'opened') return { ...s, heldPath: a.path };
    if (a.type === 'go' || a.type === 'reset' || a.type === 'openHeld' || a.type === 'startUpload') return s;
  }
  switch (a.type) {
    case 'go':
      return { ...s, step: a.step };
    case 'file':
      // A new file starts fresh: its columns, statuses and checks are unknown.
      return { ...initialImport, hashContacts: s.hashContacts, path: a.path, pickCount: s.pickCount + 1 };
    case 'read':
      return { ...s, read: { ...s.read, ...a.read } };
    case 'detected':
      return s.kindByUser ? s : { ...s, kind: a.kind };
    case 'kind':
      return { ...s, kind: a.kind, kindByUser: true };
    case 'mapping':
      return { ...s, mapping: a.mapping, mappingKey: a.key, headers: a.headers, touched: [] };
    case 'source':
      if (!s.mapping) return s;
      return {
        ...s,
        mapping: {
          ...s.mapping,
          fields: s.mapping.fields.map((f) => (f.field === a.field ? { ...f, source: a.source } : f)),
        },
        touched: s.touched.includes(a.field) ? s.touched : [...s.touched, a.field],
      };
    case 'currencyNames':
      if (!s.mapping) return s;
      return {
        ...s,
        mapping: {
          ...s.mapping,
          currency_names: Object.keys(a.names).length === 0 ? {} : { ...s.mapping.currency_names, ...a.names },
        },
      };
    case 'attribute': {
      // A file column sent to a counter attribute (contacts): one field per attribute.
      if (!s.mapping) return s;
      const field: FieldMapping = {
        field: a.attribute.name,
        requirement: 'optional',
        format: 'text',
        source: { type: 'column', index: a.index, header: a.header, confidence: 1 },
        attribute_title: a.attribute.title,
      };
      const others = s.mapping.fields.filter((f) => f.field !== a.attribute.name);
      const known = s.mapping.attributes.some((x) => x.name === a.attribute.name);
      return {
        ...s,
        mapping: {
          ...s.mapping,
          fields: [...others, field],
          attributes: known ? s.mapping.attributes : [...s.mapping.attributes, a.attribute],
        },
        touched: s.touched.includes(a.attribute.name) ? s.touched : [...s.touched, a.attribute.name],
      };
    }
    case 'statuses':
      return { ...s, statusMap: a.entries, statusCounts: a.counts, statusKey: a.key };
    case 'statusType':
      return {
        ...s,
        statusMap: (s.statusMap ?? []).map((e) => (e.value === a.value ? { ...e, status_type: a.statusType } : e)),
      };
    case 'checkStarted':
      return s.checkJob === a.jobId ? s : { ...s, checkJob: a.jobId };
    case 'validated':
      return { ...s, validation: a.summary, validatedFor: a.forRequest, checkJob: null };
    case 'duplicate':
      return { ...s, duplicateAnswer: a.answer };
    case 'option':
      return { ...s, ...a.patch };
    case 'recheckMapping':
      return { ...s, mappingChecked: null };
    case 'mappingChecked': {
      // The columns no field reads are the core's answer too (said under the mapping, offered to
      // counter attributes); until it comes, the last answer stays.
      const current = s.mapping !== null && mappingCheckKey(s.mapping) === a.key;
      return {
        ...s,
        mapping:
          current && s.mapping && a.check ? { ...s.mapping, unmapped_columns: a.check.unmapped_columns } : s.mapping,
        mappingChecked: { key: a.key, problems: a.check?.problems ?? null, error: a.error },
      };
    }
    case 'recheck':
      // The send found what the check did not know (the same file sent meanwhile, by a job
      // or another window): the check runs again and asks its question.
      return { ...s, validation: null, validatedFor: null, duplicateAnswer: null, onlyNew: null, step: 'check' };
    case 'sendStarted':
      return { ...s, sending: true };
    case 'sendEnded':
      return { ...s, sending: false };
    case 'opened':
      // From outside, a file does not silently replace one chosen and not sent yet: it waits
      // for the user's word (`unsentWork`).
      // The same file again (saved anew after a fix) is read again at once.
      return unsentWork(s) && a.path !== s.path
        ? { ...s, heldPath: a.path }
        : importReducer(s, { type: 'file', path: a.path });
    case 'dropHeld':
      return { ...s, heldPath: null };
    case 'openHeld':
      return s.heldPath ? importReducer({ ...s, heldPath: null }, { type: 'file', path: s.heldPath }) : s;
    case 'uploaded':
      return { ...s, result: a.result, sentTo: a.counter, sending: false };
    case 'resent':
      return s.result ? { ...s, result: a.result } : s;
    case 'reset': {
      const fresh = { ...initialImport, hashContacts: s.hashContacts, pickCount: s.pickCount };
      // A file opened while the last one was sending is the next one, not forgotten.
      return s.heldPath ? importReducer(fresh, { type: 'file', path: s.heldPath }) : fresh;
    }
    case 'startUpload':
      return s.result !== null ? importReducer(s, { type: 'reset' }) : { ...s, step: 'file' };
  }
}

/** A file chosen and taken past its first step, and not sent: what a file opened from outside
 *  would throw away. */
export function unsentWork(s: ImportState): boolean {
  return s.path !== null && s.result === null && (s.step !== 'file' || s.mapping !== null);
}

export function needsStatuses(s: ImportState): boolean {
  if (!s.kind || !STATUS_KINDS.includes(s.kind)) return false;
  const f = s.mapping?.fields.find((x) => x.field === 'order_status');
  return f?.source.type === 'column';
}

/** The wizard's steps. «Статусы» only when a column holds the orders' statuses: with none (or
 *  one value for all) there is nothing to match, and the check says what that means (every
 *  order counts as paid) with the rest of the file's remarks. Until the columns are known it is
 *  kept, so the steps never grow under the user. */
export function stepsFor(s: ImportState): StepId[] {
  return s.kind && STATUS_KINDS.includes(s.kind) && (s.mapping === null || needsStatuses(s))
    ? ['file', 'columns', 'statuses', 'check', 'send']
    : ['file', 'columns', 'check', 'send'];
}

/** Which mapping the core's answer is about. */
export function mappingCheckKey(m: ColumnMapping): string {
  return JSON.stringify({ kind: m.kind, fields: m.fields.map((f) => [f.field, f.source]) });
}

/** What stops the user from leaving the Columns step, as the core says (null: not known yet,
 *  or the core could not say — then `mappingChecked.error` tells why). */
export function mappingProblems(s: ImportState): MappingProblem[] | null {
  if (!s.mapping || !s.mappingChecked || s.mappingChecked.key !== mappingCheckKey(s.mapping)) return null;
  return s.mappingChecked.problems;
}

export function buildValidateRequest(
  s: ImportState,
  counterId: number | null,
  hashDefault: boolean,
): ValidateRequest | null {
  if (!s.path || !s.kind || !s.mapping || counterId === null) return null;
  return {
    path: s.path,
    read: s.read,
    kind: s.kind,
    mapping: s.mapping,
    counter_id: counterId,
    status_map: needsStatuses(s) ? (s.statusMap ?? []) : [],
    hash_contacts: s.hashContacts ?? hashDefault,
    only_new_rows: s.duplicateAnswer === 'new',
  };
}

/** What a validation result depends on; hashing is decided on the last step and changes no count. */
export function validationKey(r: ValidateRequest): string {
  return JSON.stringify({ ...r, hash_contacts: false });
}

export function reachable(s: ImportState, step: StepId, counterId: number | null, hashDefault: boolean): boolean {
  switch (step) {
    case 'file':
      return true;
    case 'columns':
      return s.path !== null && s.kind !== null;
    case 'statuses':
      return s.mapping !== null && s.kind !== null && STATUS_KINDS.includes(s.kind);
    case 'check':
      return s.mapping !== null && mappingProblems(s)?.length === 0 && (!needsStatuses(s) || s.statusMap !== null);
    case 'send': {
      const r = buildValidateRequest(s, counterId, hashDefault);
      return r !== null && s.validation !== null && s.validatedFor === validationKey(r);
    }
  }
}

const ImportContext = createContext<[ImportState, Dispatch<ImportAction>] | null>(null);

const SendJobContext = createContext<Job<SendResult> | null>(null);

export function ImportProvider({ children, initial }: { children: ReactNode; initial?: ImportState }) {
  const [state, dispatch] = useReducer(importReducer, initial ?? initialImport);
  const value = useMemo<[ImportState, Dispatch<ImportAction>]>(() => [state, dispatch], [state]);
  useCancelAbandonedCheck(state.checkJob);
  useMappingProblems(state.mapping, state.headers, state.mappingChecked, dispatch);
  // The send outlives its step: leaving for History and coming back shows the same progress
  // and its stop button, never a second «Отправить».
  const sendJob = useJob<SendResult>();
  const { clearError } = sendJob;
  useEffect(() => clearError(), [clearError, state.pickCount]);
  return (
    <ImportContext.Provider value={value}>
      <SendJobContext.Provider value={sendJob}>{children}</SendJobContext.Provider>
    </ImportContext.Provider>
  );
}

export function useSendJob(): Job<SendResult> {
  const v = useContext(SendJobContext);
  if (!v) throw new Error('ImportProvider missing');
  return v;
}

/** Asks the core what keeps the current mapping from being checked, after every change (the
 *  stepper and the Columns step both need the answer; the rule is validation's own). */
function useMappingProblems(
  mapping: ColumnMapping | null,
  headers: string[],
  checked: ImportState['mappingChecked'],
  dispatch: Dispatch<ImportAction>,
) {
  const backend = useBackend();
  const key = mapping ? mappingCheckKey(mapping) : null;
  const known = checked !== null && checked.key === key;
  useEffect(() => {
    if (!mapping || key === null || known) return;
    let live = true;
    backend.checkMapping(mapping, headers).then(
      (check) => live && dispatch({ type: 'mappingChecked', key, check, error: null }),
      (error: unknown) => live && dispatch({ type: 'mappingChecked', key, check: null, error }),
    );
    return () => {
      live = false;
    };
    // The key says when the mapping changed; the object itself changes with every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, key, known, dispatch]);
}

/** A check the wizard no longer waits for (another file, «Загрузить ещё файл», a new check) is
 *  cancelled in the core, so it stops using the CPU. A finished check's id is unknown to the
 *  core by then, and cancelling it does nothing. */
function useCancelAbandonedCheck(checkJob: string | null) {
  const backend = useBackend();
  const previous = useRef<string | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = checkJob;
    if (before !== null && before !== checkJob) void backend.cancel(before);
  }, [backend, checkJob]);
}

export function useImport(): [ImportState, Dispatch<ImportAction>] {
  const v = useContext(ImportContext);
  if (!v) throw new Error('ImportProvider missing');
  return v;
}

/** Whether the send leaves out rows the ledger holds unchanged. */
export function onlyNewRows(s: ImportState): boolean {
  // «Всё равно отправить ещё раз» on the check is an answer: everything goes unless the user
  // ticks «только новые» again on the review.
  if (s.onlyNew !== null) return s.onlyNew;
  if (s.duplicateAnswer !== null) return s.duplicateAnswer === 'new';
  return (s.validation?.known_rows ?? 0) > 0;
}

/** What the review can promise before anything leaves: N of M valid rows. */
export function reviewCounts(s: ImportState): { valid: number; send: number; known: number; onlyNew: boolean } {
  const v = s.validation;
  const valid = v?.valid_rows ?? 0;
  const known = v?.known_rows ?? 0;
  const onlyNew = onlyNewRows(s);
  return { valid, known, onlyNew, send: onlyNew ? (v?.new_rows ?? 0) : valid };
}

/** Metrica holds the data (the core's word for how the upload ended); nothing else may be
 *  called "sent". */
export function isAccepted(u: UploadSummary): boolean {
  return u.outcome === 'sent';
}
