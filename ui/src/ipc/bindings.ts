// Generated from crates/uploader/src/dto.rs by ts-rs. Do not edit by hand:
// run `UPDATE_BINDINGS=1 cargo test -p mb-uploader bindings` after changing the Rust side.

export type AppError = { "kind": "not_signed_in" } | { "kind": "token_expired", "data": { login: string, } } | { "kind": "no_access", "data": { counter_id: number, } } | { "kind": "quota_exceeded", "data": { quota: string, retry_at: string | null, } } | { "kind": "rejected_data", "data": { error_type: string, message: string, line: number | null, } } | { "kind": "linking_window_not_open", "data": { date: string, } } | { "kind": "network", "data": { detail: string, } } | { "kind": "server", "data": { status: number, } } | { "kind": "file_unreadable", "data": { file_name: string, reason: FileReason, } } | { "kind": "data_has_errors", "data": { 
/**
 * Errors that stop it: those in the file itself when there are any, else all.
 */
errors: number, 
/**
 * Some are errors in the file itself (see [`SendBlock::FileErrors`]): skipping the
 * rows with errors does not get around them; the file must be fixed.
 */
in_file: boolean, 
/**
 * Not one row is without errors: skipping them leaves nothing to send.
 */
no_valid_rows: boolean, } } | { "kind": "duplicate", "data": { upload_id: number, sent_at: string, 
/**
 * That send was cut off (its answer lost): whether Metrica has it is not known, so
 * the way on is a resend, which looks on the server first, not a blind second send.
 */
interrupted: boolean, } } | { "kind": "cut_off_unsettled", "data": { upload_id: number, sent_at: string, look_again_at: string, } } | { "kind": "cancelled" } | { "kind": "not_found", "data": { what: string, } } | { "kind": "job_running", "data": { name: string, } } | { "kind": "sign_in_failed", "data": { reason: string, } } | { "kind": "invalid_input", "data": { field: string, reason: string, } } | { "kind": "storage", "data": { detail: string, } } | { "kind": "history_busy", "data": { detail: string, } } | { "kind": "scheduler_failed", "data": { detail: string, } } | { "kind": "internal", "data": { detail: string, } } | { "kind": "update_failed", "data": { step: UpdateStep, } };

export type FileReason = { "kind": "not_found" } | { "kind": "permission_denied" } | { "kind": "io" } | { "kind": "not_regular_file" } | { "kind": "not_a_folder" } | { "kind": "folder_not_found" } | { "kind": "empty" } | { "kind": "no_header" } | { "kind": "unknown_encoding" } | { "kind": "bad_delimiter" } | { "kind": "damaged_workbook" } | { "kind": "workbook_too_large" } | { "kind": "sheet_not_found" } | { "kind": "not_text" } | { "kind": "line_too_long", line: number, };

export type AppInfo = { version: string, 
/**
 * True when no Yandex app is configured and the built-in fake Metrica is used.
 */
demo: boolean, data_dir: string, 
/**
 * The file a Yandex app's ClientID goes in (`yandex-app.json`, in the data folder).
 */
app_config: string, 
/**
 * The folder of the app's log (support asks for it).
 */
logs_dir: string, api_base: string, 
/**
 * This build updates itself (a release build with a release server); the CLI, the
 * browser adapter and builds from source do not.
 */
updates: boolean, };

export type UpdateCheck = { "state": "not_configured", current: string, } | { "state": "up_to_date", current: string, } | { "state": "available", current: string, version: string, 
/**
 * Release notes as the update manifest gives them.
 */
notes: string | null, };

export type UpdateStep = "check" | "download" | "signature" | "install";

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
 * The zone's offset from UTC at the moment the list was read, in minutes (Moscow: 180);
 * `None` when the zone is not in the bundled time-zone database. The window shows it
 * («Москва, GMT+3») without asking the web view's ICU, whose zone names cost ~9 ms to load.
 */
