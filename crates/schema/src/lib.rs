//! What Yandex Metrica accepts: upload kinds, their columns, status types, merge modes,
//! currencies and date formats. Pure data and tiny checks; the only I/O is [`fs::open_regular`],
//! the one way every crate opens a user's file.
//!
//! Owns the vocabulary every other crate shares (names are Metrica's own wire words, so code
//! and the API reference can be grepped together). Does NOT own validation logic (that is
//! `mb-import`) nor HTTP shapes (that is `mb-api`). The fake server deliberately does not
//! depend on this crate: it is written from the reference on its own, so a mistake here
//! fails a test instead of being shared by both sides.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

mod currency;
pub mod fs;
pub use currency::{COMMON as COMMON_CURRENCIES, ISO_4217, is_iso_4217};

/// The size we cut uploaded files at, for every upload endpoint. Yandex documents the limit as
/// "1 Гб" without a byte count (docs/metrika-api.md §4.1, §5.1), so parts stay under the
/// smaller reading, 10⁹ bytes, with a 1 MiB margin.
pub const MAX_UPLOAD_BYTES: u64 = 1_000_000_000 - (1 << 20);

/// How many days back a conversion can still be linked to a visit (reference §4.2, §5.7).
pub const LINKING_WINDOW_DAYS: i64 = 21;

/// One kind of upload the product can send.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum UploadKind {
    /// Offline conversions: `POST /management/v1/counter/{id}/offline_conversions/upload`.
    Conversions,
    /// Calls: `POST …/offline_conversions/upload_calls`.
    Calls,
    /// CRM simple orders: `POST /cdp/api/v1/counter/{id}/data/simple_orders`.
    SimpleOrders,
    /// CRM contacts: `POST /cdp/api/v1/counter/{id}/data/contacts/csv`.
    Contacts,
    /// CRM detailed orders: `POST /cdp/api/v1/counter/{id}/data/orders/csv`.
    Orders,
}

impl UploadKind {
    pub const ALL: [UploadKind; 5] = [
        UploadKind::Conversions,
        UploadKind::Calls,
        UploadKind::SimpleOrders,
        UploadKind::Contacts,
        UploadKind::Orders,
    ];

    /// The stable command-line / JSON name (`simple-orders`).
    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::Conversions => "conversions",
            UploadKind::Calls => "calls",
            UploadKind::SimpleOrders => "simple-orders",
            UploadKind::Contacts => "contacts",
            UploadKind::Orders => "orders",
        }
    }

    /// CRM ("CDP") kinds take `merge_mode` and `delimiter_type`; the other two do not.
    pub fn is_crm(self) -> bool {
        matches!(
            self,
            UploadKind::SimpleOrders | UploadKind::Contacts | UploadKind::Orders
        )
    }

    /// Whether a row Metrica has already, sent again, may count a second time. Calls: no
    /// Yandex page says a call sent twice is one call, so it is taken as counted again.
    /// Conversions are not: «Перезапишется ли доход у цели, если повторно передать ту же строку
    /// с другим показателем дохода? Да, перезапишется» (Metrica's API FAQ), so a conversion sent
    /// again replaces the one with its identifier, goal and time. CRM records are updated by id.
    pub fn counts_sent_again(self) -> bool {
        matches!(self, UploadKind::Calls)
    }

    /// The columns this kind's CSV may carry, in the order we write them.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            UploadKind::Conversions => CONVERSION_FIELDS,
            UploadKind::Calls => CALL_FIELDS,
            UploadKind::SimpleOrders => SIMPLE_ORDER_FIELDS,
            UploadKind::Contacts => CONTACT_FIELDS,
            UploadKind::Orders => ORDER_FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields()
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for UploadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown upload kind `{0}` (expected conversions, calls, simple-orders, contacts, orders)")]
pub struct UnknownKind(pub String);

