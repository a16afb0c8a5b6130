//! Wire types mirroring the documented JSON (reference §2.9, §3, §4, §5). Unknown fields are
//! ignored and every field that older or newer servers may leave out is optional. Enums that
//! the server may extend carry an `Unknown(String)` catch-all.

use serde::{Deserialize, Deserializer, Serialize};

use mb_schema::OrderStatusType;

/// `GET login.yandex.ru/info?format=json` (§2.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: String,
    pub login: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub default_email: Option<String>,
}

/// Which counters to list (§3.1). `offset` is 1-based.
#[derive(Debug, Clone, Default)]
pub struct CounterQuery {
    pub search: Option<String>,
    pub per_page: Option<u32>,
    pub offset: Option<u32>,
    /// Any of `own`, `view`, `edit` (sent as a comma list).
    pub permission: Vec<String>,
    /// Act on behalf of another login (§3.5).
    pub ulogin: Option<String>,
}

/// One page of `GET /management/v1/counters`; `rows` is the total ignoring paging.
#[derive(Debug, Clone, Deserialize)]
pub struct CountersPage {
    pub rows: u64,
    #[serde(default)]
    pub counters: Vec<Counter>,
}

/// `{"site": "…"}` as in `site2` / `mirrors2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub site: String,
}

/// `offline_options` of a counter (reference §3.2). Documented as booleans, but Yandex serves
/// counter flags of this family as 0/1, so both are read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineOptions {
    #[serde(default, deserialize_with = "bool_or_int")]
    pub offline_conversion_extended_threshold: Option<bool>,
    #[serde(default, deserialize_with = "bool_or_int")]
    pub offline_calls_extended_threshold: Option<bool>,
    #[serde(default, deserialize_with = "bool_or_int")]
    pub offline_visits_extended_threshold: Option<bool>,
}

/// CounterBrief / CounterFull (§3.1/§3.2): the fields this product reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub site2: Option<Site>,
    /// Older responses carry a flat `site` string.
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub owner_login: Option<String>,
    /// `own`, `view`, `edit`, `analyst`, … (kept as text: the set grows).
    #[serde(default)]
    pub permission: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub time_zone_name: Option<String>,
    #[serde(default)]
    pub time_zone_offset: Option<i32>,
    #[serde(default)]
    pub offline_options: Option<OfflineOptions>,
}

impl Counter {
    /// The main site, from `site2.site` or the older flat `site`.
    pub fn site_name(&self) -> Option<&str> {
        self.site2
            .as_ref()
            .map(|s| s.site.as_str())
            .or(self.site.as_deref())
    }
    /// Whether uploads are allowed (owner or guest edit, §3.4).
    pub fn can_upload(&self) -> bool {
        matches!(self.permission.as_deref(), Some("own") | Some("edit"))
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CounterEnvelope {
    pub counter: Counter,
}

/// One goal condition (§3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalCondition {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A goal (§3.3). `is_favorite` and `is_retargeting` arrive as bool or 0/1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: i64,
    // One goal without a name or type must not lose the counter its whole list.
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub conditions: Vec<GoalCondition>,
    #[serde(default)]
    pub default_price: Option<f64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "bool_or_int")]
    pub is_favorite: Option<bool>,
}

impl Goal {
    /// The identifier to put in `Target` / `goals` / statuses, per the goal-picker rule (§3.3):
    /// only `action` goals with an `exact` condition have one.
    pub fn goal_identifier(&self) -> Option<&str> {
        goal_identifier(self)
    }
}

/// §3.3 goal-picker rule: `Some(url)` only for `type == "action"` goals with an `exact`
/// condition; others (contains/regexp JS-event goals, URL goals…) cannot be targeted.
pub fn goal_identifier(goal: &Goal) -> Option<&str> {
    if goal.kind != "action" {
        return None;
    }
    goal.conditions
        .iter()
        .find(|c| c.kind == "exact")
        .and_then(|c| c.url.as_deref())
        .filter(|u| !u.is_empty())
}