utc_offset_minutes: number | null, 
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
 * The day (`YYYY-MM-DD`, counter's time zone) the counter links offline data from, when
 * uploads are open and that day is within the last 21 days (the window is still growing
 * from the day it was switched on): events before it may not link.
 */
links_from: string | null, 
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

export type PreviewRow = { line: number, cells: Array<string>, 
/**
 * What each cell held: a workbook's numbers and dates are shown as the spreadsheet shows
 * them, text as typed (every cell of a text file is text).
 */
kinds: Array<CellKind>, };

export type UnreadableLine = { line: number, code: IssueCode, };

export type FilePreview = { info: FileInfo, rows: Array<PreviewRow>, 
/**
 * Lines among the first ones the reader could not split into cells (a quote left open, a
 * cell too many): not in `rows`, so the preview says they are there.
 */
unreadable: Array<UnreadableLine>, truncated: boolean, detected_kind: UploadKind | null, kind_confidence: number, };

export type FieldSource = { "type": "column", index: number, header: string, confidence: number, } | { "type": "constant", value: string, } | { "type": "none" };

export type Requirement = "required" | "one_of_identifiers" | "optional";

export type FieldFormat = "text" | "digits_id" | "goal_id" | "unix_seconds" | "crm_date_time" | "money" | "number" | "currency" | "call_phone" | "seconds" | "flag" | "client_id_list" | "email_list" | "phone_list" | "md5_list" | "order_status" | "goal_list" | "product_list" | "client_type" | "date";

export type FieldMapping = { 
/**
 * Metrica's column name (`ClientId`, `create_date_time`), or a counter attribute's name.
 */
field: string, requirement: Requirement, 
/**
 * What its values are (a goal, a currency, money…): the Columns step offers a fixed value
 * of that sort (the counter's goals, the currencies). Text for a counter attribute.
 */
format: FieldFormat, source: FieldSource, 
/**
 * For a counter attribute (contacts): its title in Metrica («Уровень лояльности»);
 * `null` for documented columns.
 */
attribute_title: string | null, };

export type ColumnMapping = { kind: UploadKind, fields: Array<FieldMapping>, unmapped_columns: Array<UnmappedColumn>, 
/**
 * The template was remembered from an earlier file with the same header.
 */
from_template: boolean, signature: string, 
/**
 * The counter's contact attributes (contacts, counter known); empty otherwise.
 */
attributes: Array<CounterAttributeDto>, 
/**
 * Currencies written in words, as the user named them (`руб.` → `RUB`; the check's
 * currency offer): these values are read as that code, every other one is checked.
 */
currency_names: { [key in string]: string }, };

export type MappingProblemCode = "required" | "identifier";

export type MappingProblem = { code: MappingProblemCode, 
/**
 * The field with no column or value (`required`); none for `identifier`.
 */
field: string | null, };

export type MappingCheck = { problems: Array<MappingProblem>, unmapped_columns: Array<UnmappedColumn>, };

export type UnmappedColumn = { index: number, header: string, };

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
suggested_id: string, confidence: number, 
/**
 * The suggestion is a guess from the wording (not Metrica's own word, not a known CRM
 * phrase, not the counter's remembered choice): the window marks it «проверьте».
 */
guessed: boolean, };

export type StatusMapEntry = { value: string, status_type: OrderStatusType, status_id: string, goal_ids: Array<string>, };

export type ValidateRequest = { path: string, read: ReadOverrides, kind: UploadKind, mapping: ColumnMapping, counter_id: number, status_map: Array<StatusMapEntry>, hash_contacts: boolean, only_new_rows: boolean, };

export type Severity = "error" | "warning" | "notice";

export type IssueCode = "future_datetime" | "milliseconds_timestamp" | "excel_scientific_id" | "excel_rounded_id" | "id_trailing_zeros" | "excel_damaged_column" | "excel_number_id" | "unknown_currency" | "currency_lowercase" | "currency_trimmed" | "currency_named" | "mixed_currencies" | "crm_revenue_in_rubles" | "missing_required_column" | "mapped_column_not_found" | "no_visitor_id" | "empty_order_id" | "no_order_id_column" | "status_defaults_to_paid" | "orders_before_contacts" | "summary_row_skipped" | "note_row_skipped" | "line_read_as_utf8" | "attribute_not_on_counter" | "unclosed_quote" | "stray_quote" | "too_many_fields" | "cells_past_header" | "too_few_fields" | "bad_encoding" | "nul_byte" | "empty_file" | "no_identifier" | "missing_value" | "invalid_digits_id" | "id_trimmed" | "invalid_datetime" | "datetime_before_1970" | "datetime_too_old" | "excel_serial_date" | "datetime_converted" | "datetime_normalized" | "datetime_offset_converted" | "datetime_reformatted" | "date_only" | "date_only_day_start" | "outside_linking_window" | "before_counter_window" | "invalid_email" | "email_normalized" | "invalid_phone" | "phone_normalized" | "invalid_md5" | "md5_normalized" | "list_normalized" | "invalid_money" | "negative_money" | "money_normalized" | "money_thousands_like" | "invalid_number" | "number_normalized" | "no_revenue" | "unknown_status" | "unmapped_status" | "status_mapped" | "status_case" | "status_goal_unverified" | "status_mapping_unverified" | "goal_name_not_identifier" | "target_not_identifier" | "unknown_goal" | "invalid_goal_list" | "invalid_product_list" | "invalid_client_type" | "client_type_case" | "duplicate_conversion" | "duplicate_call" | "duplicate_order_id" | "duplicate_contact_id" | "fractional_seconds_truncated" | "duplicate_check_limited" | "duplicate_check_failed" | "invalid_duration" | "duration_normalized" | "invalid_flag" | "flag_normalized" | "static_call" | "all_static_calls" | "only_hashed_identifiers" | "user_id_needs_set_user_id";

export type CellKind = "text" | "number" | "date" | "date_time" | "time" | "duration" | "bool" | "error";

export type Issue = { line: number, record: number, 
/**
 * Where it is, for saying so: the header line, the whole file (or a whole column), or
 * the line (a data row, or a broken line of the file).
 */
place: IssuePlace, column: string | null, code: IssueCode, severity: Severity, value: string | null, fix: string | null, 
/**
 * `fix` as a person reads it when the machine form differs (a date sent as Unix time
 * shown as `20.11.2026 14:05` in the counter's zone).
 */
shown: string | null, 
/**
 * How a message says `value` (`mb_import::human::said`): readable first, as the file has
 * it after (`09.11.2026 15:42 (1794228120)`); None with no value.
 */
said: string | null, value_type: ValueType | null, };

