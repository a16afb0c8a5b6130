// Generated from crates/text/messages/*.json by mb-text. Do not edit by hand:
// change the JSON, then run `UPDATE_BINDINGS=1 cargo test -p mb-text`.
// The texts are the JSON files themselves, typed by this in catalogue-ru.ts / catalogue-en.ts.
import type {
  AdviceCode,
  ExplanationCode,
  FailureReason,
  FileReason,
  IssueCode,
  Severity,
  UploadKind,
  UploadState,
} from '../ipc/bindings';

/** The texts of one issue code: the app shows title/what/todo, the CLI meaning/reason. */
export type IssueText = { title: string; what: string; todo: string; meaning: string; reason?: string };
/** Failure reasons that are codes (a `message` is shown as it came). */
export type FailureCode = Exclude<FailureReason['kind'], 'message'>;
export type Catalogue = {
  advice: Record<AdviceCode, string>;
  common: { rows_few: string; rows_many: string; rows_one: string; rows_other: string };
  every: { daily: string; hourly: string; manual: string; weekly_fri: string; weekly_mon: string; weekly_sat: string; weekly_sun: string; weekly_thu: string; weekly_tue: string; weekly_wed: string };
  explain: Record<ExplanationCode, string>;
  file_reason: Record<FileReason['kind'], string>;
  issues: Record<IssueCode, IssueText>;
  kinds: Record<UploadKind, string>;
  notify: { accepted_few: string; accepted_many: string; accepted_one: string; accepted_other: string; failed: string; failed_body: string; follow_stopped: string; follow_stopped_title: string; in_tray: string; in_tray_following: string; in_tray_sending: string; in_tray_title: string; job_failed: string; job_overdue: string; linkage_failure: string; linked_few: string; linked_many: string; linked_one: string; linked_other: string; linked_share_drop: string; needs_look: string; processed: string; send_stopped: string; send_stopped_title: string; window_closing_few: string; window_closing_many: string; window_closing_one: string; window_closing_other: string; window_closing_zero: string };
  reason: Record<FailureCode, string>;
  run_note: { file_changing: string; file_unchanged: string; new_columns_few: string; new_columns_many: string; new_columns_one: string; new_columns_other: string; no_matching_file: string; no_new_file: string; process_died: string };
  send: { changedKept_few: string; changedKept_many: string; changedKept_one: string; changedKept_other: string; corrected_few: string; corrected_many: string; corrected_one: string; corrected_other: string; outdatedAll_few: string; outdatedAll_many: string; outdatedAll_one: string; outdatedAll_other: string; outdatedSent_few: string; outdatedSent_many: string; outdatedSent_one: string; outdatedSent_other: string; outdated_few: string; outdated_many: string; outdated_one: string; outdated_other: string; partFailed: string; partInterrupted: string; partRejected: string; partial_few: string; partial_many: string; partial_one: string; partial_other: string; partial_zero: string; reviewAll_few: string; reviewAll_many: string; reviewAll_one: string; reviewAll_other: string; reviewNew_few: string; reviewNew_many: string; reviewNew_one: string; reviewNew_other: string; twice_few: string; twice_many: string; twice_one: string; twice_other: string };
  severity: Record<Severity, string>;
  stages: { done: string; downloading: string; installing: string; queued: string; reading: string; uploading: string; validating: string; waiting: string; writing: string };
  start: { failed: string; failed_title: string; newer: string };
  states: Record<UploadState, string>;
};
