//! The one table from backend errors (`AppError`) to what the user sees: severity, the action
//! offered and the i18n text. Exhaustive by type: a new error kind in Rust fails the build here.
import type { TFunction } from 'i18next';
import type { AppError } from '../ipc';
import { formatDateTime, formatDay } from './format';

/** The core's field names a user meets in the window → their words (`errors.fields.*`). */
type FieldWord =
  'jobName' | 'pattern' | 'folder' | 'schedule' | 'time' | 'goalId' | 'date' | 'code' | 'attribute' | 'repeat' | 'path';
const INPUT_FIELDS: Partial<Record<string, FieldWord>> = {
  name: 'jobName',
  pattern: 'pattern',
  folder: 'folder',
  every: 'schedule',
  schedule: 'schedule',
  at: 'time',
  identifier: 'goalId',
  date: 'date',
  code: 'code',
  title: 'attribute',
  'from-upload': 'repeat',
  path: 'path',
};

export type ErrorSeverity = 'danger' | 'warning' | 'info';
export type ErrorAction = 'signIn' | 'retry' | 'none';

type Of<K extends AppError['kind']> = Extract<AppError, { kind: K }>;
interface Spec<E extends AppError> {
  severity: ErrorSeverity;
  action: ErrorAction;
  /** The action when it depends on the error's data (else `action`). */
  actionOf?: (e: E) => ErrorAction;
  text: (e: E, t: TFunction, lang: string) => string;
}

/** A file that could not be read because of where it is or who holds it (busy, on a drive
 *  that went away, no rights yet), or that is empty (an export still being written, a file
 *  saved again in place): reading it again may work. A damaged or non-table file reads the
 *  same again: another file is the way on, so «Повторить» is not offered. */
const PASSING_FILE_REASONS: ReadonlyArray<string> = [
  'io',
  'not_found',
  'permission_denied',
  'folder_not_found',
  'empty',
];
type ErrorTable = { [K in AppError['kind']]: Spec<Of<K>> };

/** What the core may not find, named in words (errors.notFound.*). */
const NOT_FOUND_KINDS = [
  'upload',
  'job',
  'account',
  'counter',
  'prepared_file',
  'metrica_object',
  'sign_in_flow',
] as const;