export type OutcomeKind = "sent" | "nothing_new" | "data_has_errors" | "duplicate" | "rejected" | "failed" | "interrupted";

export type IssueCount = { code: IssueCode, column: string | null, severity: Severity, count: number, 
/**
 * Said of the file itself (its header, a column it lacks), not of rows: not «N строк».
 * (Absent from job-run reports kept before it: false.)
 */
in_file: boolean, 
/**
 * The first two occurrences (file order): «8 (912) 345-67-89 → 79123456789».
 */
examples: Array<IssueExample>, value_type: ValueType | null, };

export type CurrencyOffer = { 
/**
 * The mapping's field to set (`Currency`, `currency`).
 */
field: string, code: string, 
/**
 * The names used, as written (up to three).
 */
values: Array<string>, rows: number, };

export type IssuePlace = "header" | "file" | "line";

export type SendBlock = "file_errors" | "no_valid_rows" | "row_errors";

export type SendStopped = { 
/**
 * What happened to the part it stopped on: `interrupted` (Metrica may have it),
 * `rejected` (Metrica refused it) or `failed`; `failed` too when every part recorded went
 * and an error stopped the send before the rest.
 */
state: OutcomeKind, 
/**
 * That part, counted from 1; 0 when every part recorded went and the send stopped before
 * the next one was recorded.
 */
part: number, 
/**
 * Parts Metrica accepted.
 */
accepted: number, 
/**
 * Parts recorded.
 */
total: number, };

export type SendStop = "no_access" | "window_not_open" | "file_errors" | "no_valid_rows" | "row_errors" | "duplicate_cut_off" | "cut_off_unsettled" | "duplicate";

export type SendAnswer = "skip_invalid" | "duplicate" | "only_new";

export type GateStop = { stop: SendStop, lifted_by: Array<SendAnswer>, };

export type SendGate = { 
/**
 * Before leaving the Check step. Rows with errors do not stop it (the review offers to
 * leave them out); the duplicate question is answered there.
 */
check: Array<GateStop>, 
/**
 * Before «Отправить».
 */
review: Array<GateStop>, 
/**
 * «Только новые строки» would send nothing: every valid row is one Metrica holds (the
 * review says so calmly instead of offering a send, when no stop comes first).
 */
nothing_new: boolean, };

export type IssueExample = { line: number, value: string | null, fix: string | null, shown: string | null, };

export type ValueType = "date_time" | "money" | "status";

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
 * Valid rows «только новые строки» would send: `valid_rows` less `known_rows` (what the
 * review promises before anything leaves).
 */
new_rows: number, 
/**
 * Of `known_rows`: calls sent before with other content (an amount corrected since).
 * Sending them again may count the call twice, so «только новые» leaves them out, and the
 * window says so (a corrected conversion goes: Metrica rewrites its amount).
 */
changed_rows: number, 
/**
 * Of `new_rows`: corrections, rows Metrica holds with other values (an amount or a
 * status changed since), which «только новые» sends to replace them.
 */
corrected_rows: number, 
/**
 * Of `known_rows`: older values than Metrica's (these exact values were accepted once and
 * replaced since); «только новые» leaves them out, and sending every row would put the
 * older values back.
 */
outdated_rows: number, 
/**
 * An earlier upload of the same content to the same counter and kind.
 */
duplicate_of: UploadSummary | null, 
/**
 * That earlier send was cut off (whether Metrica has it is not known): the file is not
 * sent again from here, even when confirmed; its resend in History looks first.
 */
duplicate_cut_off: boolean, 
/**
 * Where rejected rows were written (opens in Excel).
 */
rejected_path: string | null, 
/**
 * One currency for the whole file would fix every currency error.
 */
currency_offer: CurrencyOffer | null, 
/**
 * What keeps the valid rows from being sent (the core's rule for every front end);
 * `row_errors` is lifted by skipping the rows with errors, the others are not.
 */
send_block: SendBlock | null, 
/**
 * The day (`YYYY-MM-DD`, the counter's zone) the counter starts taking offline data, while
 * that is still ahead: nothing can go before it (the send is refused), so the window
 * offers no send, only the check.
 */
window_opens_on: string | null, 
/**
 * What keeps the file from going, per step, and which answers lift each stop: the
 * window shows the first one its answers leave ([`crate::gate`]).
 */
gate: SendGate, 
/**
 * A send would repeat calls of a cut-off send Metrica does not list yet, and waits until
 * the time this error names ([`AppError::CutOffUnsettled`]).
 */
cut_off_unsettled: AppError | null, 
/**
 * The file's own header of each field read from a column (`order_status` → «Статус»):
 * issues name fields, the user reads their own column names.
 */
headers: { [key in string]: string }, };

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
unchanged_rows: number, 
/**
 * Of `unchanged_rows`: calls sent before with other content, left out (they may count
 * twice).
 */
changed_rows: number, 
/**
 * Of `new_rows`: corrections sent to replace what Metrica had.
 */
