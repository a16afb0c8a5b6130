//! Offline conversions and calls (§4.1–§4.5): upload (multipart `file`, streamed to disk and
//! validated by streaming), list and by-id endpoints, linking statistics against the seeded
//! visitors and goals, and deduplication on (identifier, Target, DateTime). It does not own
//! status progression (that is `state::Uploading::status`).

use std::collections::HashSet;
use std::io::BufReader;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use serde_json::{Value, json};

use crate::csvread::{Record, StrictReader};
use crate::error::{ApiError, ErrorType};
use crate::guard::Caller;
use crate::management::{ApiResult, Need, counter_access, int_param, param, params};
use crate::state::{Goal, StoredConversion, UploadType, Uploading, Visitors};
use crate::upload::{is_currency, is_dot_decimal, receive_file};
use crate::{App, ConnCtl};

/// Identifier columns in matching priority (§10 row 5).
const ID_COLUMNS: [&str; 4] = ["ClientId", "UserId", "Yclid", "PurchaseId"];
const CALL_COLUMNS: [&str; 10] = [
    "StaticCall",
    "PhoneNumber",
    "TalkDuration",
    "HoldDuration",
    "CallMissed",
    "Tag",
    "FirstTimeCaller",
    "URL",
    "CallTrackerURL",
    "Currency",
];
/// At most this many conversions of one upload are kept in the deduplicated store (memory
/// stays bounded for 1 GB uploads; counts always cover every row).
const STORE_CAP: usize = 20_000;
const MAX_ERRORS: usize = 20;

pub(crate) struct Check {
    pub kind: UploadType,
    /// Column demanded by a legacy `client_id_type`.
    pub id_column: Option<&'static str>,
    pub now: i64,
    /// Nothing earlier links: the counter's linking window (`Counter::links_from`).
    pub links_from: i64,
    pub goal_ids: HashSet<String>,
    pub visitors: Visitors,
    /// Fault switch: any bad row (or bad optional value) rejects the whole file, as the fake
    /// did before it followed the reference (§4.2 "Rows with a bad value").
    pub reject_bad_rows: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub source: u64,
    pub lines: u64,
    pub linked: u64,
    pub user_not_found: u64,
    pub goal_not_found: u64,
    pub static_calls: u64,
    pub dynamic_calls: u64,
    pub identifiers_matched: u64,
    pub rows: Vec<StoredConversion>,
}

/// Header name → column index; a short list beats hashing on every row.
#[derive(Default)]
struct Cols(Vec<(&'static str, usize)>);

impl Cols {
    fn insert(&mut self, name: &'static str, i: usize) -> Option<usize> {
        let old = self.get(name).copied();
        if old.is_none() {
            self.0.push((name, i));
        }
        old
    }
    fn get(&self, name: &str) -> Option<&usize> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, i)| i)
    }
    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

fn bad(msg: String) -> ApiError {
    ApiError::new(ErrorType::InvalidUploading, msg)
}

/// The one whole-file message of offline conversions and calls (§4.2): Yandex's tests expect
/// it for an empty body, a broken header, a header without data, broken data and a missing
/// required column alike. `line` is the physical line at fault; 1 (the header) when the file
/// as a whole is wrong. [choice: the tests check only the words before the number]
fn format_error(line: u64) -> ApiError {
    bad(format!(
        "Неверный формат данных, ошибка в строке номер {line}"
    ))
}

