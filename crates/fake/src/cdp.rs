//! CRM ("CDP") import (§5): simple orders, contacts and orders as CSV (multipart `file`,
//! streamed) and JSON, `last_uploadings`, order-status mapping, attributes and products.
//! Request problems answer 400 (§6.2); content problems answer 200 with
//! `api_validation_status: FAILED` and `elements_count: 0` (§5.1, §10 row 8). Accepted records
//! are merged into per-counter stores according to `merge_mode`.

use std::collections::{HashMap, HashSet};
use std::io::BufReader;

use axum::Json;
use axum::Router;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::csvread::{Record, StrictReader};
use crate::error::{ApiError, ErrorType};
use crate::guard::Caller;
use crate::management::{ApiResult, Need, counter_access, int_param, json_body, param, params};
use crate::state::{CdpUploading, CrmRecord, OrderStatus};
use crate::upload::{is_currency, is_dot_decimal, receive_file};
use crate::{App, ConnCtl};

pub(crate) fn routes() -> Router<App> {
    let base = "/cdp/api/v1/counter/{id}";
    Router::new()
        .route(&format!("{base}/data/simple_orders"), post(simple_orders))
        .route(&format!("{base}/data/contacts/csv"), post(contacts_csv))
        .route(&format!("{base}/data/contacts/json"), post(contacts_json))
        .route(&format!("{base}/data/orders/csv"), post(orders_csv))
        .route(&format!("{base}/data/orders/json"), post(orders_json))
        .route(&format!("{base}/last_uploadings"), get(last_uploadings))
        .route(
            &format!("{base}/schema/order_statuses"),
            get(get_order_statuses).post(post_order_statuses),
        )
        .route(
            &format!("{base}/schema/attributes"),
            get(get_attributes).post(post_attributes),
        )
        .route(&format!("{base}/schema/products"), post(post_products))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Entity {
    SimpleOrders,
    Contacts,
    Orders,
}

impl Entity {
    fn endpoint(self) -> &'static str {
        match self {
            Entity::SimpleOrders => "simple_orders",
            Entity::Contacts => "contacts",
            Entity::Orders => "orders",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MergeMode {
    Save,
    Update,
    Append,
}

const STATUS_TYPES: [&str; 4] = ["PAID", "IN_PROGRESS", "CANCELLED", "SPAM"];
const IDENTIFIERS: [&str; 5] = ["client_ids", "emails", "phones", "emails_md5", "phones_md5"];
const MULTI: [&str; 6] = [
    "client_ids",
    "emails",
    "phones",
    "emails_md5",
    "phones_md5",
    "user_ids",
];
const MAX_PROBLEMS: usize = 20;
const KEEP_CAP: usize = 20_000;

pub(crate) struct CdpCheck {
    pub entity: Entity,
    pub json: bool,
    pub now: Timestamp,
    pub tz: TimeZone,
    pub goal_ids: HashSet<String>,
    pub mapped_statuses: HashSet<String>,
    pub unknown_as_other: bool,
    /// Attribute names declared on the counter for this entity (`schema/attributes`).
    pub declared: HashSet<String>,
}

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { 'd' } else { c })
        .collect()
}

/// Parses a CRM date or date-time (§5.8). JSON accepts only the ISO-like forms.
fn parse_crm_datetime(s: &str, json: bool) -> Option<DateTime> {
    let dt_forms: &[(&str, &str)] = if json {
        &[("dddd-dd-dd dd:dd:dd", "%Y-%m-%d %H:%M:%S")]
    } else {
        &[
            ("dd.dd.dddd dd:dd:dd", "%d.%m.%Y %H:%M:%S"),
            ("dd.dd.dd dd:dd", "%d.%m.%y %H:%M"),
            ("dd.dd.dddd dd:dd", "%d.%m.%Y %H:%M"),
            ("dd.dd.dd dd:dd:dd", "%d.%m.%y %H:%M:%S"),
            ("dddd-dd-dd dd:dd:dd", "%Y-%m-%d %H:%M:%S"),
            ("dddd-dd-dd dd:dd", "%Y-%m-%d %H:%M"),
        ]
    };
    let sh = shape(s);
    for (pat, fmt) in dt_forms {
        if sh == *pat {
            return DateTime::strptime(fmt, s).ok();
        }
    }
    parse_crm_date(s, json).map(|d| d.to_datetime(jiff::civil::Time::midnight()))
}

fn parse_crm_date(s: &str, json: bool) -> Option<Date> {
    let forms: &[(&str, &str)] = if json {
        &[("dddd-dd-dd", "%Y-%m-%d")]
    } else {
        &[
            ("dd.dd.dddd", "%d.%m.%Y"),
            ("dd.dd.dd", "%d.%m.%y"),
            ("dddd-dd-dd", "%Y-%m-%d"),
        ]
    };
    let sh = shape(s);
    forms
        .iter()
        .find(|(p, _)| sh == *p)
        .and_then(|(_, f)| Date::strptime(f, s).ok())
}

fn list_parts(v: &str) -> impl Iterator<Item = &str> {
    v.split(',')
}

fn is_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e == e.to_lowercase()
        && !e.chars().any(char::is_whitespace)
        && e.is_ascii()
}