corrected_rows: number, 
/**
 * Older values than Metrica's (accepted once, replaced since): left out in only-new mode,
 * among the rows that went when every row was sent.
 */
outdated_rows: number, 
/**
 * Rows of the file, as the send read it, left out for their errors (the Check step read
 * the file earlier: it may have been exported again since).
 */
rejected_rows: number, 
/**
 * The send's own file of those rows with their reasons, while it is there.
 */
rejected_path: string | null, 
/**
 * The error that stopped the send part-way (a sign-in that expired while the parts
 * went), shown beside the parts: `parts` still holds those Metrica accepted, the one it
 * stopped on (`upload`) and the later ones not sent. None when every part got its answer.
 */
error: AppError | null, 
/**
 * How a send that did not all go stopped (None when it all went, or nothing was sent):
 * every front end says the same part and count.
 */
stopped: SendStopped | null, };

export type Stage = "reading" | "validating" | "writing" | "uploading" | "waiting" | "queued" | "downloading" | "installing" | "done";

export type Progress = { job_id: string, stage: Stage, done: number, total: number | null, rows: number, 
/**
 * Rows in all, when known (sending a prepared file): «1 200 из 5 000 строк».
 */
total_rows: number | null, 
/**
 * Bytes per second over the last seconds of this stage; None until a second has passed.
 */
bytes_per_sec: number | null, 
/**
 * Rows per second, likewise (None when the stage counts no rows).
 */
rows_per_sec: number | null, 
/**
 * Seconds left at the current rate, when the total is known.
 */
eta_secs: number | null, };

export type UploadState = "prepared" | "sending" | "sent" | "processing" | "processed" | "linkage_failure" | "rejected" | "failed" | "interrupted" | "superseded";

export type FailureReason = { "kind": "network" } | { "kind": "server_error", status: number, } | { "kind": "quota_exceeded" } | { "kind": "quota_busy" } | { "kind": "no_access" } | { "kind": "not_found" } | { "kind": "sign_in_needed" } | { "kind": "cancelled" } | { "kind": "stopped_before_send" } | { "kind": "not_sent" } | { "kind": "linking_window", date: string, } | { "kind": "unexpected" } | { "kind": "message", text: string, };

export type UploadSummary = { id: number, tag: string, account: string, counter_id: number, counter_name: string | null, kind: UploadKind, file_name: string, rows: number, valid_rows: number, state: UploadState, server_id: string | null, server_status: string | null, linked: number | null, user_not_found: number | null, goal_not_found: number | null, 
/**
 * Linked rows of those Metrica took (`linked / line_quantity`), once it has finished
 * with the file; the list shows it as «Связано».
 */
linked_share: number | null, created_at: string, finished_at: string | null, 
/**
 * Why it failed or was rejected (Metrica's own words for a rejection, e-mails and
 * phones masked).
 */
failure: FailureReason | null, 
/**
 * The user's comment from the send screen.
 */
note: string | null, 
/**
 * «Отправить заново» can be offered: interrupted or failed, not sent again already, and
 * its prepared file still there (the core refuses the resend otherwise).
 */
resendable: boolean, 
/**
 * «Обновить» can tell something new: Metrica is (or may be) still working on it, or a
 * send whose process is gone is looked up on the server (`Core::refresh_status`).
 */
refreshable: boolean, 
/**
 * The upload that sent its rows again (a resend, or a job's next run that carried them).
 */
replaced_by: number | null, 
/**
 * How it ended so far, in the send's own words: `sent` once Metrica accepted it,
 * `interrupted` when its answer was lost (also while read back as still sending),
 * `rejected`, else `failed` (`OutcomeKind::of_state`).
 */
outcome: OutcomeKind, 
/**
 * Metrica has the file (it gave it an id, or accepted or refused it): «Отправлена», even
 * when it then failed it; else the send was only begun (`mb_history::Upload::received`).
 */
received: boolean, };

export type ExplanationCode = "not_sent" | "sending" | "processing" | "linked" | "crm_accepted" | "rows_corrected" | "rows_known_left_out" | "rows_outdated_left_out" | "calls_changed_left_out" | "rows_sent_again" | "rows_outdated_sent" | "rows_rejected_locally" | "rows_kept_by_server" | "rows_dropped_by_server" | "users_not_found" | "goals_not_found" | "static_calls" | "linkage_failure" | "rejected" | "failed" | "interrupted" | "stopped_by_user" | "superseded";

export type AdviceCode = "wait_for_processing" | "review_rejected_rows" | "check_identifiers_and_window" | "check_goal_identifiers" | "fix_file_and_upload_again" | "server_dropped_invalid_rows" | "resend" | "reconcile_then_resend" | "see_newer_upload" | "upload_file_again";

export type ExplanationItem = { code: ExplanationCode, count: number | null, 
/**
 * What to do about it.
 */
advice: AdviceCode | null, };

export type UploadDetail = { summary: UploadSummary, linked_share: number | null, explanation: Array<ExplanationItem>, 
/**
 * The upload's rejected-rows file (rows left out, with the reasons in words), while it
 * is kept in the data folder.
 */
rejected_path: string | null, };