/// A header name as the server compares it: letters and digits only, case folded, so that
/// `Date Time`, `[Target]` and ` clientid ` name the documented columns (§4.2).
fn header_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Validates an offline-conversions or calls file by streaming it (§4.2, §4.5). Only an empty
/// body, broken quoting, a header without data or a missing required column fail the file;
/// a row with a missing or invalid required value is dropped (`line_quantity` <
/// `source_quantity`) and a row whose only fault is an optional value is kept without it.
pub(crate) fn validate(path: &std::path::Path, chk: &Check) -> Result<Outcome, ApiError> {
    let f = std::fs::File::open(path).map_err(|e| bad(format!("Ошибка чтения файла: {e}")))?;
    let mut reader = StrictReader::new(BufReader::with_capacity(256 << 10, f), b',');
    let mut rec = Record::default();
    let quoting = |e: crate::error::FakeError| match e {
        crate::error::FakeError::UnclosedQuote { start_line: l }
        | crate::error::FakeError::StrayQuote { line: l }
        | crate::error::FakeError::TextAfterQuote { line: l, .. } => format_error(l),
        other => bad(other.message()),
    };
    if !reader.read(&mut rec).map_err(quoting)? {
        return Err(format_error(1));
    }
    let mut cols = Cols::default();
    let known: Vec<&'static str> = ID_COLUMNS
        .iter()
        .chain(["Target", "DateTime", "Price"].iter())
        .chain(CALL_COLUMNS.iter())
        .copied()
        .collect();
    for i in 0..rec.len() {
        let name = match rec.text(i) {
            Some(Ok(s)) => header_key(s),
            _ => return Err(format_error(1)),
        };
        if let Some(k) = known.iter().find(|k| k.to_ascii_lowercase() == name)
            && cols.insert(k, i).is_some()
        {
            return Err(format_error(1));
        }
    }
    let width = rec.len();
    let basic = chk.kind != UploadType::Calls;
    let required: &[&str] = if basic {
        &["Target", "DateTime"]
    } else {
        &["DateTime"]
    };
    if required.iter().any(|r| !cols.contains_key(r)) {
        return Err(format_error(1));
    }
    let id_cols: Vec<(&'static str, usize)> = match chk.id_column {
        Some(c) => match cols.get(c) {
            Some(i) => vec![(c, *i)],
            None => return Err(format_error(1)),
        },
        None => ID_COLUMNS
            .iter()
            .filter(|c| basic || **c != "PurchaseId")
            .filter_map(|c| cols.get(c).map(|i| (*c, *i)))
            .collect(),
    };
    if id_cols.is_empty() {
        return Err(format_error(1));
    }
    let mut out = Outcome::default();
    let mut errors: Vec<String> = Vec::new();
    loop {
        match reader.read(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(quoting(e)),
        }
        out.source += 1;
        match check_row(&rec, width, &cols, &id_cols, chk) {
            Ok((row, soft)) => {
                if chk.reject_bad_rows && !soft.is_empty() {
                    if errors.len() < MAX_ERRORS {
                        errors.extend(soft);
                    }
                    continue;
                }
                out.lines += 1;
                tally(&mut out, row, chk);
            }
            Err(e) if chk.reject_bad_rows => {
                if errors.len() < MAX_ERRORS {
                    errors.push(e);
                }
            }
            // Dropped: counted in `source_quantity`, not in `line_quantity`.
            Err(_) => {}
        }
    }
    if out.source == 0 {
        // A header without data.
        return Err(format_error(1));
    }
    if !errors.is_empty() {
        errors.truncate(MAX_ERRORS);
        return Err(ApiError::many(ErrorType::InvalidUploading, errors));
    }
    Ok(out)
}

struct Row {
    id_kind: &'static str,
    id_value: String,
    target: String,
    date_time: i64,
    price: Option<String>,
    currency: Option<String>,
    static_call: bool,
}

fn field<'a>(rec: &'a Record, cols: &Cols, name: &str, line: u64) -> Result<&'a str, String> {
    match cols.get(name).and_then(|i| rec.text(*i)) {
        None => Ok(""),
        Some(Ok(s)) => Ok(s.trim()),
        Some(Err(_)) => Err(format!("Строка {line}: файл должен быть в кодировке UTF-8")),
    }
}

