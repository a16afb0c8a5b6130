// Generated from crates/uploader/src/dto.rs by ts-rs. Do not edit by hand:
// run `UPDATE_BINDINGS=1 cargo test -p mb-uploader bindings` after changing the Rust side.

export type AppError = { "kind": "not_signed_in" } | { "kind": "token_expired", "data": { login: string, } } | { "kind": "no_access", "data": { counter_id: number, } } | { "kind": "quota_exceeded", "data": { quota: string, retry_at: string | null, } } | { "kind": "rejected_data", "data": { error_type: string, message: string, line: number | null, } } | { "kind": "linking_window_not_open", "data": { date: string, } } | { "kind": "network", "data": { detail: string, } } | { "kind": "server", "data": { status: number, } } | { "kind": "file_unreadable", "data": { file_name: string, reason: string, } } | { "kind": "data_has_errors", "data": { errors: number, } } | { "kind": "duplicate", "data": { upload_id: number, sent_at: string, } } | { "kind": "cancelled" } | { "kind": "not_found", "data": { what: string, } } | { "kind": "sign_in_failed", "data": { reason: string, } } | { "kind": "invalid_input", "data": { field: string, reason: string, } } | { "kind": "storage", "data": { detail: string, } } | { "kind": "internal", "data": { detail: string, } };

export type AppInfo = { version: string, 
/**
 * True when no Yandex app is configured and the built-in fake Metrica is used.
 */
demo: boolean, data_dir: string, api_base: string, };

export type Account = { login: string, display_name: string | null, active: boolean, };

export type SignInMethod = "loopback" | "paste_code" | "device";

export type SignInStarted = { flow_id: string, method: SignInMethod, 
/**
 * Opened in the system browser by Rust; shown so the user can copy it.
 */
authorize_url: string, user_code: string | null, verification_url: string | null, };

export type CountersQuery = { search: string | null, offset: number, limit: number, };

export type Permission = "own" | "edit" | "view" | "other";

export type Counter = { id: number, name: string, site: string | null, owner_login: string | null, permission: Permission, time_zone: string, 
/**
 * Owner or guest edit access: uploads are possible.
 */
can_upload: boolean, };

export type CounterPage = { total: number, counters: Array<Counter>, };

export type Goal = { id: number, name: string, 
/**
 * The JavaScript-event identifier to send (`offline_paid`), when the goal can be targeted.
 */
identifier: string | null, goal_type: string, };

export type LinkingWindow = { counter_id: number, 
/**
 * The day (`YYYY-MM-DD`, counter's time zone) uploads open, when they are not open yet.
 */
opens_on: string | null, 
/**
 * Whether the extended (21-day) window is on; `None` when Metrica did not say.
 */
extended: boolean | null, 
/**
 * The app may switch the extended window on: it is off and the token has `metrika:write`.
 */
can_enable_extended: boolean, };

export type UploadKind = "conversions" | "calls" | "simple-orders" | "contacts" | "orders";

export type ReadOverrides = { encoding: string | null, delimiter: string | null, header_line: number | null, sheet: string | null, };

export type FileInfo = { path: string, file_name: string, size: number, 
/**
 * `csv`, `xlsx`, `xls`, `ods`.
 */
format: string, encoding: string, encoding_detected: boolean, delimiter: string | null, header_line: number, headers: Array<string>, sheets: Array<string>, sheet: string | null, };

export type PreviewRow = { line: number, cells: Array<string>, };

export type FilePreview = { info: FileInfo, rows: Array<PreviewRow>, truncated: boolean, detected_kind: UploadKind | null, kind_confidence: number, };

export type FieldSource = { "type": "column", index: number, header: string, confidence: number, } | { "type": "constant", value: string, } | { "type": "none" };

export type Requirement = "required" | "one_of_identifiers" | "optional";

export type FieldMapping = { 
/**
 * Metrica's column name (`ClientId`, `create_date_time`), or a counter attribute's name.
 */
field: string, requirement: Requirement, source: FieldSource, 
/**
 * For a counter attribute (contacts): its title in Metrica («Уровень лояльности»);
 * `null` for documented columns.
 */
attribute_title: string | null, };

export type ColumnMapping = { kind: UploadKind, fields: Array<FieldMapping>, unmapped_columns: Array<string>, 
/**
 * The template was remembered from an earlier file with the same header.
 */
from_template: boolean, signature: string, 
/**
 * The counter's contact attributes (contacts, counter known); empty otherwise.
 */
attributes: Array<CounterAttributeDto>, };