impl CdpCheck {
    /// Checks one attribute value; empty values are not checked here.
    fn attr(&self, name: &str, v: &str, line: u64, out: &mut CrmRecord) -> Result<(), String> {
        let at = |what: &str| format!("Строка {line}: {what}");
        match name {
            "client_ids" | "user_ids" => {
                for p in list_parts(v) {
                    let ok = name == "user_ids" && !p.is_empty()
                        || (!p.is_empty()
                            && p.len() <= 20
                            && p.bytes().all(|b| b.is_ascii_digit()));
                    if !ok {
                        return Err(at(&format!("некорректный {name}: «{p}»")));
                    }
                }
            }
            "emails" => {
                for p in list_parts(v) {
                    if !is_email(p) {
                        return Err(at(&format!(
                            "некорректный e-mail «{p}» (нужен нижний регистр, без пробелов)"
                        )));
                    }
                }
            }
            "phones" => {
                for p in list_parts(v) {
                    if !(10..=15).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(at(&format!(
                            "некорректный телефон «{p}» (только цифры с кодом страны)"
                        )));
                    }
                }
            }
            "emails_md5" | "phones_md5" => {
                for p in list_parts(v) {
                    if p.len() != 32 || !p.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                        return Err(at(&format!("некорректный md5 «{p}»")));
                    }
                }
            }
            "create_date_time" | "update_date_time" | "finish_date_time" => {
                let dt = parse_crm_datetime(v, self.json)
                    .ok_or_else(|| at(&format!("неподдерживаемый формат даты {name}: «{v}»")))?;
                let ts = dt
                    .to_zoned(self.tz.clone())
                    .map(|z| z.timestamp())
                    .map_err(|_| at(&format!("некорректная дата {name}: «{v}»")))?;
                if ts < Timestamp::UNIX_EPOCH {
                    return Err(at(&format!("дата раньше 1970 года: «{v}»")));
                }
                if name == "create_date_time" && ts > self.now {
                    return Err(at(&format!("дата создания в будущем: «{v}»")));
                }
            }
            "birth_date" => {
                parse_crm_date(v, self.json).ok_or_else(|| {
                    at(&format!("неподдерживаемый формат даты birth_date: «{v}»"))
                })?;
            }
            "revenue" | "cost" if !is_dot_decimal(v) => {
                return Err(at(&format!(
                    "некорректное число {name}: «{v}» (нужна точка)"
                )));
            }
            "currency" if !is_currency(v) => {
                return Err(at(&format!("неизвестная валюта «{v}»")));
            }
            "goals" => {
                for p in list_parts(v) {
                    let (id, price) = match p.split_once(':') {
                        Some((i, pr)) => (i, Some(pr)),
                        None => (p, None),
                    };
                    if id.is_empty() || price.is_some_and(|pr| !is_dot_decimal(pr)) {
                        return Err(at(&format!("некорректная цель «{p}» (нужно id[:доход])")));
                    }
                }
            }
            "products" => {
                for p in list_parts(v) {
                    let ok = p.rsplit_once(':').is_some_and(|(n, q)| {
                        !n.is_empty() && !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit())
                    });
                    if !ok {
                        return Err(at(&format!(
                            "некорректный товар «{p}» (нужно товар:количество)"
                        )));
                    }
                }
            }
            "client_type" if v != "CONTACT" => {
                return Err(at(&format!("client_type может быть только CONTACT: «{v}»")));
            }
            "order_status" => {
                let kind = if STATUS_TYPES.contains(&v) {
                    v.to_string()
                } else if self.entity == Entity::Orders && self.mapped_statuses.contains(v) {
                    "MAPPED".to_string()
                } else if self.goal_ids.contains(v)
                    || (self.entity == Entity::SimpleOrders && self.unknown_as_other)
                {
                    // Without a mapping the counter's JS-goal identifiers are valid statuses of
                    // type OTHER, for simple and detailed orders alike (reference §5.2, §5.4).
                    "OTHER".to_string()
                } else {
                    return Err(at(&format!("неизвестный статус заказа «{v}»")));
                };
                out.insert("status_type".into(), kind);
            }
            _ => {}
        }
        Ok(())
    }

    fn required(&self) -> &'static [&'static str] {
        match self.entity {
            Entity::SimpleOrders => &["create_date_time"],
            Entity::Contacts => &["uniq_id"],
            Entity::Orders => &[
                "id",
                "client_uniq_id",
                "client_type",
                "create_date_time",
                "order_status",
            ],
        }
    }

    /// Validates one record (attribute → raw value); returns the stored form.
    fn record(&self, raw: Vec<(String, String)>, line: u64) -> Result<CrmRecord, String> {
        let mut out = CrmRecord::new();
        for (k, v) in &raw {
            out.insert(k.clone(), v.clone());
        }
        for r in self.required() {
            if out.get(*r).is_none_or(|v| v.is_empty()) {
                return Err(format!("Строка {line}: пустое обязательное поле {r}"));
            }
        }
        if self.entity == Entity::SimpleOrders
            && !IDENTIFIERS
                .iter()
                .any(|i| out.get(*i).is_some_and(|v| !v.is_empty()))
        {
            return Err(format!(
                "Строка {line}: нужен хотя бы один идентификатор (client_ids, emails, phones, \
                 emails_md5, phones_md5)"
            ));
        }
        for (k, v) in raw {
            if !v.is_empty() {
                self.attr(&k, &v, line, &mut out)?;
            }
        }
        if self.entity == Entity::SimpleOrders && !out.contains_key("status_type") {
            out.insert("status_type".into(), "PAID".into());
        }
        Ok(out)
    }
}