/// `Err` = a required value is missing or invalid: the row is dropped. `Ok((row, soft))`:
/// the row is kept; `soft` lists optional values that were invalid and left out.
fn check_row(
    rec: &Record,
    width: usize,
    cols: &Cols,
    id_cols: &[(&'static str, usize)],
    chk: &Check,
) -> Result<(Row, Vec<String>), String> {
    let line = rec.line;
    if rec.len() != width {
        return Err(format!(
            "Строка {line}: ожидалось полей {width}, найдено {}",
            rec.len()
        ));
    }
    let mut ident = None;
    for (name, _) in id_cols {
        let v = field(rec, cols, name, line)?;
        if v.is_empty() {
            continue;
        }
        if matches!(*name, "ClientId" | "Yclid")
            && !(v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("Строка {line}: некорректное значение {name}: {v}"));
        }
        if ident.is_none() {
            ident = Some((*name, v.to_string()));
        }
    }
    let Some((id_kind, id_value)) = ident else {
        return Err(format!(
            "Строка {line}: не указан ни один идентификатор посетителя"
        ));
    };
    let target = field(rec, cols, "Target", line)?.to_string();
    if chk.kind != UploadType::Calls && target.is_empty() {
        return Err(format!("Строка {line}: пустое значение Target"));
    }
    let dt_raw = field(rec, cols, "DateTime", line)?;
    let date_time: i64 = dt_raw
        .parse()
        .ok()
        .filter(|_| !dt_raw.is_empty() && dt_raw.bytes().all(|b| b.is_ascii_digit()))
        .or_else(|| fractional_seconds(dt_raw))
        .ok_or_else(|| format!("Строка {line}: DateTime должен быть числом секунд: {dt_raw}"))?;
    if date_time > chk.now {
        return Err(format!("Строка {line}: DateTime {date_time} в будущем"));
    }
    let mut soft = Vec::new();
    let price_raw = field(rec, cols, "Price", line).unwrap_or("");
    let price_ok = price_raw.is_empty() || is_dot_decimal(price_raw);
    if !price_ok {
        soft.push(format!(
            "Строка {line}: некорректное значение Price: {price_raw}"
        ));
    }
    let cur_raw = field(rec, cols, "Currency", line).unwrap_or("");
    // An unrecognised currency silently loses both amount and currency (§4.2).
    let (price, currency) = if !cur_raw.is_empty() && !is_currency(cur_raw) {
        (None, None)
    } else {
        (
            Some(price_raw.to_string()).filter(|s| !s.is_empty() && price_ok),
            Some(cur_raw.to_string()).filter(|s| !s.is_empty()),
        )
    };
    let mut static_call = false;
    if chk.kind == UploadType::Calls {
        for flag in ["StaticCall", "CallMissed", "FirstTimeCaller"] {
            let v = field(rec, cols, flag, line).unwrap_or("");
            if !matches!(v, "" | "0" | "1") {
                soft.push(format!("Строка {line}: {flag} должен быть 0 или 1: {v}"));
            } else if flag == "StaticCall" {
                static_call = v == "1";
            }
        }
        let phone = field(rec, cols, "PhoneNumber", line).unwrap_or("");
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        let phone_ok =
            (10..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        if !phone.is_empty() && !phone_ok {
            soft.push(format!(
                "Строка {line}: PhoneNumber без пробелов и скобок, с кодом страны: {phone}"
            ));
        }
        // 0 and 4294967295 pass, -1 and 4294967296 do not: an unsigned 32-bit count of
        // seconds (§4.5).
        for num in ["TalkDuration", "HoldDuration"] {
            let v = field(rec, cols, num, line).unwrap_or("");
            let ok =
                v.is_empty() || (v.bytes().all(|b| b.is_ascii_digit()) && v.parse::<u32>().is_ok());
            if !ok {
                soft.push(format!(
                    "Строка {line}: {num} должен быть целым числом от 0 до 4294967295: {v}"
                ));
            }
        }
    }
    Ok((
        Row {
            id_kind,
            id_value,
            target,
            date_time,
            price,
            currency,
            static_call,
        },
        soft,
    ))
}

/// `1481718166.12345` → 1481718166: Yandex accepts fractional seconds (§4.2, Yandex's API tests).
fn fractional_seconds(raw: &str) -> Option<i64> {
    let (int, frac) = raw.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac)).then(|| int.parse().ok())?
}