export type CounterAttributeDto = { 
/**
 * Metrica's name, sent as the column name (`loyalty`).
 */
name: string, 
/**
 * Its title in Metrica («Уровень лояльности»); the name when Metrica has none.
 */
title: string, 
/**
 * `numeric`, `date`, `datetime`, `email`, `text` or a list type.
 */
type_name: string, };

export type OrderStatusType = "IN_PROGRESS" | "PAID" | "CANCELLED" | "SPAM" | "OTHER";

export type StatusValue = { value: string, count: number, suggested_type: OrderStatusType, 
/**
 * Latin id matching Metrica's `^[\w-:]+$`.
 */
suggested_id: string, confidence: number, };

export type StatusMapEntry = { value: string, status_type: OrderStatusType, status_id: string, goal_ids: Array<string>, };

export type ValidateRequest = { path: string, read: ReadOverrides, kind: UploadKind, mapping: ColumnMapping, counter_id: number, status_map: Array<StatusMapEntry>, hash_contacts: boolean, only_new_rows: boolean, };

export type Severity = "error" | "warning" | "notice";

export type IssueCode = "future_datetime" | "milliseconds_timestamp" | "excel_scientific_id" | "excel_rounded_id" | "id_trailing_zeros" | "excel_damaged_column" | "excel_number_id" | "unknown_currency" | "currency_lowercase" | "currency_trimmed" | "mixed_currencies" | "missing_required_column" | "mapped_column_not_found" | "attribute_not_on_counter" | "unclosed_quote" | "stray_quote" | "too_many_fields" | "bad_encoding" | "nul_byte" | "empty_file" | "no_identifier" | "missing_value" | "invalid_digits_id" | "id_trimmed" | "invalid_datetime" | "datetime_before_1970" | "datetime_converted" | "datetime_normalized" | "datetime_offset_converted" | "datetime_reformatted" | "date_only" | "outside_linking_window" | "invalid_email" | "email_normalized" | "invalid_phone" | "phone_normalized" | "invalid_md5" | "md5_normalized" | "list_normalized" | "invalid_money" | "negative_money" | "money_normalized" | "no_revenue" | "unknown_status" | "unmapped_status" | "status_mapped" | "status_case" | "status_goal_unverified" | "status_mapping_unverified" | "goal_name_not_identifier" | "target_not_identifier" | "unknown_goal" | "invalid_goal_list" | "invalid_product_list" | "invalid_client_type" | "client_type_case" | "duplicate_conversion" | "duplicate_call" | "duplicate_order_id" | "duplicate_contact_id" | "fractional_seconds_truncated" | "duplicate_check_limited" | "duplicate_check_failed" | "invalid_duration" | "duration_normalized" | "invalid_flag" | "flag_normalized" | "static_call" | "all_static_calls" | "only_hashed_identifiers" | "user_id_needs_set_user_id";

export type Issue = { line: number, record: number, column: string | null, code: IssueCode, severity: Severity, value: string | null, fix: string | null, };

export type OutcomeKind = "sent" | "nothing_new" | "data_has_errors" | "duplicate" | "rejected" | "failed" | "interrupted";

export type IssueCount = { code: IssueCode, column: string | null, severity: Severity, count: number, };

export type ValidationSummary = { rows: number, valid_rows: number, errors: number, warnings: number, notices: number, 
/**
 * The first issues, in file order (capped).
 */
issues: Array<Issue>, counts: Array<IssueCount>, truncated: boolean, 
/**
 * Rows left out because the ledger says they were sent before (only-new-rows mode).
 */
unchanged_rows: number, 
/**
 * Valid rows the ledger already holds unchanged for this counter and kind (sent and
 * accepted before), whatever the mode: what «только новые строки» would leave out.
 */
known_rows: number, 
/**
 * An earlier upload of the same content to the same counter and kind.
 */
duplicate_of: UploadSummary | null, 
/**
 * Where rejected rows were written (opens in Excel).
 */
rejected_path: string | null, };

export type UploadRequest = { validate: ValidateRequest, merge_mode: string | null, comment: string | null, 
/**
 * The user saw the duplicate question and chose to send anyway.
 */
confirm_duplicate: boolean, skip_invalid: boolean, };