/// Outcome of validating a CDP upload.
pub(crate) struct CdpOutcome {
    pub count: u64,
    pub records: Vec<CrmRecord>,
    pub problems: Vec<String>,
}

fn header_names(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::SimpleOrders => &[
            "id",
            "create_date_time",
            "client_uniq_id",
            "client_ids",
            "emails",
            "phones",
            "emails_md5",
            "phones_md5",
            "order_status",
            "revenue",
            "cost",
            "goals",
            "currency",
        ],
        Entity::Contacts => &[
            "uniq_id",
            "name",
            "create_date_time",
            "update_date_time",
            "client_ids",
            "emails",
            "phones",
            "emails_md5",
            "phones_md5",
        ],
        Entity::Orders => &[
            "id",
            "client_uniq_id",
            "client_type",
            "create_date_time",
            "update_date_time",
            "finish_date_time",
            "order_status",
            "revenue",
            "cost",
            "products",
            "goals",
            "currency",
        ],
    }
}

fn header_problem(entity: Entity, attrs: &[String]) -> Option<String> {
    let has = |a: &str| attrs.iter().any(|x| x == a);
    let required: &[&str] = match entity {
        Entity::SimpleOrders => &["id", "create_date_time"],
        Entity::Contacts => &["uniq_id"],
        Entity::Orders => &[
            "id",
            "client_uniq_id",
            "client_type",
            "create_date_time",
            "order_status",
        ],
    };
    if let Some(r) = required.iter().find(|r| !has(r)) {
        return Some(format!("В файле нет обязательного столбца {r}"));
    }
    if entity == Entity::SimpleOrders && !IDENTIFIERS.iter().any(|i| has(i)) {
        return Some("В файле нет ни одного столбца идентификатора клиента".into());
    }
    None
}