/// Conversions older than this (relative to processing) cannot link to a visit (§4.2).
const LINK_WINDOW_SECS: i64 = 21 * 86_400;

fn tally(out: &mut Outcome, row: Row, chk: &Check) {
    let known = chk.visitors.knows(row.id_kind, &row.id_value)
        && chk.now - row.date_time <= LINK_WINDOW_SECS
        && row.date_time >= chk.links_from;
    if chk.kind == UploadType::Calls {
        if row.static_call {
            // Never linked, and counted on their own (`static_calls_quantity`): not «visitor not
            // found», which is about identifiers that matched no visitor (§4.3) — a static
            // call's ClientID may well match one. [choice: the docs do not say both counts]
            out.static_calls += 1;
            return;
        }
        out.dynamic_calls += 1;
        if known {
            out.identifiers_matched += 1;
            out.linked += 1;
        } else {
            out.user_not_found += 1;
        }
        return;
    }
    if known {
        out.identifiers_matched += 1;
    }
    if !chk.goal_ids.contains(&row.target) {
        out.goal_not_found += 1;
    } else if known {
        out.linked += 1;
    } else {
        out.user_not_found += 1;
    }
    if out.rows.len() < STORE_CAP {
        out.rows.push(StoredConversion {
            id_kind: row.id_kind,
            id_value: row.id_value,
            target: row.target,
            date_time: row.date_time,
            price: row.price,
            currency: row.currency,
            upload_id: 0,
        });
    }
}

/// `comment` of a conversions upload: digits, Latin and Cyrillic letters, ≤ 255 (§4.1). The
/// calls page sets no rule, so calls comments are not checked (§4.5). A forbidden character
/// gets Yandex's exact words (§4.1); the length message is ours [choice].
fn check_comment(c: &str) -> Result<(), ApiError> {
    if !c
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
    {
        return Err(ApiError::invalid(
            "Комментарий содержит недопустимые символы.",
        ));
    }
    if c.chars().count() > 255 {
        return Err(ApiError::invalid("comment: не более 255 символов"));
    }
    Ok(())
}

/// A legacy `client_id_type`; anything else gets the start of Yandex's message (§4.1).
fn id_column(t: &str) -> Result<&'static str, ApiError> {
    match t {
        "CLIENT_ID" => Ok("ClientId"),
        "USER_ID" => Ok("UserId"),
        "YCLID" => Ok("Yclid"),
        other => Err(ApiError::invalid(format!(
            "Wrong parameter value: client_id_type={other}"
        ))),
    }
}

/// Uploads before the counter's linking window opens get Yandex's 400 naming the day
/// (reference §4.7).
fn window_open(app: &App, cid: u64) -> Result<(), ApiError> {
    let d = app.data();
    match d
        .counters
        .get(&cid)
        .and_then(|c| c.uploads_closed_until(app.now()))
    {
        None => Ok(()),
        Some(day) => Err(ApiError::new(
            ErrorType::InvalidUploading,
            format!(
                "Загрузить данные сейчас невозможно. Загрузка станет доступна {}",
                day.strftime("%d.%m.%Y")
            ),
        )),
    }
}