export type HistoryFilter = { account: string | null, counter_id: number | null, kind: UploadKind | null, states: Array<UploadState>, 
/**
 * The first day (`2026-11-21`, `21.11.2026`) or an RFC 3339 instant.
 */
from: string | null, 
/**
 * The last day, included, or an RFC 3339 instant (excluded).
 */
to: string | null, limit: number | null, 
/**
 * The IANA zone the days are days of (the window's); the computer's zone when none.
 */
time_zone: string | null, };

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

export type OverviewWarningCode = "linked_share_drop" | "job_failed" | "job_overdue" | "window_closing";

export type OverviewWarning = { code: OverviewWarningCode, 
/**
 * The job's title as the app shows it (`JobView::title`).
 */
job: string | null, 
/**
 * The job's handle (`JobView::name`): a failed run's warning is said with the reason its
 * card gives.
 */
job_name: string | null, value: number | null, };

export type JobSchedule = { every: ScheduleEvery, day: WeekDay, 
/**
 * Local time, `HH:MM` (the core also takes `9:00`).
 */
at: string, };

export type ScheduleEvery = "hourly" | "daily" | "weekly";

export type WeekDay = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export type JobView = { 
/**
 * The job's handle (Latin, for the OS scheduler and `mbridge jobs run NAME`).
 */
name: string, 
/**
 * What the app calls it: the name as typed («Заказы Рома»), else `name`.
 */
title: string, account: string, counter_id: number, kind: UploadKind, 
/**
 * The folder, or the one fixed file.
 */
folder: string, 
/**
 * The file-name pattern; None for a fixed file.
 */
pattern: string | null, 
/**
 * When it runs; None: by hand only.
 */
schedule: JobSchedule | null, 
/**
 * The schedule in words: the catalogue's key (`every.daily`, `every.weekly_fri`,
 * `every.manual`), said with `time` = `schedule.at` (see [`JobSchedule::words_key`]).
 */
every_key: string, paused: boolean, stop_on_bad_rows: boolean, 
/**
 * A folder job takes every new matching file, oldest first, each once; else only the
 * newest (a CRM that rewrites or dates one export). Always false for a fixed file.
 */
each_new_file: boolean, last_run: JobRunView | null, 
/**
 * RFC 3339.
 */
next_run: string | null, 
/**
 * `failed`, `blocked`, `rejected`, `interrupted`, `overdue`.
 */
warning: string | null, 
/**
 * The OS scheduler runs it on this computer («Включить расписание» was pressed).
 */
scheduled: boolean, 
/**
 * Why «Включить расписание» would be refused, while it is off: said before it is pressed.
 */
schedule_block: ScheduleBlock | null, 
/**
 * Its newest run that took a file held rows back for CRM statuses its map has no Metrica
 * status for: the app offers to map them (`job_new_statuses`, `map_job_statuses`) and
 * says what that run held back. None: nothing to map.
 */
statuses_to_map: StatusesHeld | null, 
/**
 * Columns the newest file it took has that the job neither reads nor knew when it was
 * made (or learnt since): the card names them and offers «Учесть новые столбцы»
 * (`learn_job_columns`).
 */
new_columns: Array<string>, };

export type StatusesHeld = "rows" | "file" | "unsent";

export type ScheduleBlock = "no_schedule" | "demo";

export type LearnedColumns = { job: JobView, read: Array<ColumnRead>, ignored: Array<string>, };

export type ColumnRead = { column: string, field: string, };

export type RunResult = "running" | "sent" | "nothing_new" | "no_file" | "deferred" | "blocked" | "rejected" | "failed" | "interrupted";

export type JobRunView = { id: number, started_at: string, finished_at: string | null, result: RunResult, 
/**
 * The run did not do its job (failed, stopped by bad rows, refused, interrupted): shown
 * as a problem. A run still going, one that found no file or nothing new is not.
 */
bad: boolean, files: Array<string>, 
/**
 * The run read its file, so its counts say something (a file not read again has none:
 * «уже было 0» of it was untrue).
 */
file_read: boolean, rows_new: number, rows_unchanged: number, 
/**
 * Of `rows_unchanged`: calls sent before with other values (an amount corrected since),
 * not sent again.
 */
rows_changed: number, 
/**
 * Of `rows_new`: corrections, rows Metrica held with other values, sent to replace them.
 */
rows_corrected: number, 
/**
 * Of `rows_unchanged`: older values than Metrica's, left out.
 */
rows_outdated: number, rows_rejected: number, 
/**
 * Columns its file had that the job neither reads nor had when it was made: an export
 * that gained a column is read as before, and the run says so.
 */
new_columns: Array<string>, 
/**
 * A note on the run (`file_unchanged`, `file_changing`, `process_died`).
 */
message: string | null, 
/**
 * Why the run failed, as the window explains errors.
 */
error: AppError | null, upload_ids: Array<number>, 
/**
 * The validation report kept with the run.
 */
report: ValidationSummary | null, };

export type NewJob = { upload_id: number, name: string, folder: string, pattern: string, 
/**
 * When it runs; None: by hand only.
 */
schedule: JobSchedule | null, stop_on_bad_rows: boolean, 
/**
 * Every new matching file in turn instead of the newest only (ignored for a fixed file).
 */
each_new_file: boolean, };