fn validate_csv(
    path: &std::path::Path,
    delim: u8,
    mapping: &HashMap<String, String>,
    chk: &CdpCheck,
) -> CdpOutcome {
    let mut out = CdpOutcome {
        count: 0,
        records: Vec::new(),
        problems: Vec::new(),
    };
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            out.problems.push(format!("Ошибка чтения файла: {e}"));
            return out;
        }
    };
    let mut reader = StrictReader::new(BufReader::with_capacity(256 << 10, f), delim);
    let mut rec = Record::default();
    match reader.read(&mut rec) {
        Ok(true) => {}
        Ok(false) => {
            out.problems.push("Файл пуст".into());
            return out;
        }
        Err(e) => {
            out.problems.push(e.message());
            return out;
        }
    }
    let known = header_names(chk.entity);
    let mut attrs: Vec<String> = Vec::new();
    for i in 0..rec.len() {
        let Some(Ok(h)) = rec.text(i) else {
            out.problems
                .push("Строка 1: файл должен быть в кодировке UTF-8".into());
            return out;
        };
        let h = h.trim();
        // columns_mapping: attribute → header name in the file.
        let attr = mapping
            .iter()
            .find(|(_, header)| header.as_str() == h)
            .map(|(a, _)| a.clone())
            .or_else(|| {
                known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(h))
                    .map(|k| k.to_string())
            })
            .unwrap_or_else(|| h.to_string());
        attrs.push(attr);
    }
    if let Some(p) = header_problem(chk.entity, &attrs) {
        out.problems.push(p);
        return out;
    }
    // Contacts: a column is a documented one or an attribute declared on the counter
    // (reference §5.3); `birth_date` is neither unless declared.
    if chk.entity == Entity::Contacts
        && let Some(a) = attrs
            .iter()
            .find(|a| !known.contains(&a.as_str()) && !chk.declared.contains(a.as_str()))
    {
        out.problems.push(format!(
            "Неизвестная колонка «{a}»: её нет среди колонок клиентов и атрибутов счётчика"
        ));
        return out;
    }
    loop {
        match reader.read(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.problems.push(e.message());
                break;
            }
        }
        if out.problems.len() >= MAX_PROBLEMS {
            break;
        }
        let line = rec.line;
        if rec.len() != attrs.len() {
            out.problems.push(format!(
                "Строка {line}: ожидалось полей {}, найдено {}",
                attrs.len(),
                rec.len()
            ));
            continue;
        }
        let mut raw = Vec::with_capacity(attrs.len());
        let mut utf8 = true;
        for (i, a) in attrs.iter().enumerate() {
            match rec.text(i) {
                Some(Ok(v)) => raw.push((a.clone(), v.to_string())),
                _ => utf8 = false,
            }
        }
        if !utf8 {
            out.problems
                .push(format!("Строка {line}: файл должен быть в кодировке UTF-8"));
            continue;
        }
        match chk.record(raw, line) {
            Ok(r) => {
                out.count += 1;
                if out.records.len() < KEEP_CAP {
                    out.records.push(r);
                }
            }
            Err(p) => out.problems.push(p),
        }
    }
    if out.count == 0 && out.problems.is_empty() {
        out.problems.push("В файле нет строк с данными".into());
    }
    out
}

fn json_scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Flattens one JSON contact/order into attribute → raw text.
fn json_record(v: &Value, line: u64) -> Result<Vec<(String, String)>, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("Элемент {line}: ожидался объект"))?;
    let mut raw = Vec::new();
    for (k, val) in obj {
        let text = match (k.as_str(), val) {
            ("products", Value::Object(m)) => {
                let mut parts = Vec::new();
                for (p, q) in m {
                    let q = q.as_u64().ok_or_else(|| {
                        format!("Элемент {line}: количество товара {p} должно быть целым")
                    })?;
                    parts.push(format!("{p}:{q}"));
                }
                parts.join(",")
            }
            ("goals", Value::Array(a)) => {
                let mut parts = Vec::new();
                for g in a {
                    let id = g
                        .get("goal_action_id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("Элемент {line}: в goals нужен goal_action_id"))?;
                    match g.get("price") {
                        Some(p) if !p.is_null() => parts.push(format!(
                            "{id}:{}",
                            p.as_f64()
                                .ok_or_else(|| format!("Элемент {line}: price не число"))?
                        )),
                        _ => parts.push(id.to_string()),
                    }
                }
                parts.join(",")
            }
            (k, Value::Array(a)) if MULTI.contains(&k) => {
                let mut parts = Vec::new();
                for x in a {
                    parts.push(
                        x.as_str()
                            .ok_or_else(|| {
                                format!("Элемент {line}: {k} должен быть массивом строк")
                            })?
                            .to_string(),
                    );
                }
                parts.join(",")
            }
            (k, _) if MULTI.contains(&k) => {
                return Err(format!("Элемент {line}: {k} должен быть массивом строк"));
            }
            ("attribute_values", _) => continue,
            (k, val) => json_scalar(val)
                .ok_or_else(|| format!("Элемент {line}: неожиданный тип поля {k}"))?,
        };
        raw.push((k.clone(), text));
    }
    Ok(raw)
}