async fn do_upload(
    app: App,
    caller: Caller,
    id: String,
    q: Option<String>,
    req: Request,
    calls_path: bool,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Upload)?;
    window_open(&app, cid)?;
    let p = params(&q);
    let comment = param(&p, "comment").map(str::to_string);
    if let Some(c) = &comment
        && !calls_path
    {
        check_comment(c)?;
    }
    let kind = if calls_path {
        UploadType::Calls
    } else {
        match param(&p, "type") {
            None => UploadType::Basic,
            Some(t) => UploadType::parse(t)
                .ok_or_else(|| ApiError::invalid(format!("Некорректное значение type: {t}")))?,
        }
    };
    let client_id_type = param(&p, "client_id_type").map(str::to_string);
    let id_col = client_id_type.as_deref().map(id_column).transpose()?;
    let new_goal_name = param(&p, "new_goal_name").map(str::to_string);
    let ctl = req.extensions().get::<ConnCtl>().cloned();
    let received = receive_file(&app, req).await?;
    let now = app.now();
    let check = {
        let d = app.data();
        Check {
            kind,
            id_column: id_col,
            now: now.as_second(),
            links_from: d.counters[&cid]
                .links_from(now, kind == UploadType::Calls)
                .as_second(),
            goal_ids: d.counters[&cid].goal_ids(),
            visitors: d.visitors.clone(),
            reject_bad_rows: app.faults.bad_rows_reject_file(),
        }
    };
    let path = received.path;
    let (outcome, path) = tokio::task::spawn_blocking(move || (validate(&path, &check), path))
        .await
        .map_err(|e| ApiError::new(ErrorType::BackendError, e.to_string()))?;
    let outcome = outcome?;
    let keep = received.bytes <= app.cfg.keep_upload_files_up_to;
    let json = {
        let mut d = app.data();
        d.next_upload_id += 1;
        let uid = d.next_upload_id;
        let up = Uploading {
            id: uid,
            counter_id: cid,
            kind,
            create_time: now,
            comment,
            client_id_type,
            source_quantity: outcome.source,
            line_quantity: outcome.lines,
            linked_quantity: outcome.linked,
            user_not_found_quantity: outcome.user_not_found,
            goal_not_found_quantity: outcome.goal_not_found,
            static_calls_quantity: outcome.static_calls,
            dynamic_calls_quantity: outcome.dynamic_calls,
            identifiers_matched: outcome.identifiers_matched,
            frozen_status: None,
            file_bytes: received.bytes,
            file: keep.then(|| Arc::new(path)),
        };
        let json = up.to_json(now, app.cfg.time_scale);
        d.uploads.insert(uid, up);
        let store = d.conversions.entry(cid).or_default();
        for mut row in outcome.rows {
            row.upload_id = uid;
            let key = (
                row.id_kind.to_string(),
                row.id_value.clone(),
                row.target.clone(),
                row.date_time,
            );
            store.insert(key, row);
        }
        if kind == UploadType::Calls {
            let c = d
                .counters
                .get_mut(&cid)
                .ok_or_else(|| ApiError::not_found("Счётчик"))?;
            if !c.goals.iter().any(|g| g.kind == "call") {
                let name = new_goal_name.unwrap_or_else(|| "Звонок".into());
                let gid = d.next_goal_id;
                d.next_goal_id += 1;
                if let Some(c) = d.counters.get_mut(&cid) {
                    c.goals.push(Goal {
                        id: gid,
                        name,
                        kind: "call".into(),
                        conditions: Vec::new(),
                        default_price: 0.0,
                        goal_source: "auto".into(),
                    });
                }
            }
        }
        json
    };
    app.faults
        .maybe_stall(crate::faults::StallPoint::AfterStore)
        .await;
    let uid = json["id"].as_i64().unwrap_or_default();
    if (app.faults.take_lose_answer() || app.faults.take_answer_late(uid))
        && let Some(ctl) = ctl
    {
        ctl.drop_connection().await;
    }
    if let Some(kind) = app.faults.take_fail_after_store() {
        return Err(ApiError::new(
            kind.error_type(),
            "Внутренняя ошибка сервера, повторите позже",
        )
        .with_status(kind.status()));
    }
    Ok(Json(json!({"uploading": json})))
}

