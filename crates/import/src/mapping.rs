//! Column mapping: which source column (or constant) feeds each Metrica field.
//!
//! Owns automatic matching (Russian and English synonyms, CRM export headers such as
//! `Контакт: Телефон`, fuzzy matching with strsim), upload-kind detection from headers, and the
//! serialisable [`Mapping`] template keyed by a stable [`header_signature`]. Does NOT read
//! files nor judge values (that is [`crate::validate`]); status values are in [`crate::status`].

use mb_schema::{Requirement, UploadKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a Metrica field takes its value from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldSource {
    /// A source column: its 0-based index and header (the header wins if the index moved).
    Column {
        index: usize,
        header: String,
        confidence: f32,
    },
    /// The same value for every row (one Target goal, one currency).
    Constant { value: String },
}

/// A mapping template: upload kind, Metrica field → source, and the header signature of the
/// file it was made for (so the same export maps itself next time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub kind: UploadKind,
    pub fields: BTreeMap<String, FieldSource>,
    pub signature: String,
    /// Currencies written in words Metrica does not know, as the user named them: `руб.` →
    /// `RUB` (the check's currency offer). Only these values are read so; any other currency
    /// is checked as usual, so a later file with `USD` or an unknown word is not sent as RUB.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub currency_names: BTreeMap<String, String>,
}

/// The result of [`auto_map`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappingSuggestion {
    pub mapping: Mapping,
    /// Source headers no field reads (informational, not errors).
    pub unmapped_columns: Vec<String>,
    /// Required Metrica fields (and `identifier` when no identifier column matched) left open.
    pub missing_required: Vec<&'static str>,
}

/// Pseudo-field name reported in `missing_required` when a kind needs at least one identifier
/// column and none is mapped.
pub const ANY_IDENTIFIER: &str = "identifier";

impl Mapping {
    /// An empty mapping for `kind` and these headers.
    pub fn new(kind: UploadKind, headers: &[String]) -> Mapping {
        Mapping {
            kind,
            fields: BTreeMap::new(),
            currency_names: BTreeMap::new(),
            signature: header_signature(headers),
        }
    }

    /// Map `field` to column `index` (user's choice: confidence 1).
    pub fn set_column(&mut self, field: &str, index: usize, header: &str) {
        let name = self.canonical(field);
        self.fields.insert(
            name,
            FieldSource::Column {
                index,
                header: header.to_string(),
                confidence: 1.0,
            },
        );
    }

    /// Give `field` the same value on every row.
    pub fn set_constant(&mut self, field: &str, value: &str) {
        let name = self.canonical(field);
        self.fields.insert(
            name,
            FieldSource::Constant {
                value: value.to_string(),
            },
        );
    }

    pub fn remove(&mut self, field: &str) {
        let name = self.canonical(field);
        self.fields.remove(&name);
    }

    fn canonical(&self, field: &str) -> String {
        self.kind
            .field(field)
            .map_or_else(|| field.to_string(), |f| f.name.to_string())
    }

    /// Required fields not mapped, plus [`ANY_IDENTIFIER`] when the kind needs one and none is.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let mut missing: Vec<&'static str> = self
            .kind
            .fields()
            .iter()
            .filter(|f| f.requirement == Requirement::Required && !self.fields.contains_key(f.name))
            .map(|f| f.name)
            .collect();
        let ids: Vec<_> = identifier_fields(self.kind).collect();
        if !ids.is_empty() && !ids.iter().any(|f| self.fields.contains_key(*f)) {
            missing.push(ANY_IDENTIFIER);
        }
        missing
    }

    /// Field → source header, or `=value` for a constant (the report's `mapping`).
    pub fn summary(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    FieldSource::Column { header, .. } => header.clone(),
                    FieldSource::Constant { value } => format!("={value}"),
                };
                (k.clone(), s)
            })
            .collect()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Mapping, serde_json::Error> {
        serde_json::from_str(s)
    }

    /// Whether this template was made for a file with these headers.
    pub fn fits(&self, headers: &[String]) -> bool {
        self.signature == header_signature(headers)
    }
}