export type JobEdit = { name: string, folder: string, pattern: string, 
/**
 * When it runs; None: by hand only.
 */
schedule: JobSchedule | null, stop_on_bad_rows: boolean, 
/**
 * Every new matching file in turn instead of the newest only (ignored for a fixed file).
 */
each_new_file: boolean, };

export type Settings = { 
/**
 * `ru`, `en` or `system`.
 */
language: string, 
/**
 * The language the app speaks with this setting (`ru` or `en`): the system's for
 * `system`, resolved by the core for the window and the desktop notifications alike
 * (the CLI speaks `--lang`, Russian by default). Ignored when settings are saved.
 */
resolved_language: string, 
/**
 * `light`, `dark` or `system`.
 */
theme: string, hash_contacts_by_default: boolean, 
/**
 * The desktop app shows a system notification when an upload's processing ends.
 */
notify_when_processed: boolean, 
/**
 * At start the desktop app asks the release server whether a newer version exists (only
 * in builds that have a release server configured).
 */
check_updates: boolean, };

export type AppEvent = { "type": "history_changed", upload_id: number, } | { "type": "accounts_changed" } | { "type": "open_file", path: string, } | { "type": "show_upload", upload_id: number, } | { "type": "show_clients" };

/** Notices that say what the core changed itself (`IssueCode::is_change`). */
export const CHANGE_CODES: readonly IssueCode[] = ['currency_lowercase', 'currency_trimmed', 'currency_named', 'summary_row_skipped', 'note_row_skipped', 'line_read_as_utf8', 'id_trimmed', 'datetime_converted', 'datetime_normalized', 'datetime_offset_converted', 'datetime_reformatted', 'email_normalized', 'phone_normalized', 'md5_normalized', 'list_normalized', 'money_normalized', 'number_normalized', 'status_mapped', 'status_case', 'client_type_case', 'duration_normalized', 'flag_normalized'];

/** Every upload kind (`UploadKind::ALL`). */
export const UPLOAD_KINDS: readonly UploadKind[] = ['conversions', 'calls', 'simple-orders', 'contacts', 'orders'];

/** Every upload state (`UploadState::ALL`). */
export const UPLOAD_STATES: readonly UploadState[] = ['prepared', 'sending', 'sent', 'processing', 'processed', 'linkage_failure', 'rejected', 'failed', 'interrupted', 'superseded'];

/** Every Metrica order status type (`OrderStatusType::ALL`). */
export const ORDER_STATUS_TYPES: readonly OrderStatusType[] = ['IN_PROGRESS', 'PAID', 'CANCELLED', 'SPAM', 'OTHER'];

/** The CRM kinds (`UploadKind::is_crm`): a merge mode, no linked share from Metrica. */
export const CRM_KINDS: readonly UploadKind[] = ['simple-orders', 'contacts', 'orders'];

/** The kinds whose e-mails and phones may go hashed (they have `emails_md5`). */
export const HASHABLE_KINDS: readonly UploadKind[] = ['simple-orders', 'contacts'];

/** The kinds with an order status to map to Metrica's (they have `order_status`). */
export const STATUS_KINDS: readonly UploadKind[] = ['simple-orders', 'orders'];

/** The kinds whose rows, sent again, may count twice (`UploadKind::counts_sent_again`). */
export const COUNTS_TWICE_KINDS: readonly UploadKind[] = ['calls'];

/** The overview warnings shown in red (`OverviewWarningCode::is_alarm`). */
export const ALARM_WARNINGS: readonly OverviewWarningCode[] = ['job_failed', 'window_closing'];

/** The encodings a person may choose for a file (`mb_import::read::ENCODINGS`). */
export const ENCODINGS: readonly string[] = ['UTF-8', 'windows-1251', 'KOI8-R', 'KOI8-U', 'UTF-16LE', 'UTF-16BE', 'IBM866'];

/** Every currency code Metrica takes, the common ones first (`COMMON_CURRENCIES`). */
export const CURRENCY_CODES: readonly string[] = ['RUB', 'USD', 'EUR', 'KZT', 'BYN', 'UZS', 'KGS', 'AMD', 'AZN', 'GEL', 'TJS', 'UAH', 'CNY', 'TRY', 'AED', 'AFN', 'ALL', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'FJD', 'FKP', 'GBP', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TMT', 'TND', 'TOP', 'TTD', 'TWD', 'TZS', 'UGX', 'UYU', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG'];

/** The types a new contact attribute may have (`attributes::ATTRIBUTE_TYPES`). */
export const ATTRIBUTE_TYPES: readonly string[] = ['text', 'numeric', 'date', 'datetime', 'email'];

/** What a schedule starts as when one is first chosen (`JobSchedule::default`). */
export const DEFAULT_JOB_SCHEDULE: JobSchedule = {"every":"daily","day":"mon","at":"09:00"};

// ---- Commands: generated from mb-uploader's command table (commands.rs) ----