fn validate_json(items: &[Value], chk: &CdpCheck) -> CdpOutcome {
    let mut out = CdpOutcome {
        count: 0,
        records: Vec::new(),
        problems: Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        if out.problems.len() >= MAX_PROBLEMS {
            break;
        }
        let n = i as u64 + 1;
        match json_record(item, n).and_then(|raw| chk.record(raw, n)) {
            Ok(r) => {
                out.count += 1;
                if out.records.len() < KEEP_CAP {
                    out.records.push(r);
                }
            }
            Err(p) => out.problems.push(p),
        }
    }
    if items.is_empty() {
        out.problems.push("Пустой список".into());
    }
    out
}

fn merge_mode(p: &[(String, String)]) -> Result<MergeMode, ApiError> {
    match param(p, "merge_mode") {
        None => Err(ApiError::missing("merge_mode")),
        Some("SAVE") => Ok(MergeMode::Save),
        Some("UPDATE") => Ok(MergeMode::Update),
        Some("APPEND") => Ok(MergeMode::Append),
        Some(o) => Err(ApiError::invalid(format!(
            "Некорректное значение merge_mode: {o}"
        ))),
    }
}

fn delimiter(p: &[(String, String)]) -> Result<u8, ApiError> {
    match param(p, "delimiter_type") {
        None | Some("COMMA") => Ok(b','),
        Some("SEMICOLON") => Ok(b';'),
        Some(o) => Err(ApiError::invalid(format!(
            "Некорректное значение delimiter_type: {o}"
        ))),
    }
}