impl FromStr for UploadKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UploadKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.as_str().replace('-', "_") == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// Whether a column must be present.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The column must exist and every row must fill it.
    Required,
    /// At least one column of this group must exist, and every row must fill at least one.
    OneOfIdentifiers,
    /// May be absent or empty.
    Optional,
}

/// The value format a column expects on the wire.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldFormat {
    /// Free text, sent as is (trimmed).
    #[default]
    Text,
    /// Metrica ClientID / Yclid: decimal digits only, kept as a string.
    DigitsId,
    /// JavaScript-event goal identifier (`offline_paid`).
    GoalId,
    /// Unix time in seconds (offline conversions, calls).
    UnixSeconds,
    /// CRM wall-clock date-time in the counter's time zone (§5.8 formats).
    CrmDateTime,
    /// Decimal with a dot.
    Money,
    /// A number (a `numeric` contact attribute): written as an amount is, a minus allowed.
    Number,
    /// ISO 4217 alpha-3.
    Currency,
    /// Phone for calls: `+` and digits.
    CallPhone,
    /// Whole non-negative number of seconds.
    Seconds,
    /// `0` or `1`.
    Flag,
    /// Comma-joined list of ClientIDs.
    ClientIdList,
    /// Comma-joined list of e-mails, lower case.
    EmailList,
    /// Comma-joined list of phones, digits with country code.
    PhoneList,
    /// Comma-joined list of lower-case 32-hex MD5 hashes.
    Md5List,
    /// Order status: one of the four types, a goal id, or (detailed orders) a mapped status id.
    OrderStatus,
    /// `goal_id[:revenue]` pairs joined by commas.
    GoalList,
    /// `product:qty` pairs joined by commas.
    ProductList,
    /// Only `CONTACT`.
    ClientType,
    /// A calendar date (no documented column uses it today; kept for date attributes).
    Date,
}

/// One column of an upload kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    /// Metrica's column name, in the canonical casing we send.
    pub name: &'static str,
    pub requirement: Requirement,
    pub format: FieldFormat,
}

const fn f(name: &'static str, requirement: Requirement, format: FieldFormat) -> FieldSpec {
    FieldSpec {
        name,
        requirement,
        format,
    }
}

use FieldFormat as F;
use Requirement::{OneOfIdentifiers as Id, Optional as Opt, Required as Req};

/// Reference §4.2 (current single-file format).
pub static CONVERSION_FIELDS: &[FieldSpec] = &[
    f("ClientId", Id, F::DigitsId),
    f("UserId", Id, F::Text),
    f("Yclid", Id, F::DigitsId),
    f("PurchaseId", Id, F::Text),
    f("Target", Req, F::GoalId),
    f("DateTime", Req, F::UnixSeconds),
    f("Price", Opt, F::Money),
    f("Currency", Opt, F::Currency),
];

/// Reference §4.5.
pub static CALL_FIELDS: &[FieldSpec] = &[
    f("ClientId", Id, F::DigitsId),
    f("UserId", Id, F::Text),
    f("Yclid", Id, F::DigitsId),
    f("DateTime", Req, F::UnixSeconds),
    f("StaticCall", Opt, F::Flag),
    f("Price", Opt, F::Money),
    f("Currency", Opt, F::Currency),
    f("PhoneNumber", Opt, F::CallPhone),
    f("TalkDuration", Opt, F::Seconds),
    f("HoldDuration", Opt, F::Seconds),
    f("CallMissed", Opt, F::Flag),
    f("Tag", Opt, F::Text),
    f("FirstTimeCaller", Opt, F::Flag),
    f("URL", Opt, F::Text),
    f("CallTrackerURL", Opt, F::Text),
];