fn bool_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
        Str(String),
    }
    Ok(match Option::<B>::deserialize(d)? {
        None => None,
        Some(B::Bool(b)) => Some(b),
        Some(B::Int(i)) => Some(i != 0),
        Some(B::Str(s)) => Some(s == "1" || s.eq_ignore_ascii_case("true")),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct GoalsEnvelope {
    #[serde(default)]
    pub goals: Vec<Goal>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GoalEnvelope {
    pub goal: Goal,
}

/// Legacy `client_id_type` for per-type offline files (§4.1). Omit it for the mixed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClientIdType {
    UserId,
    ClientId,
    Yclid,
}

impl ClientIdType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientIdType::UserId => "USER_ID",
            ClientIdType::ClientId => "CLIENT_ID",
            ClientIdType::Yclid => "YCLID",
        }
    }
}

/// `status` of an offline conversion / calls upload (§4.3), with a catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UploadingStatusWire {
    Prepared,
    Uploaded,
    Exported,
    Matched,
    Processed,
    LinkageFailure,
    Unknown(String),
}

impl UploadingStatusWire {
    pub fn parse(s: &str) -> Self {
        match s {
            "PREPARED" => Self::Prepared,
            "UPLOADED" => Self::Uploaded,
            "EXPORTED" => Self::Exported,
            "MATCHED" => Self::Matched,
            "PROCESSED" => Self::Processed,
            "LINKAGE_FAILURE" => Self::LinkageFailure,
            other => Self::Unknown(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Prepared => "PREPARED",
            Self::Uploaded => "UPLOADED",
            Self::Exported => "EXPORTED",
            Self::Matched => "MATCHED",
            Self::Processed => "PROCESSED",
            Self::LinkageFailure => "LINKAGE_FAILURE",
            Self::Unknown(s) => s,
        }
    }
    /// The shared vocabulary's status, when this is one of the documented values.
    pub fn known(&self) -> Option<mb_schema::UploadingStatus> {
        use mb_schema::UploadingStatus as S;
        Some(match self {
            Self::Prepared => S::Prepared,
            Self::Uploaded => S::Uploaded,
            Self::Exported => S::Exported,
            Self::Matched => S::Matched,
            Self::Processed => S::Processed,
            Self::LinkageFailure => S::LinkageFailure,
            Self::Unknown(_) => return None,
        })
    }
}

impl Serialize for UploadingStatusWire {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UploadingStatusWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

/// `OfflineConversionUploading` (§4.3) and, with the two calls counters, the calls variant
/// (§4.5). Only `id` and `status` are relied upon; the rest may be absent on older servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineConversionUploading {
    pub id: i64,
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub source_quantity: Option<i64>,
    #[serde(default)]
    pub line_quantity: Option<i64>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub client_id_type: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    pub status: UploadingStatusWire,
    #[serde(default)]
    pub goal_not_found_quantity: Option<i64>,
    #[serde(default)]
    pub user_not_found_quantity: Option<i64>,
    #[serde(default)]
    pub linked_quantity: Option<i64>,
    #[serde(default)]
    pub static_calls_quantity: Option<i64>,
    #[serde(default)]
    pub dynamic_calls_quantity: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadingEnvelope<T> {
    pub uploading: T,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadingsEnvelope<T> {
    #[serde(default = "Vec::new")]
    pub uploadings: Vec<T>,
}

/// `api_validation_status` of a CDP upload (§5.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiValidationStatus {
    Passed,
    Failed,
    Unknown(String),
}

/// Absent: not known yet (one item without it must not fail the whole list).
impl Default for ApiValidationStatus {
    fn default() -> Self {
        Self::Unknown(String::new())
    }
}

impl Serialize for ApiValidationStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
            Self::Unknown(x) => x,
        })
    }
}

impl<'de> Deserialize<'de> for ApiValidationStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "PASSED" => Self::Passed,
            "FAILED" => Self::Failed,
            _ => Self::Unknown(s),
        })
    }
}