/// `"uniq_id":"ID","name":"Name"` → attribute → header.
fn columns_mapping(p: &[(String, String)]) -> Result<HashMap<String, String>, ApiError> {
    let Some(raw) = param(p, "columns_mapping") else {
        return Ok(HashMap::new());
    };
    let mut map = HashMap::new();
    let bad =
        || ApiError::invalid("Некорректный columns_mapping: нужен формат \"атрибут\":\"столбец\"");
    let mut rest = raw.trim();
    while !rest.is_empty() {
        let r = rest.strip_prefix('"').ok_or_else(bad)?;
        let (attr, r) = r.split_once('"').ok_or_else(bad)?;
        let r = r
            .strip_prefix(':')
            .ok_or_else(bad)?
            .strip_prefix('"')
            .ok_or_else(bad)?;
        let (header, r) = r.split_once('"').ok_or_else(bad)?;
        if attr.is_empty() || header.is_empty() {
            return Err(bad());
        }
        map.insert(attr.to_string(), header.to_string());
        rest = r.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(map)
}

fn make_check(app: &App, cid: u64, entity: Entity, json: bool) -> CdpCheck {
    let d = app.data();
    let c = &d.counters[&cid];
    CdpCheck {
        entity,
        json,
        now: app.now(),
        tz: TimeZone::get(&c.time_zone_name).unwrap_or(TimeZone::UTC),
        goal_ids: c.goal_ids(),
        mapped_statuses: c.order_statuses.iter().map(|s| s.id.clone()).collect(),
        unknown_as_other: app.faults.unknown_status_is_other(),
        declared: c
            .attributes
            .iter()
            .filter(|a| {
                let et = a.get("entity_type").and_then(Value::as_str).unwrap_or("");
                match entity {
                    Entity::Contacts => et == "CONTACT",
                    Entity::Orders => et == "ORDER",
                    Entity::SimpleOrders => et == "SIMPLE_ORDER",
                }
            })
            .filter_map(|a| a.get("name").and_then(Value::as_str).map(str::to_string))
            .collect(),
    }
}

fn merge(old: &mut CrmRecord, new: CrmRecord, mode: MergeMode) {
    // The creation date of a record Metrica already has never changes, whatever the mode
    // (reference §5.1): a later file cannot move an order to other visits.
    let created = old.get("create_date_time").cloned();
    merge_fields(old, new, mode);
    if let Some(c) = created {
        old.insert("create_date_time".into(), c);
    }
}

fn merge_fields(old: &mut CrmRecord, new: CrmRecord, mode: MergeMode) {
    match mode {
        MergeMode::Save => *old = new,
        MergeMode::Update => old.extend(new),
        MergeMode::Append => {
            for (k, v) in new {
                match old.get_mut(&k) {
                    Some(cur) if MULTI.contains(&k.as_str()) && !cur.is_empty() => {
                        for part in v.split(',').filter(|p| !p.is_empty()) {
                            if !cur.split(',').any(|c| c == part) {
                                cur.push(',');
                                cur.push_str(part);
                            }
                        }
                    }
                    _ => {
                        old.insert(k, v);
                    }
                }
            }
        }
    }
}

/// Records the upload (and, when it passed, its records) and renders the answer.
fn store(
    app: &App,
    cid: u64,
    entity: Entity,
    format: &'static str,
    mode: MergeMode,
    out: CdpOutcome,
) -> Value {
    let now = app.now();
    let mut d = app.data();
    d.cdp_seq += 1;
    let passed = out.problems.is_empty();
    let up = CdpUploading {
        uploading_id: uuid::Uuid::new_v4().to_string(),
        counter_id: cid,
        datetime: now,
        passed,
        elements_count: if passed { out.count } else { 0 },
        entity_type: "SYSTEM",
        format,
        endpoint: entity.endpoint(),
        problems: out.problems,
        seq: d.cdp_seq,
    };
    let json = up.to_json();
    d.cdp_uploads.push(up);
    if passed {
        match entity {
            Entity::Contacts => {
                let m = d.contacts.entry(cid).or_default();
                for r in out.records {
                    let key = r.get("uniq_id").cloned().unwrap_or_default();
                    match m.get_mut(&key) {
                        Some(old) => merge(old, r, mode),
                        None => {
                            m.insert(key, r);
                        }
                    }
                }
            }
            Entity::Orders => {
                let m = d.orders.entry(cid).or_default();
                for r in out.records {
                    let key = r.get("id").cloned().unwrap_or_default();
                    match m.get_mut(&key) {
                        Some(old) => merge(old, r, mode),
                        None => {
                            m.insert(key, r);
                        }
                    }
                }
            }
            Entity::SimpleOrders => {
                let v = d.simple_orders.entry(cid).or_default();
                for r in out.records {
                    let id = r.get("id").filter(|s| !s.is_empty()).cloned();
                    match id.and_then(|id| v.iter_mut().find(|o| o.get("id") == Some(&id))) {
                        Some(old) => merge(old, r, mode),
                        None => v.push(r),
                    }
                }
            }
        }
    }
    json
}

async fn answer(app: &App, ctl: Option<ConnCtl>, json: Value) -> ApiResult {
    app.faults
        .maybe_stall(crate::faults::StallPoint::AfterStore)
        .await;
    if app.faults.take_lose_answer()
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

async fn csv_upload(
    app: App,
    caller: Caller,
    id: String,
    q: Option<String>,
    req: Request,
    entity: Entity,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Upload)?;
    let p = params(&q);
    let mode = merge_mode(&p)?;
    let delim = delimiter(&p)?;
    let mapping = if entity == Entity::SimpleOrders {
        HashMap::new()
    } else {
        columns_mapping(&p)?
    };
    let ctl = req.extensions().get::<ConnCtl>().cloned();
    let received = receive_file(&app, req).await?;
    let chk = make_check(&app, cid, entity, false);
    let path = received.path;
    let out = tokio::task::spawn_blocking(move || validate_csv(&path, delim, &mapping, &chk))
        .await
        .map_err(|e| ApiError::new(ErrorType::BackendError, e.to_string()))?;
    let json = store(&app, cid, entity, "CSV", mode, out);
    answer(&app, ctl, json).await
}

async fn json_upload(
    app: App,
    caller: Caller,
    id: String,
    q: Option<String>,
    req: Request,
    entity: Entity,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Upload)?;
    let p = params(&q);
    let mode = merge_mode(&p)?;
    let ctl = req.extensions().get::<ConnCtl>().cloned();
    let body = json_body(req).await?;
    let key = if entity == Entity::Contacts {
        "contacts"
    } else {
        "orders"
    };
    let items = body
        .get(key)
        .ok_or_else(|| ApiError::missing(key))?
        .as_array()
        .ok_or_else(|| {
            ApiError::new(
                ErrorType::InvalidJson,
                format!("{key} должен быть массивом"),
            )
        })?;
    let chk = make_check(&app, cid, entity, true);
    let out = validate_json(items, &chk);
    let json = store(&app, cid, entity, "JSON", mode, out);
    answer(&app, ctl, json).await
}

macro_rules! upload_handler {
    ($name:ident, $f:ident, $entity:expr) => {
        async fn $name(
            State(app): State<App>,
            Extension(caller): Extension<Caller>,
            Path(id): Path<String>,
            RawQuery(q): RawQuery,
            req: Request,
        ) -> ApiResult {
            $f(app, caller, id, q, req, $entity).await
        }
    };
}