pub(crate) async fn upload_conversions(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> ApiResult {
    do_upload(app, caller, id, q, req, false).await
}

pub(crate) async fn upload_calls(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> ApiResult {
    do_upload(app, caller, id, q, req, true).await
}

fn list(app: &App, caller: &Caller, id: &str, q: &Option<String>, calls: bool) -> ApiResult {
    let cid = counter_access(app, caller, id, Need::Read)?;
    let p = params(q);
    let limit = int_param(&p, "limit", 10_000, 1, 100_000)? as usize;
    let offset = int_param(&p, "offset", 0, 0, i64::from(i32::MAX))? as usize;
    let kind = if calls {
        UploadType::Calls
    } else {
        match param(&p, "type") {
            None => UploadType::Basic,
            Some(t) => UploadType::parse(t)
                .ok_or_else(|| ApiError::invalid(format!("Некорректное значение type: {t}")))?,
        }
    };
    let now = app.now();
    let d = app.data();
    let items: Vec<Value> = d
        .uploads
        .values()
        .rev()
        .filter(|u| u.counter_id == cid && u.kind == kind && app.faults.listed(u.id))
        .skip(offset)
        .take(limit)
        .map(|u| u.to_json(now, app.cfg.time_scale))
        .collect();
    Ok(Json(json!({"uploadings": items})))
}

fn one(app: &App, caller: &Caller, id: &str, uid: &str, calls: bool) -> ApiResult {
    let cid = counter_access(app, caller, id, Need::Read)?;
    let now = app.now();
    let d = app.data();
    let u = uid
        .parse::<i64>()
        .ok()
        .and_then(|n| d.uploads.get(&n))
        .filter(|u| u.counter_id == cid && ((u.kind == UploadType::Calls) == calls || !calls))
        .ok_or_else(|| ApiError::not_found(format!("Загрузка {uid} не найдена")))?;
    Ok(Json(
        json!({"uploading": u.to_json(now, app.cfg.time_scale)}),
    ))
}

pub(crate) async fn list_conversions(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    list(&app, &c, &id, &q, false)
}

pub(crate) async fn list_calls(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    list(&app, &c, &id, &q, true)
}

pub(crate) async fn one_conversion(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path((id, uid)): Path<(String, String)>,
) -> ApiResult {
    one(&app, &c, &id, &uid, false)
}

pub(crate) async fn one_call(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path((id, uid)): Path<(String, String)>,
) -> ApiResult {
    one(&app, &c, &id, &uid, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn check(kind: UploadType) -> Check {
        let mut visitors = Visitors::default();
        visitors.client_ids.insert("111".into());
        Check {
            kind,
            id_column: None,
            now: 1_800_000_000,
            links_from: 0,
            goal_ids: ["offline_paid".to_string()].into_iter().collect(),
            visitors,
            reject_bad_rows: false,
        }
    }

    fn run(text: &str, chk: &Check) -> Result<Outcome, ApiError> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        validate(f.path(), chk)
    }

    #[test]
    fn drops_a_future_datetime_row_and_keeps_the_file() {
        let o = run(
            "ClientId,Target,DateTime\n111,offline_paid,1900000000\n111,offline_paid,1799990000\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!((o.source, o.lines), (2, 1));
    }

    #[test]
    fn whole_file_rejection_on_bad_rows_is_a_fault_switch() {
        let mut c = check(UploadType::Basic);
        c.reject_bad_rows = true;
        let e = run(
            "ClientId,Target,DateTime\n111,offline_paid,1900000000\n111,offline_paid,1799990000\n",
            &c,
        )
        .unwrap_err();
        assert_eq!(e.first_type(), Some(ErrorType::InvalidUploading));
        assert!(e.errors[0].1.contains("Строка 2"));
    }

    #[test]
    fn drops_rows_missing_required_values_and_short_rows() {
        let o = run(
            "ClientId,Target,DateTime\n,offline_paid,1799990000\n111,,1799990000\n111,offline_paid\n\
             abc,offline_paid,1799990000\n111,offline_paid,yesterday\n111,offline_paid,1799990000\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!((o.source, o.lines), (6, 1));
    }

    #[test]
    fn keeps_a_row_whose_only_fault_is_an_optional_value() {
        let o = run(
            "ClientId,Target,DateTime,Price,Currency\n111,offline_paid,1799990000,12;5,RUB\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!((o.source, o.lines), (1, 1));
        assert_eq!(o.rows[0].price, None);
        assert_eq!(o.rows[0].currency.as_deref(), Some("RUB"));
    }

    #[test]
    fn fractional_datetime_is_truncated() {
        let o = run(
            "ClientId,Target,DateTime\n111,offline_paid,1799990000.12345\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!(o.rows[0].date_time, 1_799_990_000);
    }

    #[test]
    fn matches_headers_ignoring_case_spaces_and_punctuation() {
        let o = run(
            " clientid ,[Target],Date Time\n111,offline_paid,1799990000\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!(o.linked, 1);
    }

    #[test]
    fn whole_file_failures_use_the_documented_messages() {
        let c = check(UploadType::Basic);
        for body in [
            "ClientId,DateTime\n111,1799990000\n",
            "Target,DateTime\noffline_paid,1799990000\n",
            "",
            "ClientId,Target,DateTime\n",
            "\"tes\"t",
        ] {
            let e = run(body, &c).unwrap_err();
            assert_eq!(
                e.first_type(),
                Some(ErrorType::InvalidUploading),
                "{body:?}"
            );
            assert_eq!(
                e.errors[0].1, "Неверный формат данных, ошибка в строке номер 1",
                "{body:?}"
            );
        }
        let e = run(
            "ClientId,Target,DateTime\n111,\"offline_paid,1799990000\n",
            &c,
        )
        .unwrap_err();
        assert_eq!(
            e.errors[0].1,
            "Неверный формат данных, ошибка в строке номер 2"
        );
    }

    #[test]
    fn unknown_currency_loses_price_and_currency() {
        let o = run(
            "ClientId,Target,DateTime,Price,Currency\n111,offline_paid,1799990000,5,RUR\n",
            &check(UploadType::Basic),
        )
        .unwrap();
        assert_eq!(
            (o.rows[0].price.clone(), o.rows[0].currency.clone()),
            (None, None)
        );
    }

    #[test]
    fn keeps_calls_with_bad_optional_values() {
        let o = run(
            "ClientId,DateTime,PhoneNumber,FirstTimeCaller,TalkDuration,CallMissed\n\
             111,1799990000,+7 (495) 123-45-67,2,12.5,yes\n",
            &check(UploadType::Calls),
        )
        .unwrap();
        assert_eq!((o.source, o.lines), (1, 1));
    }

    #[test]
    fn counts_static_calls_apart() {
        let o = run(
            "ClientId,DateTime,StaticCall\n111,1799990000,1\n111,1799990001,0\n",
            &check(UploadType::Calls),
        )
        .unwrap();
        assert_eq!((o.static_calls, o.dynamic_calls, o.linked), (1, 1, 1));
    }

    #[test]
    fn conversions_comment_follows_its_page() {
        assert!(check_comment("MU20261122T0700Z1A2B").is_ok());
        assert!(check_comment("Выгрузка1").is_ok());
        assert!(check_comment("file_1").is_err());
        assert!(check_comment("a b").is_err());
        assert!(check_comment(&"a".repeat(255)).is_ok());
        assert!(check_comment(&"a".repeat(256)).is_err());
    }

    #[test]
    fn call_durations_are_unsigned_32_bit() {
        // In range or not, the row is kept: a duration is optional (§4.5).
        for v in ["0", "4294967295", "-1", "4294967296"] {
            let o = run(
                &format!("ClientId,DateTime,TalkDuration,HoldDuration\n111,1799990000,{v},{v}\n"),
                &check(UploadType::Calls),
            )
            .unwrap();
            assert_eq!((o.source, o.lines), (1, 1), "{v}");
        }
        // Only the out-of-range values are faults (seen with the whole-file fault switch).
        let mut c = check(UploadType::Calls);
        c.reject_bad_rows = true;
        for v in ["-1", "4294967296", "+5"] {
            let body = format!("ClientId,DateTime,TalkDuration\n111,1799990000,{v}\n");
            let e = run(&body, &c).unwrap_err();
            assert!(
                e.errors[0].1.contains("TalkDuration"),
                "{v}: {:?}",
                e.errors
            );
        }
        let body = "ClientId,DateTime,HoldDuration\n111,1799990000,4294967295\n";
        assert!(run(body, &c).is_ok());
    }
}