/** One method per Rust command. Rejections carry `AppError`. */
export interface Commands {
  appInfo(): Promise<AppInfo>;
  accounts(): Promise<Array<Account>>;
  /** Starts signing in; the browser is opened on the Yandex page (the UI shows the address too). */
  beginSignIn(method: SignInMethod): Promise<SignInStarted>;
  completeSignIn(flowId: string, code: string | null): Promise<Account>;
  switchAccount(login: string): Promise<Array<Account>>;
  signOut(login: string): Promise<Array<Account>>;
  counters(query: CountersQuery): Promise<CounterPage>;
  goals(counterId: number): Promise<Array<Goal>>;
  createGoal(counterId: number, name: string, identifier: string): Promise<Goal>;
  /** Declares a contact attribute on the counter for a file column (docs/metrika-api.md §5.6). */
  createContactAttribute(counterId: number, title: string, typeName: string): Promise<CounterAttributeDto>;
  linkingWindow(counterId: number, kind: UploadKind): Promise<LinkingWindow>;
  enableExtendedWindow(counterId: number, kind: UploadKind): Promise<LinkingWindow>;
  /** The open-file dialog; the web view never reads files itself. */
  pickFile(): Promise<string | null>;
  inspectFile(path: string, read: ReadOverrides): Promise<FilePreview>;
  suggestMapping(path: string, read: ReadOverrides, kind: UploadKind, counterId: number | null): Promise<ColumnMapping>;
  /** What keeps the mapping from being checked and which of the file's columns (`headers`, as the preview read them) no field reads: the Columns step asks after each change. */
  checkMapping(mapping: ColumnMapping, headers: Array<string>): Promise<MappingCheck>;
  /** Suggestions; the counter's remembered choices win when `counterId` is given. */
  statusValues(path: string, read: ReadOverrides, mapping: ColumnMapping, counterId: number | null): Promise<Array<StatusValue>>;
  /** Joins the check of the same request when one is running (the user came back to the Check step); a check of another request cancels the abandoned one. */
  validate(request: ValidateRequest, onProgress: (p: Progress) => void): Promise<ValidationSummary>;
  /** Sends as reviewed; `upload` is null when nothing was new (a result, not an error). */
  upload(request: UploadRequest, onProgress: (p: Progress) => void): Promise<SendResult>;
  cancel(jobId: string): Promise<void>;
  history(filter: HistoryFilter): Promise<Array<UploadSummary>>;
  uploadDetail(id: number): Promise<UploadDetail>;
  refreshStatus(id: number): Promise<UploadSummary>;
  resend(id: number, onProgress: (p: Progress) => void): Promise<UploadSummary>;
  /** «Отправить заново» on a send's result: part `id` again, and the whole result as it is now. */
  resendPart(result: SendResult, id: number, onProgress: (p: Progress) => void): Promise<SendResult>;
  /** Asks where to save, then writes the history as CSV for Excel; the path written. */
  exportHistory(filter: HistoryFilter): Promise<string | null>;
  /** The Clients screen; its new warnings also become desktop notifications (each once). */
  overview(): Promise<Array<ClientOverview>>;
  settings(): Promise<Settings>;
  /** «Проверить обновления» (and the quiet check at start when the setting is on). */
  checkUpdate(): Promise<UpdateCheck>;
  /** «Установить и перезапустить»: download (with progress), signature, install, restart. */
  installUpdate(onProgress: (p: Progress) => void): Promise<void>;
  saveSettings(settings: Settings): Promise<Settings>;
  /** Opens a rejected-rows file the app wrote into its own data folder (nothing else). */
  openRejected(path: string): Promise<void>;
  /** Save dialog, then a copy; the path written, or null when cancelled. */
  saveRejected(path: string): Promise<string | null>;
  /** The folder dialog (repeating jobs). */
  pickFolder(): Promise<string | null>;
  /** What «Повторять автоматически» starts from for an upload (`Core::job_draft`). */
  jobDraft(uploadId: number): Promise<NewJob>;
  /** «Повторять автоматически»: a finished upload made into a job. */
  createJob(job: NewJob): Promise<JobView>;
  /** «Запустить сейчас»: runs the job (even a paused one) and returns it with the new run. */
  runJob(name: string): Promise<JobView>;
  setJobPaused(name: string, paused: boolean): Promise<JobView>;
  /** Deleting a job takes its OS scheduler entry away first (the core does, for the CLI too). */
  removeJob(name: string): Promise<void>;
  /** «Изменить»: folder, pattern, schedule, bad-rows policy. A job on the OS scheduler gets its entry rewritten with the new schedule, or removed when it has none (in the core). */
  editJob(job: JobEdit): Promise<JobView>;
  /** A CRM job's run met statuses its map has no Metrica status for: those of the files it took, with suggestions (Clients → job → «Сопоставить новые статусы»). */
  jobNewStatuses(name: string): Promise<Array<StatusValue>>;
  /** Adds the statuses as set to the job's map; its next run reads its last files again. */
  mapJobStatuses(name: string, entries: Array<StatusMapEntry>): Promise<JobView>;
  /** «Учесть новые столбцы»: the job reads its newest file's header again (the columns Metrica has a field for are read from now on, the rest are known). */
  learnJobColumns(name: string): Promise<LearnedColumns>;
  /** «Включить расписание» / «Выключить»: the job's entry in the OS scheduler (systemd user timer, Task Scheduler task, launchd agent), starting the `mbridge` installed with the app. */
  setJobScheduled(name: string, on: boolean): Promise<JobView>;
  /** Every run of a job, newest first (Clients → job → runs). */
  jobRuns(name: string): Promise<Array<JobRunView>>;
  /** The file the app was started with (a path on the command line, «Открыть в…»), once. */
  openedFile(): Promise<string | null>;
  /** The window painted its first screen (called once, after that frame; `pageMs` is the page's clock then): an info line in the log, which `scripts/bench-desktop.sh` times. */
  firstScreen(pageMs: number): Promise<void>;
}