export const ERROR_TABLE: ErrorTable = {
  not_signed_in: { severity: 'warning', action: 'signIn', text: (_, t) => t('errors.not_signed_in') },
  token_expired: {
    severity: 'warning',
    action: 'signIn',
    // No login: a token given from outside (MBRIDGE_TOKEN), not a sign-in of the app's.
    text: (e, t) => (e.data.login ? t('errors.token_expired', { login: e.data.login }) : t('errors.tokenRefused')),
  },
  no_access: {
    severity: 'danger',
    action: 'none',
    text: (e, t) => t('errors.no_access', { counterId: e.data.counter_id }),
  },
  quota_exceeded: {
    severity: 'warning',
    action: 'retry',
    text: (e, t, lang) =>
      t('errors.quota_exceeded', {
        when: e.data.retry_at ? t('errors.quota_when', { date: formatDateTime(e.data.retry_at, lang) }) : '',
      }),
  },
  rejected_data: {
    severity: 'danger',
    action: 'none',
    // Metrica's own words (as the CLI says them), not its error code.
    text: (e, t) =>
      t('errors.rejected_data', {
        where: e.data.line !== null ? t('errors.rejected_where', { line: e.data.line }) : '',
        message: e.data.message.trim() || e.data.error_type,
      }),
  },
  linking_window_not_open: {
    severity: 'warning',
    // Pressing again fails again until that day.
    action: 'none',
    text: (e, t, lang) => t('errors.linking_window_not_open', { date: formatDay(e.data.date, lang) }),
  },
  network: { severity: 'warning', action: 'retry', text: (_, t) => t('errors.network') },
  server: { severity: 'warning', action: 'retry', text: (e, t) => t('errors.server', { status: e.data.status }) },
  file_unreadable: {
    severity: 'danger',
    action: 'retry',
    actionOf: (e) => (PASSING_FILE_REASONS.includes(e.data.reason.kind) ? 'retry' : 'none'),
    text: (e, t) => {
      // Typed reasons; their words come from the catalogue shared with the CLI.
      const r = e.data.reason;
      // A job's folder that is not there is not a file.
      if (r.kind === 'folder_not_found') return t('errors.folder_not_found', { folder: e.data.file_name });
      const reason = t(`file_reason.${r.kind}`, { line: r.kind === 'line_too_long' ? r.line : 0 });
      return t('errors.file_unreadable', { fileName: e.data.file_name, reason });
    },
  },
  data_has_errors: {
    severity: 'warning',
    action: 'none',
    text: (e, t) =>
      t(
        e.data.in_file
          ? 'errors.data_has_errors_in_file'
          : e.data.no_valid_rows
            ? 'errors.data_has_errors_none'
            : 'errors.data_has_errors',
        { errors: e.data.errors },
      ),
  },
  duplicate: {
    severity: 'warning',
    action: 'none',
    text: (e, t, lang) =>
      t(e.data.interrupted ? 'errors.duplicateInterrupted' : 'errors.duplicate', {
        id: e.data.upload_id,
        date: formatDateTime(e.data.sent_at, lang),
      }),
  },
  cut_off_unsettled: {
    severity: 'warning',
    // Refused again until that time.
    action: 'none',
    text: (e, t, lang) =>
      t('errors.cutOffUnsettled', {
        id: e.data.upload_id,
        date: formatDateTime(e.data.sent_at, lang),
        time: formatDateTime(e.data.look_again_at, lang),
      }),
  },
  cancelled: { severity: 'info', action: 'none', text: (_, t) => t('errors.cancelled') },
  job_running: {
    severity: 'warning',
    action: 'none',
    text: (e, t) => t('errors.job_running', { name: e.data.name }),
  },
  not_found: {
    severity: 'warning',
    action: 'retry',
    // The core names the object by its kind and key (`upload:7`, `job roma`, `metrica_object`):
    // a person reads what it is, never the key.
    text: (e, t) => {
      const kind = /^[a-z_]+/.exec(e.data.what)?.[0] ?? '';
      return NOT_FOUND_KINDS.includes(kind as (typeof NOT_FOUND_KINDS)[number])
        ? t(`errors.notFound.${kind as (typeof NOT_FOUND_KINDS)[number]}`)
        : t('errors.not_found');
    },
  },
  sign_in_failed: { severity: 'danger', action: 'signIn', text: (_, t) => t('errors.sign_in_failed') },
  invalid_input: {
    severity: 'warning',
    action: 'none',
    // The core names fields by their code names; only those a user can see and change in the
    // window are named, in words.
    text: (e, t) => {
      // Another job has the name (the core never replaces a job when one is added):
      // `exists:NAME:TITLE`, that job's handle (never with `:`), then its title as the app shows it.
      if (e.data.field === 'name' && e.data.reason.startsWith('exists:')) {
        const [, handle = '', ...title] = e.data.reason.split(':');
        return t('errors.jobExists', { name: title.length > 0 ? title.join(':') : handle });
      }
      // Another job takes the same files for this counter and kind: `same_files:NAME:TITLE`.
      if (e.data.field === 'source' && e.data.reason.startsWith('same_files:')) {
        const [, handle = '', ...title] = e.data.reason.split(':');
        return t('errors.jobSameFiles', { name: title.length > 0 ? title.join(':') : handle });
      }
      // The core's refusal to resend an upload that went, or was resent already: not a value
      // anyone typed.
      if (e.data.field === 'upload' && e.data.reason === 'not_resendable') return t('errors.notResendable');
      // A job's folder or file typed as a relative path: the scheduler runs from elsewhere.
      if ((e.data.field === 'folder' || e.data.field === 'path') && e.data.reason === 'relative')
        return t('errors.relativePath');
      // The history's export could not be written where the save dialog pointed.
      if (e.data.field === 'export')
        return t('errors.exportFailed', { path: e.data.reason.split(':').slice(1).join(':') });
      // A sign-in without `metrika:write` asked to change the counter's settings.
      if (e.data.field === 'sign_in' && e.data.reason === 'write_scope') return t('errors.writeScope');
      // Some of its rows another upload delivered since: calls would count twice, other values go back.
      if (e.data.field === 'upload' && e.data.reason === 'sent_since') return t('errors.sentSince');
      const field = INPUT_FIELDS[e.data.field];
      return field
        ? t('errors.invalid_input', { field: t(`errors.fields.${field}`) })
        : t('errors.invalid_input_generic');
    },
  },
  storage: { severity: 'danger', action: 'retry', text: (_, t) => t('errors.storage') },
  history_busy: { severity: 'warning', action: 'retry', text: (_, t) => t('errors.history_busy') },
  scheduler_failed: {
    severity: 'danger',
    action: 'retry',
    text: (e, t) => t('errors.scheduler_failed', { detail: e.data.detail }),
  },
  internal: { severity: 'danger', action: 'retry', text: (_, t) => t('errors.internal') },
  update_failed: {
    severity: 'warning',
    action: 'retry',
    text: (e, t) => t(`errors.update_failed.${e.data.step}`),
  },
};

/** The brief's contract, spelled out: the table is a Record over every kind. */
export const ERROR_KINDS = Object.keys(ERROR_TABLE) as Array<AppError['kind']>;
const _isRecord: Record<AppError['kind'], unknown> = ERROR_TABLE;
void _isRecord;

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' &&
    e !== null &&
    'kind' in e &&
    typeof e.kind === 'string' &&
    (e as { kind: string }).kind in ERROR_TABLE
  );
}

/** Anything thrown becomes an AppError; unknown shapes are `internal` with their text kept. */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const detail = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return { kind: 'internal', data: { detail } };
}

export interface ExplainedError {
  kind: AppError['kind'];
  severity: ErrorSeverity;
  action: ErrorAction;
  text: string;
}

export function explainError(e: unknown, t: TFunction, lang: string): ExplainedError {
  const err = toAppError(e);
  const spec = ERROR_TABLE[err.kind] as Spec<AppError>;
  const action = spec.actionOf?.(err) ?? spec.action;
  return { kind: err.kind, severity: spec.severity, action, text: spec.text(err, t, lang) };
}