/// Reference §5.2. `id` must be in the header, its cells may be empty.
pub static SIMPLE_ORDER_FIELDS: &[FieldSpec] = &[
    f("id", Opt, F::Text),
    f("create_date_time", Req, F::CrmDateTime),
    f("client_uniq_id", Opt, F::Text),
    f("client_ids", Id, F::ClientIdList),
    f("emails", Id, F::EmailList),
    f("phones", Id, F::PhoneList),
    f("emails_md5", Id, F::Md5List),
    f("phones_md5", Id, F::Md5List),
    f("order_status", Opt, F::OrderStatus),
    f("revenue", Opt, F::Money),
    f("cost", Opt, F::Money),
    f("goals", Opt, F::GoalList),
    f("currency", Opt, F::Currency),
];

/// docs/metrika-api.md §5.3: the documented contact columns only. `birth_date` is not one of
/// them (it appears only in an SDK); other columns are attributes that must exist on the
/// counter.
pub static CONTACT_FIELDS: &[FieldSpec] = &[
    f("uniq_id", Req, F::Text),
    f("name", Opt, F::Text),
    f("create_date_time", Opt, F::CrmDateTime),
    f("update_date_time", Opt, F::CrmDateTime),
    f("client_ids", Opt, F::ClientIdList),
    f("emails", Opt, F::EmailList),
    f("phones", Opt, F::PhoneList),
    f("emails_md5", Opt, F::Md5List),
    f("phones_md5", Opt, F::Md5List),
];

/// Reference §5.4.
pub static ORDER_FIELDS: &[FieldSpec] = &[
    f("id", Req, F::Text),
    f("client_uniq_id", Req, F::Text),
    f("client_type", Req, F::ClientType),
    f("create_date_time", Req, F::CrmDateTime),
    f("update_date_time", Opt, F::CrmDateTime),
    f("finish_date_time", Opt, F::CrmDateTime),
    f("order_status", Req, F::OrderStatus),
    f("revenue", Opt, F::Money),
    f("cost", Opt, F::Money),
    f("products", Opt, F::ProductList),
    f("goals", Opt, F::GoalList),
    f("currency", Opt, F::Currency),
];

/// Metrica's order status types (reference §5.5).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatusType {
    InProgress,
    Paid,
    Cancelled,
    Spam,
    Other,
}

impl OrderStatusType {
    pub const ALL: [OrderStatusType; 5] = [
        OrderStatusType::InProgress,
        OrderStatusType::Paid,
        OrderStatusType::Cancelled,
        OrderStatusType::Spam,
        OrderStatusType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatusType::InProgress => "IN_PROGRESS",
            OrderStatusType::Paid => "PAID",
            OrderStatusType::Cancelled => "CANCELLED",
            OrderStatusType::Spam => "SPAM",
            OrderStatusType::Other => "OTHER",
        }
    }

    /// The four values simple orders accept as a status without any mapping.
    pub fn is_sendable_without_mapping(self) -> bool {
        !matches!(self, OrderStatusType::Other)
    }

    pub fn parse(s: &str) -> Option<Self> {
        OrderStatusType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Whether a string is a valid Metrica status id / attribute name: `^[\w-:]+$`, 1–255 chars,
/// where `\w` is taken as ASCII (Cyrillic CRM statuses must be given Latin ids).
pub fn is_valid_status_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b':')
}

/// CDP `merge_mode` (reference §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MergeMode {
    #[default]
    Save,
    Update,
    Append,
}

impl MergeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMode::Save => "SAVE",
            MergeMode::Update => "UPDATE",
            MergeMode::Append => "APPEND",
        }
    }
}

impl FromStr for MergeMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "SAVE" => Ok(MergeMode::Save),
            "UPDATE" => Ok(MergeMode::Update),
            "APPEND" => Ok(MergeMode::Append),
            _ => Err(format!(
                "unknown merge mode `{s}` (expected SAVE, UPDATE or APPEND)"
            )),
        }
    }
}

/// CDP `delimiter_type` (reference §5.1). Offline conversions and calls are always comma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DelimiterType {
    #[default]
    Comma,
    Semicolon,
}