/** Wire names: the command, its method, its arguments in order (camelCase), whether it streams progress. */
export const COMMANDS: ReadonlyArray<{ name: string; method: keyof Commands; args: readonly string[]; progress: boolean }> = [
  { name: 'app_info', method: 'appInfo', args: [], progress: false },
  { name: 'accounts', method: 'accounts', args: [], progress: false },
  { name: 'begin_sign_in', method: 'beginSignIn', args: ['method'], progress: false },
  { name: 'complete_sign_in', method: 'completeSignIn', args: ['flowId', 'code'], progress: false },
  { name: 'switch_account', method: 'switchAccount', args: ['login'], progress: false },
  { name: 'sign_out', method: 'signOut', args: ['login'], progress: false },
  { name: 'counters', method: 'counters', args: ['query'], progress: false },
  { name: 'goals', method: 'goals', args: ['counterId'], progress: false },
  { name: 'create_goal', method: 'createGoal', args: ['counterId', 'name', 'identifier'], progress: false },
  { name: 'create_contact_attribute', method: 'createContactAttribute', args: ['counterId', 'title', 'typeName'], progress: false },
  { name: 'linking_window', method: 'linkingWindow', args: ['counterId', 'kind'], progress: false },
  { name: 'enable_extended_window', method: 'enableExtendedWindow', args: ['counterId', 'kind'], progress: false },
  { name: 'pick_file', method: 'pickFile', args: [], progress: false },
  { name: 'inspect_file', method: 'inspectFile', args: ['path', 'read'], progress: false },
  { name: 'suggest_mapping', method: 'suggestMapping', args: ['path', 'read', 'kind', 'counterId'], progress: false },
  { name: 'check_mapping', method: 'checkMapping', args: ['mapping', 'headers'], progress: false },
  { name: 'status_values', method: 'statusValues', args: ['path', 'read', 'mapping', 'counterId'], progress: false },
  { name: 'validate', method: 'validate', args: ['request'], progress: true },
  { name: 'upload', method: 'upload', args: ['request'], progress: true },
  { name: 'cancel', method: 'cancel', args: ['jobId'], progress: false },
  { name: 'history', method: 'history', args: ['filter'], progress: false },
  { name: 'upload_detail', method: 'uploadDetail', args: ['id'], progress: false },
  { name: 'refresh_status', method: 'refreshStatus', args: ['id'], progress: false },
  { name: 'resend', method: 'resend', args: ['id'], progress: true },
  { name: 'resend_part', method: 'resendPart', args: ['result', 'id'], progress: true },
  { name: 'export_history', method: 'exportHistory', args: ['filter'], progress: false },
  { name: 'overview', method: 'overview', args: [], progress: false },
  { name: 'settings', method: 'settings', args: [], progress: false },
  { name: 'check_update', method: 'checkUpdate', args: [], progress: false },
  { name: 'install_update', method: 'installUpdate', args: [], progress: true },
  { name: 'save_settings', method: 'saveSettings', args: ['settings'], progress: false },
  { name: 'open_rejected', method: 'openRejected', args: ['path'], progress: false },
  { name: 'save_rejected', method: 'saveRejected', args: ['path'], progress: false },
  { name: 'pick_folder', method: 'pickFolder', args: [], progress: false },
  { name: 'job_draft', method: 'jobDraft', args: ['uploadId'], progress: false },
  { name: 'create_job', method: 'createJob', args: ['job'], progress: false },
  { name: 'run_job', method: 'runJob', args: ['name'], progress: false },
  { name: 'set_job_paused', method: 'setJobPaused', args: ['name', 'paused'], progress: false },
  { name: 'remove_job', method: 'removeJob', args: ['name'], progress: false },
  { name: 'edit_job', method: 'editJob', args: ['job'], progress: false },
  { name: 'job_new_statuses', method: 'jobNewStatuses', args: ['name'], progress: false },
  { name: 'map_job_statuses', method: 'mapJobStatuses', args: ['name', 'entries'], progress: false },
  { name: 'learn_job_columns', method: 'learnJobColumns', args: ['name'], progress: false },
  { name: 'set_job_scheduled', method: 'setJobScheduled', args: ['name', 'on'], progress: false },
  { name: 'job_runs', method: 'jobRuns', args: ['name'], progress: false },
  { name: 'opened_file', method: 'openedFile', args: [], progress: false },
  { name: 'first_screen', method: 'firstScreen', args: ['pageMs'], progress: false },
];