export type SendResult = { 
/**
 * How the send ended, the same word `mbridge upload --json` prints as `outcome`.
 */
outcome: OutcomeKind, 
/**
 * The part whose state is the truth to show: the first not accepted, else the last.
 */
upload: UploadSummary | null, 
/**
 * Every part sent, in order (a big file goes in several); empty when nothing was new.
 */
parts: Array<UploadSummary>, 
/**
 * Rows of the file that passed validation (M in «Отправим N новых строк из M»).
 */
valid_rows: number, 
/**
 * Rows that were to be sent (N).
 */
new_rows: number, 
/**
 * Rows left out because the ledger holds them unchanged (only-new mode).
 */
unchanged_rows: number, };

export type Stage = "reading" | "validating" | "writing" | "uploading" | "waiting" | "done";

export type Progress = { job_id: string, stage: Stage, done: number, total: number | null, rows: number, };

export type UploadState = "prepared" | "sending" | "sent" | "processing" | "processed" | "linkage_failure" | "rejected" | "failed" | "interrupted" | "superseded";

export type UploadSummary = { id: number, tag: string, account: string, counter_id: number, counter_name: string | null, kind: UploadKind, file_name: string, rows: number, valid_rows: number, state: UploadState, server_id: string | null, server_status: string | null, linked: number | null, user_not_found: number | null, goal_not_found: number | null, created_at: string, finished_at: string | null, 
/**
 * Metrica's message (rejections), e-mails and phones masked.
 */
message: string | null, 
/**
 * The user's comment from the send screen.
 */
note: string | null, };

export type ExplanationItem = { 
/**
 * `users_not_found`, `goals_not_found`, `linkage_failure`, `processing`, …
 */
code: string, count: number | null, 
/**
 * What to do about it: `check_identifiers_and_window`, `resend`, …
 */
advice: string | null, };

export type UploadDetail = { summary: UploadSummary, linked_share: number | null, explanation: Array<ExplanationItem>, 
/**
 * The upload's rejected-rows file (rows left out, with the reasons in words), while it
 * is kept in the data folder.
 */
rejected_path: string | null, };

export type HistoryFilter = { account: string | null, counter_id: number | null, kind: UploadKind | null, states: Array<UploadState>, from: string | null, to: string | null, limit: number | null, };

export type ClientOverview = { counter_id: number, counter_name: string, account: string, last_upload: UploadSummary | null, linked_share: number | null, 
/**
 * Linked shares of the recent finished uploads, oldest first (a small trend line).
 */
linked_trend: Array<number>, 
/**
 * What needs the user's eye on this counter, computed in Rust.
 */
warnings: Array<OverviewWarning>, 
/**
 * The counter's repeating jobs.
 */
jobs: Array<JobView>, };

export type OverviewWarning = { 
/**
 * `linked_share_drop` (value: the new share), `job_failed`, `job_overdue` (no new data
 * for longer than the schedule implies), `window_closing` (value: days left to send
 * data a job has not sent).
 */
code: string, job: string | null, value: number | null, };

export type JobView = { name: string, account: string, counter_id: number, kind: UploadKind, 
/**
 * The folder, or the one fixed file.
 */
folder: string, 
/**
 * The file-name pattern; None for a fixed file.
 */
pattern: string | null, 
/**
 * `hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`; None: by hand only.
 */
every: string | null, paused: boolean, stop_on_bad_rows: boolean, last_run: JobRunView | null, 
/**
 * RFC 3339.
 */
next_run: string | null, 
/**
 * `failed`, `blocked`, `rejected`, `interrupted`, `overdue`.
 */
warning: string | null, };

export type JobRunView = { id: number, started_at: string, finished_at: string | null, 
/**
 * `running`, `sent`, `nothing_new`, `no_file`, `blocked`, `rejected`, `failed`,
 * `interrupted`.
 */
result: string, files: Array<string>, rows_new: number, rows_unchanged: number, rows_rejected: number, message: string | null, upload_ids: Array<number>, 
/**
 * The validation report kept with the run.
 */
report: ValidationSummary | null, };

export type NewJob = { upload_id: number, name: string, folder: string, pattern: string, 
/**
 * `hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`.
 */
every: string, stop_on_bad_rows: boolean, };

export type JobEdit = { name: string, folder: string, pattern: string, 
/**
 * `hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`.
 */
every: string, stop_on_bad_rows: boolean, };

export type Settings = { 
/**
 * `ru`, `en` or `system`.
 */
language: string, 
/**
 * `light`, `dark` or `system`.
 */
theme: string, hash_contacts_by_default: boolean, 
/**
 * The desktop app shows a system notification when an upload's processing ends.
 */
notify_when_processed: boolean, };

export type AppEvent = { "type": "history_changed", upload_id: number, } | { "type": "accounts_changed" } | { "type": "open_file", path: string, };