upload_handler!(simple_orders, csv_upload, Entity::SimpleOrders);
upload_handler!(contacts_csv, csv_upload, Entity::Contacts);
upload_handler!(orders_csv, csv_upload, Entity::Orders);
upload_handler!(contacts_json, json_upload, Entity::Contacts);
upload_handler!(orders_json, json_upload, Entity::Orders);

fn parse_offset(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let dt = if shape(s) == "dddd-dd-dd dd:dd:dd" {
        DateTime::strptime("%Y-%m-%d %H:%M:%S", s).ok()?
    } else if shape(s) == "dddd-dd-ddTdd:dd:dd" {
        DateTime::strptime("%Y-%m-%dT%H:%M:%S", s).ok()?
    } else {
        return None;
    };
    dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

async fn last_uploadings(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let p = params(&q);
    let limit = int_param(&p, "limit", 10, 1, 1000)? as usize;
    let before = match param(&p, "datetime_offset") {
        None => None,
        Some(s) => Some(parse_offset(s).ok_or_else(|| {
            ApiError::invalid(format!("Некорректное значение datetime_offset: {s}"))
        })?),
    };
    if let Some(src) = param(&p, "source")
        && src != "API"
    {
        return Err(ApiError::invalid(format!(
            "Некорректное значение source: {src}"
        )));
    }
    let d = app.data();
    let mut v: Vec<&CdpUploading> = d
        .cdp_uploads
        .iter()
        .filter(|u| u.counter_id == cid && before.is_none_or(|b| u.datetime < b))
        .collect();
    v.sort_by_key(|u| std::cmp::Reverse((u.datetime, u.seq)));
    let items: Vec<Value> = v
        .into_iter()
        .take(limit)
        .map(CdpUploading::to_json)
        .collect();
    Ok(Json(json!({"uploadings": items})))
}

async fn get_order_statuses(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let d = app.data();
    let v: Vec<Value> = d.counters[&cid]
        .order_statuses
        .iter()
        .map(OrderStatus::to_json)
        .collect();
    Ok(Json(json!({"order_statuses": v})))
}

/// `^[\w-:]+$` with Java's ASCII `\w`.
pub(crate) fn is_schema_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'))
}

fn parse_status(v: &Value, i: usize) -> Result<OrderStatus, ApiError> {
    let at = |m: String| ApiError::invalid(format!("order_statuses[{i}]: {m}"));
    let id = v.get("id").and_then(Value::as_str).unwrap_or("");
    if !is_schema_id(id) {
        return Err(at(format!(
            "id «{id}» не соответствует шаблону ^[\\w-:]+$ (1–255)"
        )));
    }
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    if !["IN_PROGRESS", "PAID", "CANCELLED", "SPAM", "OTHER"].contains(&kind) {
        return Err(at(format!("некорректный type «{kind}»")));
    }
    let humanized = match v.get("humanized") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if s.chars().count() <= 4096 => s.clone(),
        _ => return Err(at("humanized: строка до 4096 символов".into())),
    };
    let goals = match v.get("goal_action_ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            if a.len() > 10 {
                return Err(at("goal_action_ids: не больше 10".into()));
            }
            a.iter()
                .map(|g| g.as_str().map(str::to_string).filter(|s| !s.is_empty()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| at("goal_action_ids: нужен массив строк".into()))?
        }
        _ => return Err(at("goal_action_ids: нужен массив строк".into())),
    };
    Ok(OrderStatus {
        id: id.to_string(),
        humanized,
        kind: kind.to_string(),
        goal_action_ids: goals,
    })
}