/// `UploadingMetaExternal` (§5.1): the answer of every CDP upload and the `last_uploadings` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadingMetaExternal {
    pub uploading_id: String,
    #[serde(default)]
    pub datetime: Option<String>,
    #[serde(default)]
    pub api_validation_status: ApiValidationStatus,
    #[serde(default)]
    pub elements_count: Option<u64>,
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub uploading_format: Option<String>,
    #[serde(default)]
    pub uploading_source: Option<String>,
}

impl UploadingMetaExternal {
    /// `datetime` as an instant, read leniently (ISO, or `YYYY-MM-DD HH:MM:SS` taken as UTC).
    pub fn sent_at(&self) -> Option<jiff::Timestamp> {
        self.datetime.as_deref().and_then(parse_instant_lenient)
    }
}

/// One row of the status mapping (§5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatusMapping {
    pub id: String,
    #[serde(default)]
    pub humanized: String,
    #[serde(rename = "type")]
    pub kind: OrderStatusType,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "string_or_vec"
    )]
    pub goal_action_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One doc example shows `goal_action_ids` as a bare string (§10 #19): accept both.
fn string_or_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum SV {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<SV>::deserialize(d)? {
        None => Vec::new(),
        Some(SV::One(s)) => vec![s],
        Some(SV::Many(v)) => v,
    })
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct OrderStatusesEnvelope {
    #[serde(default)]
    pub order_statuses: Vec<OrderStatusMapping>,
}

/// A CRM attribute declared on a counter (§5.6): the columns a contacts or orders file may carry
/// beyond the documented ones. `type_name` is one of `numeric`, `date`, `datetime`, `email`,
/// `text` (predefined types) or a list type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CdpAttribute {
    pub name: String,
    pub type_name: String,
    #[serde(default, deserialize_with = "bool_or_int_default")]
    pub multivalued: bool,
    #[serde(default)]
    pub humanized: String,
}

fn bool_or_int_default<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(bool_or_int(d)?.unwrap_or(false))
}

/// Which CRM entity an attribute belongs to (`entity_type` query parameter, §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdpEntity {
    Contact,
    Order,
    SimpleOrder,
}