/// Identifier fields of a kind (each row must fill at least one of them).
pub fn identifier_fields(kind: UploadKind) -> impl Iterator<Item = &'static str> {
    kind.fields()
        .iter()
        .filter(|f| f.requirement == Requirement::OneOfIdentifiers)
        .map(|f| f.name)
}

/// Lower case, `ё`→`е`, BOM and punctuation → single spaces, trimmed.
pub fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut space = true;
    for c in h.chars() {
        let c = match c {
            'ё' | 'Ё' => 'е',
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn compact(h: &str) -> String {
    h.chars().filter(|c| *c != ' ').collect()
}

/// A stable hash of the normalised header list (FNV-1a 64, hex), equal for the same export
/// whatever the casing, BOM or spacing of its headers.
pub fn header_signature(headers: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, header) in headers.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in normalize_header(header).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Synonyms per field, written already normalised. A leading `=` means "exact match only"
/// (too generic to be found inside a longer header).
fn synonyms(kind: UploadKind, field: &str) -> &'static [&'static str] {
    use UploadKind::*;
    match (kind, field) {
        (Conversions | Calls, "ClientId") => &[
            "client id",
            "clientid метрика",
            "метрика clientid",
            "ym uid",
            "id посетителя",
            "идентификатор посетителя",
            "client id метрики",
            "clientid яндекс метрики",
        ],
        (Conversions | Calls, "UserId") => &[
            "user id",
            "id пользователя",
            "=uid",
            "идентификатор пользователя",
        ],
        (Conversions | Calls, "Yclid") => &["yclid", "id клика", "click id", "ycl id"],
        (Conversions, "PurchaseId") => &[
            "purchase id",
            "id покупки",
            "номер покупки",
            "номер заказа",
            "order id",
            "id заказа",
            "transaction id",
        ],
        (Conversions, "Target") => &[
            "target",
            "goal",
            "goal id",
            "цель",
            "идентификатор цели",
            "id цели",
            "=conversion",
            "=конверсия",
        ],
        (Conversions | Calls, "DateTime") => &[
            "date time",
            "=date",
            "=time",
            "=timestamp",
            "=дата",
            "=время",
            "дата и время",
            "дата время",
            "дата создания",
            "дата конверсии",
            "дата звонка",
            "время звонка",
            "call time",
            "created at",
            "дата продажи",
            "дата оплаты",
        ],
        (Conversions | Calls, "Price") => &[
            "price",
            "revenue",
            "=amount",
            "=sum",
            "цена",
            "сумма",
            "бюджет",
            "выручка",
            "доход",
            "стоимость",
            "сумма продажи",
        ],
        (_, "Currency" | "currency") => &["currency", "валюта", "currency code", "код валюты"],
        (Calls, "PhoneNumber") => &[
            "phone number",
            "=phone",
            "телефон",
            "номер телефона",
            "=номер",
            "номер абонента",
            "=caller",
            "caller number",
            "номер звонящего",
        ],
        (Calls, "TalkDuration") => &[
            "talk duration",
            "=duration",
            "длительность разговора",
            "=длительность",
            "продолжительность",
            "время разговора",
        ],
        (Calls, "HoldDuration") => &["hold duration", "время ожидания", "=ожидание", "wait time"],
        (Calls, "CallMissed") => &["call missed", "=missed", "пропущенный", "=пропущен"],
        (Calls, "StaticCall") => &["static call", "статический", "статический звонок"],
        (Calls, "Tag") => &["=tag", "=тег", "=метка", "итог звонка"],
        (Calls, "FirstTimeCaller") => &[
            "first time caller",
            "первичный",
            "первый звонок",
            "новый клиент",
        ],
        (Calls, "URL") => &["=url", "=страница", "=page", "страница входа"],
        (Calls, "CallTrackerURL") => &[
            "calltracker url",
            "call tracker url",
            "=запись",
            "ссылка на звонок",
            "запись звонка",
            "=recording",
        ],
        (SimpleOrders | Orders, "id") => &[
            "=id",
            "order id",
            "id заказа",
            "id сделки",
            "номер заказа",
            "номер сделки",
            "=заказ",
            "=ид",
            "=№",
            "=номер",
            "=deal id",
            "ид сделки",
            // 1C's documents (a sale, an order of a buyer) are numbered as documents.
            "номер документа",
            "=документ",
        ],
        (Contacts, "uniq_id") => &[
            "uniq id",
            "=id",
            "id контакта",
            "id клиента",
            "контакт id",
            "customer id",
            "contact id",
            "=ид",
            "ид контакта",
        ],
        (SimpleOrders | Orders, "client_uniq_id") => &[
            "client uniq id",
            "id клиента",
            "id контакта",
            "контакт id",
            "customer id",
            "contact id",
            "клиент id",
            "ид контакта",
            "ид клиента",
        ],
        (Contacts, "name") => &[
            "=name",
            "=имя",
            "=фио",
            "=контакт",
            "=клиент",
            "=наименование",
            "=название",
            "full name",
            "имя клиента",
            "имя контакта",
        ],
        (_, "create_date_time") => &[
            "create date time",
            "created at",
            "=created",
            "=date",
            "дата создания",
            "=дата",
            "=создан",
            "=создано",
            "дата заказа",
            "дата сделки",
            "дата оформления",
            // 1C's documents.
            "дата документа",
        ],
        (_, "update_date_time") => &[
            "update date time",
            "updated at",
            "дата изменения",
            "=изменено",
            "дата обновления",
            "последнее изменение",
        ],
        (_, "finish_date_time") => &[
            "finish date time",
            "=закрыто",
            "дата закрытия",
            "дата завершения",
            "closed at",
        ],
        (_, "client_ids") => &[
            "client ids",
            "clientid",
            "client id",
            "clientid метрика",
            "метрика clientid",
            "ym uid",
            "идентификатор метрики",
        ],
        (_, "emails") => &[
            "emails",
            "email",
            "e mail",
            "=почта",
            "эл почта",
            "электронная почта",
            "контакт e mail",
            "рабочий e mail",
            "=mail",
            "контакт email",
        ],
        (_, "phones") => &[
            "phones",
            "phone",
            "телефон",
            "телефоны",
            "контакт телефон",
            "мобильный телефон",
            "=мобильный",
            "номер телефона",
            "=тел",
            "рабочий телефон",
        ],
        (_, "emails_md5") => &["emails md5", "email md5", "md5 email", "хеш email"],
        (_, "phones_md5") => &["phones md5", "phone md5", "md5 phone", "хеш телефона"],
        (_, "order_status") => &[
            "order status",
            "=status",
            "=статус",
            "=стадия",
            "стадия сделки",
            "=этап",
            "этап сделки",
            "статус заказа",
            "статус сделки",
            "=stage",
            // 1C: a document's state («Отгружен», «К оплате»).
            "=состояние",
            "состояние заказа",
            "состояние документа",
        ],
        (_, "revenue") => &[
            "revenue",
            "сумма",
            "бюджет",
            "выручка",
            "сумма заказа",
            "стоимость",
            "=amount",
            "=total",
            "=итого",
            "=price",
            "=цена",
            "=opportunity",
            "сумма сделки",
        ],
        (_, "cost") => &[
            "=cost",
            "себестоимость",
            "затраты",
            "=расходы",
            "закупочная цена",
        ],
        (_, "goals") => &["=goals", "=цели"],
        (_, "client_type") => &["client type", "тип клиента"],
        (_, "products") => &["products", "товары", "продукты", "состав заказа"],
        _ => &[],
    }
}

/// Confidence that `header` (normalised) means `field` of `kind`; 0 when no match.
fn score(kind: UploadKind, field: &str, header: &str) -> f32 {
    let hc = compact(header);
    if hc.is_empty() {
        return 0.0;
    }
    if hc == compact(&normalize_header(field)) {
        return 1.0;
    }
    // «Дата рождения» is one letter group away from «Дата создания»: a birth date must never
    // become the date a contact or order was created.
    if field.ends_with("date_time") && (hc.contains("рожд") || hc.contains("birth")) {
        return 0.0;
    }
    let mut best: f32 = 0.0;
    for syn in synonyms(kind, field) {
        let (exact_only, syn) = match syn.strip_prefix('=') {
            Some(s) => (true, s),
            None => (false, *syn),
        };
        let sc = compact(syn);
        let s = if hc == sc {
            0.95
        } else if exact_only {
            0.0
        } else if sc.chars().count() >= 5 && hc.contains(&sc) {
            // The longer the synonym found inside, the surer.
            0.75 + 0.1 * (sc.len() as f32 / hc.len() as f32)
        } else if sc.chars().count() >= 5 && !drops_the_id(header, syn) {
            let jw = strsim::jaro_winkler(&hc, &sc) as f32;
            if jw >= 0.9 { 0.7 * jw } else { 0.0 }
        } else {
            0.0
        };
        best = best.max(s);
    }
    best
}

/// A synonym naming a number (`контакт id`) is no typo of a header without one: amoCRM's
/// «Контакт» holds the contact's name, and names sent as client IDs merge namesakes.
fn drops_the_id(header: &str, syn: &str) -> bool {
    let id_word = |w: &str| matches!(w, "id" | "ид" | "номер" | "№" | "код" | "code" | "uniq");
    syn.split_whitespace().any(id_word) && !header.split_whitespace().any(id_word)
}

const MIN_CONFIDENCE: f32 = 0.6;

/// The mapping offered for a file of `kind`: [`auto_map`]'s, with the value a field can only
/// have where no column feeds it. Metrica takes one customer type for orders, CONTACT
/// (docs/metrika-api.md §5.4), so a file without that column is not asked for one. (Kind
/// detection scores [`auto_map`] alone: a constant says nothing about the file.)
pub fn suggested(kind: UploadKind, headers: &[String]) -> Mapping {
    let mut m = auto_map(kind, headers).mapping;
    if kind == UploadKind::Orders && !m.fields.contains_key("client_type") {
        m.set_constant("client_type", "CONTACT");
    }
    m
}

/// Match `headers` to the fields of `kind`: each column feeds at most one field, each field
/// reads at most one column, best confidence first.
pub fn auto_map(kind: UploadKind, headers: &[String]) -> MappingSuggestion {
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut cands: Vec<(f32, usize, usize)> = Vec::new();
    for (fi, f) in kind.fields().iter().enumerate() {
        for (ci, h) in norm.iter().enumerate() {
            let s = score(kind, f.name, h);
            if s >= MIN_CONFIDENCE {
                cands.push((s, fi, ci));
            }
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut mapping = Mapping::new(kind, headers);
    let mut col_used = vec![false; headers.len()];
    for (s, fi, ci) in cands {
        let name = kind.fields()[fi].name;
        if col_used[ci] || mapping.fields.contains_key(name) {
            continue;
        }
        col_used[ci] = true;
        mapping.fields.insert(
            name.to_string(),
            FieldSource::Column {
                index: ci,
                header: headers[ci].clone(),
                confidence: s,
            },
        );
    }
    let unmapped_columns = headers
        .iter()
        .zip(&col_used)
        .filter(|(h, used)| !**used && !h.trim().is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    let missing_required = mapping.missing_required();
    MappingSuggestion {
        mapping,
        unmapped_columns,
        missing_required,
    }
}

/// The columns of `headers` no field reads, in file order (blank headers left out). A field
/// reads the column at its index when the header there is its own, else the first of that
/// name (as the validator does): of two columns named alike, the other one is unused and said
/// so.
pub fn unmapped_columns(mapping: &Mapping, headers: &[String]) -> Vec<String> {
    unmapped_column_indexes(mapping, headers)
        .into_iter()
        .map(|i| headers[i].clone())
        .collect()
}

/// [`unmapped_columns`] as positions in `headers`: of two columns named alike, the one no
/// field reads (what is offered to a counter attribute must be that column, not its namesake).
pub fn unmapped_column_indexes(mapping: &Mapping, headers: &[String]) -> Vec<usize> {
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut used = vec![false; headers.len()];
    for f in mapping.fields.values() {
        if let FieldSource::Column { index, header, .. } = f {
            let want = normalize_header(header);
            let at = if norm.get(*index) == Some(&want) {
                Some(*index)
            } else {
                norm.iter().position(|h| *h == want)
            };
            if let Some(i) = at {
                used[i] = true;
            }
        }
    }
    headers
        .iter()
        .zip(&used)
        .enumerate()
        .filter(|(_, (h, used))| !**used && !h.trim().is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// The upload kind these headers most likely belong to, with a confidence 0..1; `None` when
/// no kind explains the file.
pub fn detect_kind(headers: &[String]) -> Option<(UploadKind, f32)> {
    let n = headers.iter().filter(|h| !h.trim().is_empty()).count();
    if n == 0 {
        return None;
    }
    let mut best: Option<(UploadKind, f32, bool)> = None;
    let mut wholes = 0usize;
    for kind in UploadKind::ALL {
        let s = auto_map(kind, headers);
        // Every conversions column but Target is a calls column too: without a column only
        // calls have, the file is conversions missing its Target (and is told so), not calls.
        if kind == UploadKind::Calls
            && !s.mapping.fields.iter().any(|(name, v)| {
                matches!(v, FieldSource::Column { .. })
                    && UploadKind::Conversions.field(name).is_none()
            })
        {
            continue;
        }
        let matched: f32 = s
            .mapping
            .fields
            .values()
            .map(|v| match v {
                FieldSource::Column { confidence, .. } => *confidence,
                FieldSource::Constant { .. } => 0.0,
            })
            .sum();
        let coverage = matched / n as f32;
        // Contacts need only `uniq_id`, which any `id` column gives: a file says it is contacts
        // only with something a contact is linked by (ClientIDs, e-mails, phones). Without it
        // an `id, name, comment, order_status` export is not «contacts, 49 %».
        let linkable = kind != UploadKind::Contacts
            || ["client_ids", "emails", "phones", "emails_md5", "phones_md5"]
                .iter()
                .any(|f| s.mapping.fields.contains_key(*f));
        let complete = s.missing_required.is_empty() && linkable;
        let factor = if complete { 1.0 } else { 0.4 };
        let score = coverage * factor;
        // Every required field found, by three columns or more: the kind is plain however
        // many other columns a CRM export carries (their share only lowers the score).
        let whole = complete && matched >= 3.0 - 1e-3;
        wholes += usize::from(whole);
        if best.is_none_or(|(_, b, _)| score > b + 1e-6) {
            best = Some((kind, score, whole));
        }
    }
    // Below the score, a kind is taken only when it alone has all it needs: a wide export
    // that two kinds could read (contacts and orders share id, dates, phones and e-mails) is
    // the user's to say.
    best.filter(|(_, s, whole)| *s >= 0.3 || (*whole && wholes == 1))
        .map(|(kind, score, _)| (kind, score))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn col(m: &Mapping, field: &str) -> Option<(usize, f32)> {
        match m.fields.get(field)? {
            FieldSource::Column {
                index, confidence, ..
            } => Some((*index, *confidence)),
            FieldSource::Constant { .. } => None,
        }
    }

    /// Contacts need only an id: a file is contacts when it also has something a contact is
    /// linked by, not because some `id` column gives `uniq_id`.
    #[test]
    fn an_id_alone_does_not_make_contacts() {
        assert_eq!(
            detect_kind(&h(&["id", "name", "comment", "order_status"])),
            None
        );
        assert_eq!(
            detect_kind(&h(&[
                "id",
                "create_date_time",
                "day",
                "revenue",
                "order_status"
            ]))
            .map(|(k, _)| k),
            Some(UploadKind::SimpleOrders)
        );
        assert_eq!(
            detect_kind(&h(&["id", "name", "phone"])).map(|(k, _)| k),
            Some(UploadKind::Contacts)
        );
    }

    #[test]
    fn conversions_without_target_are_conversions_not_calls() {
        let d = detect_kind(&h(&["ClientId", "DateTime", "Price", "Currency"]));
        assert_eq!(d.map(|d| d.0), Some(UploadKind::Conversions));
        let s = auto_map(
            UploadKind::Conversions,
            &h(&["ClientId", "DateTime", "Price"]),
        );
        assert_eq!(s.missing_required, ["Target"]);
        // One column only calls have is enough for calls.
        for extra in ["PhoneNumber", "TalkDuration", "CallMissed", "Tag"] {
            let d = detect_kind(&h(&["ClientId", "DateTime", extra]));
            assert_eq!(d.map(|d| d.0), Some(UploadKind::Calls), "{extra}");
        }
    }

    #[test]
    fn a_birth_date_is_never_taken_for_a_creation_date() {
        for kind in [
            UploadKind::Contacts,
            UploadKind::Orders,
            UploadKind::SimpleOrders,
        ] {
            let m = auto_map(kind, &h(&["ID", "Дата рождения", "Birth date"])).mapping;
            for f in ["create_date_time", "update_date_time", "finish_date_time"] {
                assert!(col(&m, f).is_none(), "{kind:?} {f} ← {:?}", m.fields.get(f));
            }
        }
    }

    #[test]
    fn maps_canonical_headers_with_full_confidence() {
        let s = auto_map(
            UploadKind::Conversions,
            &h(&["ClientId", "Target", "DateTime", "Price", "Currency"]),
        );
        assert_eq!(col(&s.mapping, "ClientId"), Some((0, 1.0)));
        assert_eq!(col(&s.mapping, "Currency"), Some((4, 1.0)));
        assert!(s.missing_required.is_empty());
        assert!(s.unmapped_columns.is_empty());
    }

    #[test]
    fn matches_headers_case_insensitively_after_trimming() {
        let s = auto_map(
            UploadKind::Conversions,
            &h(&[" clientid ", "TARGET", "datetime", "yclid"]),
        );
        assert_eq!(col(&s.mapping, "ClientId").map(|c| c.0), Some(0));
        assert_eq!(col(&s.mapping, "Target").map(|c| c.0), Some(1));
        assert_eq!(col(&s.mapping, "Yclid").map(|c| c.0), Some(3));
    }

    #[test]
    fn maps_bitrix24_russian_headers_to_simple_orders() {
        let headers = h(&[
            "ID",
            "Название сделки",
            "Стадия сделки",
            "Бюджет",
            "Валюта",
            "Дата создания",
            "Контакт: Телефон",
            "Контакт: E-mail",
            "ClientID (Метрика)",
        ]);
        let s = auto_map(UploadKind::SimpleOrders, &headers);
        let m = &s.mapping;
        assert_eq!(col(m, "id").map(|c| c.0), Some(0));
        assert_eq!(col(m, "order_status").map(|c| c.0), Some(2));
        assert_eq!(col(m, "revenue").map(|c| c.0), Some(3));
        assert_eq!(col(m, "currency").map(|c| c.0), Some(4));
        assert_eq!(col(m, "create_date_time").map(|c| c.0), Some(5));
        assert_eq!(col(m, "phones").map(|c| c.0), Some(6));
        assert_eq!(col(m, "emails").map(|c| c.0), Some(7));
        assert_eq!(col(m, "client_ids").map(|c| c.0), Some(8));
        assert_eq!(s.unmapped_columns, vec!["Название сделки".to_string()]);
    }

    #[test]
    fn maps_amocrm_style_headers() {
        let headers = h(&[
            "ID сделки",
            "Статус",
            "Сумма",
            "Эл. почта",
            "Телефон",
            "Дата создания",
        ]);
        let s = auto_map(UploadKind::SimpleOrders, &headers);
        for (f, i) in [
            ("id", 0),
            ("order_status", 1),
            ("revenue", 2),
            ("emails", 3),
            ("phones", 4),
            ("create_date_time", 5),
        ] {
            assert_eq!(col(&s.mapping, f).map(|c| c.0), Some(i), "{f}");
        }
    }

    #[test]
    fn fuzzy_matching_catches_typos_with_lower_confidence() {
        let s = auto_map(
            UploadKind::SimpleOrders,
            &h(&["id", "create_date_time", "emials"]),
        );
        let (i, c) = col(&s.mapping, "emails").unwrap();
        assert_eq!(i, 2);
        assert!((MIN_CONFIDENCE..0.95).contains(&c), "{c}");
    }

    #[test]
    fn a_name_column_is_no_typo_of_an_id_column() {
        // amoCRM: «Контакт» holds «Иван Петров», not the contact's number.
        let s = auto_map(
            UploadKind::SimpleOrders,
            &h(&["ID", "Дата создания", "Контакт", "Рабочий телефон"]),
        );
        assert!(col(&s.mapping, "client_uniq_id").is_none(), "{s:?}");
        // A typo of a number column is still read.
        let s = auto_map(
            UploadKind::SimpleOrders,
            &h(&["ID", "Дата создания", "ID контакат", "Рабочий телефон"]),
        );
        assert_eq!(col(&s.mapping, "client_uniq_id").map(|c| c.0), Some(2));
    }

    #[test]
    fn a_1c_document_number_is_the_order_number() {
        let s = auto_map(
            UploadKind::SimpleOrders,
            &h(&[
                "Дата",
                "Номер документа",
                "Покупатель",
                "Телефон",
                "Сумма",
                "Статус",
            ]),
        );
        assert_eq!(col(&s.mapping, "id").map(|c| c.0), Some(1), "{s:?}");
    }

    /// A 1C sales export as it comes: its document date and state are the order's date and
    /// status, and the file is read as CRM orders without being told.
    #[test]
    fn a_1c_export_is_orders_with_its_date_and_state() {
        let headers = h(&[
            "Номер документа",
            "Дата документа",
            "Контрагент",
            "Телефон контрагента",
            "Электронная почта",
            "Состояние",
            "Сумма документа",
            "Валюта",
        ]);
        let s = auto_map(UploadKind::SimpleOrders, &headers);
        assert_eq!(col(&s.mapping, "create_date_time").map(|c| c.0), Some(1));
        assert_eq!(col(&s.mapping, "order_status").map(|c| c.0), Some(5));
        assert!(s.missing_required.is_empty(), "{s:?}");
        assert_eq!(
            detect_kind(&headers).map(|(k, _)| k),
            Some(UploadKind::SimpleOrders)
        );
    }

    #[test]
    fn reports_missing_required_fields_and_identifier() {
        let s = auto_map(UploadKind::Conversions, &h(&["ClientId", "DateTime"]));
        assert_eq!(s.missing_required, vec!["Target"]);
        let s = auto_map(UploadKind::Conversions, &h(&["Target", "DateTime"]));
        assert_eq!(s.missing_required, vec![ANY_IDENTIFIER]);
    }

    #[test]
    fn orders_without_a_client_type_column_get_the_one_type_metrica_takes() {
        let m = suggested(
            UploadKind::Orders,
            &h(&["id", "client_uniq_id", "create_date_time", "order_status"]),
        );
        assert!(
            matches!(m.fields.get("client_type"), Some(FieldSource::Constant { value }) if value == "CONTACT"),
            "{:?}",
            m.fields
        );
        assert!(
            m.missing_required().is_empty(),
            "{:?}",
            m.missing_required()
        );
        // A column of its own is still read (and checked).
        let m = suggested(UploadKind::Orders, &h(&["id", "client_type"]));
        assert!(matches!(
            m.fields.get("client_type"),
            Some(FieldSource::Column { index: 1, .. })
        ));
    }

    #[test]
    fn user_can_override_a_match_and_add_constants() {
        let headers = h(&["ClientId", "DateTime", "Goal"]);
        let mut m = auto_map(UploadKind::Conversions, &headers).mapping;
        m.remove("Target");
        m.set_constant("target", "offline_paid");
        m.set_constant("Currency", "RUB");
        assert!(m.missing_required().is_empty());
        assert_eq!(
            m.summary().get("Target").map(String::as_str),
            Some("=offline_paid")
        );
    }

    #[test]
    fn mapping_round_trips_through_json() {
        let headers = h(&["ClientId", "Target", "DateTime"]);
        let mut m = auto_map(UploadKind::Conversions, &headers).mapping;
        m.set_constant("Currency", "RUB");
        let back = Mapping::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
        assert!(back.fits(&headers));
    }

    #[test]
    fn header_signature_ignores_case_bom_and_spacing_but_not_order() {
        let a = header_signature(&h(&["\u{feff}ClientId", "Target"]));
        assert_eq!(a, header_signature(&h(&["clientid ", " TARGET"])));
        assert_ne!(a, header_signature(&h(&["Target", "ClientId"])));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn detects_each_kind_from_its_canonical_headers() {
        let cases: [(UploadKind, &[&str]); 5] = [
            (
                UploadKind::Conversions,
                &["ClientId", "Target", "DateTime", "Price", "Currency"],
            ),
            (
                UploadKind::Calls,
                &[
                    "ClientId",
                    "DateTime",
                    "PhoneNumber",
                    "TalkDuration",
                    "CallMissed",
                    "Tag",
                ],
            ),
            (
                UploadKind::SimpleOrders,
                &[
                    "id",
                    "create_date_time",
                    "client_ids",
                    "emails",
                    "order_status",
                    "revenue",
                ],
            ),
            (
                UploadKind::Contacts,
                &[
                    "uniq_id",
                    "name",
                    "create_date_time",
                    "client_ids",
                    "emails",
                    "phones",
                ],
            ),
            (
                UploadKind::Orders,
                &[
                    "id",
                    "client_uniq_id",
                    "client_type",
                    "create_date_time",
                    "order_status",
                    "products",
                ],
            ),
        ];
        for (kind, headers) in cases {
            let (k, c) = detect_kind(&h(headers)).unwrap();
            assert_eq!(k, kind, "{headers:?}");
            assert!(c > 0.5, "{kind}: {c}");
        }
    }

    #[test]
    fn of_two_columns_named_alike_the_one_not_read_is_unused() {
        let headers = h(&[
            "ClientId", "Target", "DateTime", "Price", "Price", "Currency",
        ]);
        let s = auto_map(UploadKind::Conversions, &headers);
        assert_eq!(col(&s.mapping, "Price"), Some((3, 1.0)));
        assert_eq!(s.unmapped_columns, ["Price"]);
        assert_eq!(unmapped_columns(&s.mapping, &headers), ["Price"]);
    }

    #[test]
    fn a_wide_export_with_every_required_column_is_detected() {
        // A CRM export: the four conversions columns among twenty others.
        let mut headers = h(&["ClientId", "Target", "DateTime", "Price"]);
        headers.extend((1..=20).map(|i| format!("Поле {i}")));
        let (kind, confidence) = detect_kind(&headers).unwrap();
        assert_eq!(kind, UploadKind::Conversions);
        // Said as it is: most columns are not ours.
        assert!(confidence < 0.3, "{confidence}");
        // A wide export two kinds could read is the user's to say.
        let mut both = h(&[
            "ID",
            "Имя",
            "Дата создания",
            "Телефон",
            "Email",
            "Статус",
            "Сумма",
        ]);
        both.extend((1..=20).map(|i| format!("Поле {i}")));
        assert_eq!(detect_kind(&both), None);
        // Two known columns among many are still no kind.
        let mut two = h(&["ClientId", "Price"]);
        two.extend((1..=20).map(|i| format!("Поле {i}")));
        assert_eq!(detect_kind(&two), None);
    }

    #[test]
    fn detects_nothing_for_unrelated_headers() {
        assert_eq!(detect_kind(&h(&["Артикул", "Остаток", "Склад"])), None);
        assert_eq!(detect_kind(&[]), None);
    }
}