async fn post_order_statuses(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Upload)?;
    let body = json_body(req).await?;
    let arr = body
        .get("order_statuses")
        .ok_or_else(|| ApiError::missing("order_statuses"))?
        .as_array()
        .ok_or_else(|| ApiError::invalid("order_statuses должен быть массивом"))?;
    let parsed = arr
        .iter()
        .enumerate()
        .map(|(i, v)| parse_status(v, i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut d = app.data();
    let c = d
        .counters
        .get_mut(&cid)
        .ok_or_else(|| ApiError::not_found("Счётчик"))?;
    if app.faults.status_posts_replace() {
        c.order_statuses.clear();
    }
    for s in parsed {
        match c.order_statuses.iter_mut().find(|o| o.id == s.id) {
            Some(old) => *old = s,
            None => c.order_statuses.push(s),
        }
    }
    Ok(Json(json!({"success": true})))
}

const ENTITY_TYPES: [&str; 4] = ["CONTACT", "COMPANY", "ORDER", "SIMPLE_ORDER"];

fn entity_type(p: &[(String, String)]) -> Result<String, ApiError> {
    let e = param(p, "entity_type").ok_or_else(|| ApiError::missing("entity_type"))?;
    let up = e.to_ascii_uppercase();
    if ENTITY_TYPES.contains(&up.as_str()) {
        Ok(up)
    } else {
        Err(ApiError::invalid(format!(
            "Некорректное значение entity_type: {e}"
        )))
    }
}

async fn get_attributes(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let et = entity_type(&params(&q))?;
    let d = app.data();
    let v: Vec<Value> = d.counters[&cid]
        .attributes
        .iter()
        .filter(|a| a.get("entity_type").and_then(Value::as_str) == Some(et.as_str()))
        .cloned()
        .collect();
    Ok(Json(json!({"attributes": v})))
}

async fn post_attributes(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Upload)?;
    let et = entity_type(&params(&q))?;
    let body = json_body(req).await?;
    let arr = body
        .get("attributes")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::missing("attributes"))?;
    let mut new = Vec::new();
    for (i, a) in arr.iter().enumerate() {
        let name = a.get("name").and_then(Value::as_str).unwrap_or("");
        if !is_schema_id(name) {
            return Err(ApiError::invalid(format!(
                "attributes[{i}]: некорректное имя «{name}»"
            )));
        }
        let tn = a.get("type_name").and_then(Value::as_str).unwrap_or("");
        if !["numeric", "date", "datetime", "email", "text", "product"].contains(&tn) {
            return Err(ApiError::invalid(format!(
                "attributes[{i}]: некорректный type_name «{tn}»"
            )));
        }
        let mut v = a.clone();
        v["entity_type"] = json!(et);
        new.push(v);
    }
    let mut d = app.data();
    if let Some(c) = d.counters.get_mut(&cid) {
        c.attributes.extend(new);
    }
    Ok(Json(json!({"success": true})))
}

async fn post_products(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult {
    counter_access(&app, &caller, &id, Need::Upload)?;
    let body = json_body(req).await?;
    let items = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::missing("items"))?;
    if items.len() > 160_000 {
        return Err(ApiError::new(
            ErrorType::LimitExceeded,
            "Не больше 160000 товаров",
        ));
    }
    for (i, it) in items.iter().enumerate() {
        let name = it.get("name").and_then(Value::as_str).unwrap_or("");
        if !is_schema_id(name) {
            return Err(ApiError::invalid(format!(
                "items[{i}]: некорректное имя «{name}»"
            )));
        }
    }
    Ok(Json(json!({"success": true})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_documented_crm_date_formats_only() {
        for ok in [
            "08.11.2026",
            "08.11.26 21:30",
            "2026-11-06 09:03",
            "07.11.2026 18:40",
            "2026-11-09 11:11:11",
        ] {
            assert!(parse_crm_datetime(ok, false).is_some(), "{ok}");
        }
        for bad in ["06.11.2026 9:05", "2026-11-06T09:05:00+03:00", "11/06/2026"] {
            assert!(parse_crm_datetime(bad, false).is_none(), "{bad}");
        }
    }

    #[test]
    fn status_ids_follow_the_ascii_word_pattern() {
        assert!(is_schema_id("cancelled_by_client"));
        assert!(is_schema_id("crm:status-1"));
        assert!(!is_schema_id("Оплачен"));
        assert!(!is_schema_id("a b"));
    }

    #[test]
    fn columns_mapping_parses_quoted_pairs() {
        let p = vec![(
            "columns_mapping".to_string(),
            r#""uniq_id":"ID","name":"Name""#.to_string(),
        )];
        let m = columns_mapping(&p).unwrap();
        assert_eq!(m["uniq_id"], "ID");
        assert_eq!(m["name"], "Name");
    }

    #[test]
    fn append_adds_new_values_to_multi_valued_attributes() {
        let mut old: CrmRecord = [("emails".to_string(), "a@x.ru".to_string())].into();
        let new: CrmRecord = [("emails".to_string(), "b@x.ru,a@x.ru".to_string())].into();
        merge(&mut old, new, MergeMode::Append);
        assert_eq!(old["emails"], "a@x.ru,b@x.ru");
    }
}