impl CdpEntity {
    pub fn as_str(self) -> &'static str {
        match self {
            CdpEntity::Contact => "CONTACT",
            CdpEntity::Order => "ORDER",
            CdpEntity::SimpleOrder => "SIMPLE_ORDER",
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AttributesEnvelope {
    #[serde(default)]
    pub attributes: Vec<CdpAttribute>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SuccessEnvelope {
    #[serde(default)]
    pub success: Option<bool>,
}

/// What a tag lookup found (see `Client::find_upload_by_tag`).
#[derive(Debug, Clone, PartialEq)]
pub enum FoundUpload {
    Offline(OfflineConversionUploading),
    Crm(UploadingMetaExternal),
}

/// Parse an instant from `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` (taken as UTC) or ISO 8601 with
/// an offset. Used for the legacy threshold endpoints (§4.7) and CDP `datetime`.
pub fn parse_instant_lenient(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    let utc = |dt: jiff::civil::DateTime| dt.to_zoned(jiff::tz::TimeZone::UTC).ok();
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return utc(dt).map(|z| z.timestamp());
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = jiff::civil::DateTime::strptime(fmt, s) {
            return utc(dt).map(|z| z.timestamp());
        }
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return utc(d.to_datetime(jiff::civil::Time::midnight())).map(|z| z.timestamp());
    }
    None
}

/// The date part of a lenient date/date-time (`visit_join_threshold`, the date in a
/// "window not open yet" message): ISO forms and `dd.MM.yyyy`.
pub fn parse_date_lenient(s: &str) -> Option<jiff::civil::Date> {
    let t = s.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    if let Ok(d) = jiff::civil::Date::strptime("%d.%m.%Y", t) {
        return Some(d);
    }
    if let Ok(z) = t.parse::<jiff::Zoned>() {
        return Some(z.date());
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return Some(dt.date());
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = jiff::civil::DateTime::strptime(fmt, t) {
            return Some(dt.date());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(kind: &str, cond: &str, url: &str) -> Goal {
        Goal {
            id: 1,
            name: "g".into(),
            kind: kind.into(),
            conditions: vec![GoalCondition {
                kind: cond.into(),
                url: Some(url.into()),
            }],
            default_price: None,
            status: None,
            is_favorite: None,
        }
    }

    #[test]
    fn goal_identifier_only_for_action_goals_with_exact_condition() {
        assert_eq!(
            goal("action", "exact", "offline_paid").goal_identifier(),
            Some("offline_paid")
        );
        assert_eq!(goal("action", "contain", "paid").goal_identifier(), None);
        assert_eq!(goal("url", "exact", "https://x").goal_identifier(), None);
    }

    #[test]
    fn goal_accepts_int_flags_and_ignores_unknown_fields() {
        let g: Goal = serde_json::from_str(
            r#"{"id":312004417,"name":"Оплата","type":"action","default_price":0.0,
               "is_retargeting":0,"goal_source":"user","is_favorite":0,"prev_goal_id":0,
               "status":"Active","conditions":[{"type":"exact","url":"offline_paid"}]}"#,
        )
        .unwrap();
        assert_eq!(g.is_favorite, Some(false));
        assert_eq!(g.goal_identifier(), Some("offline_paid"));
    }

    #[test]
    fn offline_options_read_booleans_and_zero_one() {
        let c: Counter = serde_json::from_str(
            r#"{"id":1,"offline_options":{"offline_conversion_extended_threshold":1,
               "offline_calls_extended_threshold":0,"offline_visits_extended_threshold":false}}"#,
        )
        .unwrap();
        let o = c.offline_options.unwrap();
        assert_eq!(o.offline_conversion_extended_threshold, Some(true));
        assert_eq!(o.offline_calls_extended_threshold, Some(false));
        assert_eq!(o.offline_visits_extended_threshold, Some(false));
    }

    #[test]
    fn uploading_reads_old_seven_field_objects_and_unknown_statuses() {
        let u: OfflineConversionUploading = serde_json::from_str(
            r#"{"id":5,"create_time":"2022-12-29T18:02:01Z","source_quantity":1,
               "line_quantity":1,"comment":"x","client_id_type":"CLIENT_ID","status":"NEW_ONE"}"#,
        )
        .unwrap();
        assert_eq!(u.status, UploadingStatusWire::Unknown("NEW_ONE".into()));
        assert_eq!(u.linked_quantity, None);
    }

    #[test]
    fn status_mapping_accepts_a_bare_goal_string() {
        let m: OrderStatusMapping = serde_json::from_str(
            r#"{"id":"paid","humanized":"Оплачен","type":"PAID","goal_action_ids":"oplata"}"#,
        )
        .unwrap();
        assert_eq!(m.goal_action_ids, vec!["oplata".to_string()]);
    }

    #[test]
    fn lenient_dates_accept_three_shapes() {
        let d = jiff::civil::date(2026, 11, 1);
        assert_eq!(parse_date_lenient("2026-11-01"), Some(d));
        assert_eq!(parse_date_lenient("2026-11-01 10:20:30"), Some(d));
        assert_eq!(parse_date_lenient("2026-11-01T10:20:30Z"), Some(d));
        assert_eq!(parse_date_lenient("2026-11-01T10:20:30+03:00"), Some(d));
        assert_eq!(parse_date_lenient("01.11.2026"), Some(d));
        assert_eq!(parse_date_lenient("yesterday"), None);
    }

    #[test]
    fn lenient_instants_read_cdp_datetimes() {
        let want: jiff::Timestamp = "2026-11-22T07:16:40Z".parse().unwrap();
        assert_eq!(parse_instant_lenient("2026-11-22T07:16:40Z"), Some(want));
        assert_eq!(parse_instant_lenient("2026-11-22 07:16:40"), Some(want));
    }
}