impl DelimiterType {
    pub fn as_str(self) -> &'static str {
        match self {
            DelimiterType::Comma => "COMMA",
            DelimiterType::Semicolon => "SEMICOLON",
        }
    }
    pub fn byte(self) -> u8 {
        match self {
            DelimiterType::Comma => b',',
            DelimiterType::Semicolon => b';',
        }
    }
}

/// The states of an offline-conversion / calls upload on Metrica's side (reference §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UploadingStatus {
    Prepared,
    Uploaded,
    Exported,
    Matched,
    Processed,
    LinkageFailure,
}

impl UploadingStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            UploadingStatus::Processed | UploadingStatus::LinkageFailure
        )
    }
}

/// The accepted CRM date/time patterns (reference §5.8), in `jiff::fmt::strtime` syntax, with
/// the Metrica spelling beside each. Output always uses [`CRM_DATETIME_OUT`].
pub static CRM_DATETIME_FORMATS: &[(&str, &str)] = &[
    ("dd.MM.yyyy HH:mm:ss", "%d.%m.%Y %H:%M:%S"),
    ("dd.MM.yy HH:mm", "%d.%m.%y %H:%M"),
    ("dd.MM.yyyy HH:mm", "%d.%m.%Y %H:%M"),
    ("dd.MM.yy HH:mm:ss", "%d.%m.%y %H:%M:%S"),
    ("yyyy-MM-dd HH:mm:ss", "%Y-%m-%d %H:%M:%S"),
    ("yyyy-MM-dd HH:mm", "%Y-%m-%d %H:%M"),
];

/// The accepted CRM date-only patterns (reference §5.8).
pub static CRM_DATE_FORMATS: &[(&str, &str)] = &[
    ("dd.MM.yyyy", "%d.%m.%Y"),
    ("dd.MM.yy", "%d.%m.%y"),
    ("yyyy-MM-dd", "%Y-%m-%d"),
];

/// What we write for CRM date-times: `yyyy-MM-dd HH:mm:ss`.
pub const CRM_DATETIME_OUT: &str = "%Y-%m-%d %H:%M:%S";

#[cfg(test)]
mod tests {

    #[test]
    fn contact_fields_are_exactly_the_documented_columns() {
        let names: Vec<&str> = CONTACT_FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "uniq_id",
                "name",
                "create_date_time",
                "update_date_time",
                "client_ids",
                "emails",
                "phones",
                "emails_md5",
                "phones_md5"
            ]
        );
    }

    #[test]
    fn upload_parts_stay_under_a_decimal_gigabyte_with_a_margin() {
        assert_eq!(1_000_000_000 - MAX_UPLOAD_BYTES, 1 << 20);
    }

    use super::*;

    #[test]
    fn kinds_round_trip_through_their_cli_names() {
        for k in UploadKind::ALL {
            assert_eq!(k.as_str().parse::<UploadKind>().unwrap(), k);
        }
        assert!("sales".parse::<UploadKind>().is_err());
    }

    #[test]
    fn status_ids_follow_metrica_pattern() {
        assert!(is_valid_status_id("cancelled_by_client"));
        assert!(is_valid_status_id("stage:won-1"));
        assert!(!is_valid_status_id("Оплачен"));
        assert!(!is_valid_status_id("in work"));
        assert!(!is_valid_status_id(""));
    }

    #[test]
    fn every_kind_has_a_required_column() {
        for k in UploadKind::ALL {
            assert!(
                k.fields()
                    .iter()
                    .any(|f| f.requirement == Requirement::Required),
                "{k}"
            );
        }
    }

    #[test]
    fn currency_list_knows_common_codes_and_not_withdrawn_ones() {
        for c in ["RUB", "USD", "EUR", "KZT", "BYN", "UAH", "CNY", "TRY"] {
            assert!(is_iso_4217(c), "{c}");
        }
        for c in ["RUR", "XYZ", "rub", "руб"] {
            assert!(!is_iso_4217(c), "{c}");
        }
    }
}
