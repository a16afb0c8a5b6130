//! The fake's in-memory world: users, counters, goals, visitors, uploads, CRM records, OAuth
//! grants and the request log, plus their JSON renderings (§3, §4.3, §5.1) and the read-only
//! [`StateView`] tests use. It does not validate requests or decide HTTP answers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde_json::{Value, json};

/// Access level of a login on a counter (§3.1 `permission`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    Own,
    Edit,
    View,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Own => "own",
            Permission::Edit => "edit",
            Permission::View => "view",
        }
    }
    pub fn can_write(self) -> bool {
        matches!(self, Permission::Own | Permission::Edit)
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub login: String,
    pub uid: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    /// Logins this user is a representative («представитель») of (§3.5 accounts).
    pub represents: Vec<(String, Timestamp)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub kind: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub conditions: Vec<Condition>,
    pub default_price: f64,
    pub goal_source: String,
}

impl Goal {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "name": self.name, "type": self.kind,
            "default_price": self.default_price, "is_retargeting": 0,
            "goal_source": self.goal_source, "is_favorite": 0, "prev_goal_id": 0,
            "status": "Active",
            "conditions": self.conditions.iter()
                .map(|c| json!({"type": c.kind, "url": c.url})).collect::<Vec<_>>(),
        })
    }

    /// The JavaScript-event identifier this goal can be targeted with (§3.3), if any.
    pub fn exact_action_id(&self) -> Option<&str> {
        if self.kind != "action" {
            return None;
        }
        self.conditions
            .iter()
            .find(|c| c.kind == "exact")
            .map(|c| c.url.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderStatus {
    pub id: String,
    pub humanized: String,
    pub kind: String,
    pub goal_action_ids: Vec<String>,
}

impl OrderStatus {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "humanized": self.humanized, "type": self.kind,
               "goal_action_ids": self.goal_action_ids, "source": "USER"})
    }
}

#[derive(Clone, Debug)]
pub struct Counter {
    pub id: u64,
    pub name: String,
    pub site: String,
    pub owner_login: String,
    pub time_zone_name: String,
    pub create_time: Timestamp,
    pub favorite: bool,
    /// login → access; the owner is listed with `Own`.
    pub grants: BTreeMap<String, Permission>,
    pub goals: Vec<Goal>,
    /// When the extended (21-day) window was switched on, if it is on.
    pub extended_threshold_since: Option<Timestamp>,
    pub calls_extended_threshold_since: Option<Timestamp>,
    /// Offline uploads are refused until then with Yandex's «Загрузить данные сейчас
    /// невозможно. Загрузка станет доступна dd.MM.yyyy» (reference §4.7).
    pub uploads_open_at: Option<Timestamp>,
    /// Serve `offline_options` as 0/1 instead of booleans, as Yandex does for counter flags
    /// of this family (reference §3.2).
    pub offline_options_as_ints: bool,
    pub order_statuses: Vec<OrderStatus>,
    pub attributes: Vec<Value>,
}

impl Counter {
    /// The day uploads open, in the counter's zone, while they are still closed at `now`.
    pub fn uploads_closed_until(&self, now: Timestamp) -> Option<jiff::civil::Date> {
        let at = self.uploads_open_at.filter(|t| *t > now)?;
        let tz = jiff::tz::TimeZone::get(&self.time_zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
        Some(at.to_zoned(tz).date())
    }

    /// The earliest moment an offline conversion (or call) can link to a visit, in the
    /// counter's zone, from the start of that day: 21 days back when the extended window has
    /// been on that long, the day it was switched on when later (it grows from then), today
    /// when it is off (a visit can be amended for hours only). `visit_join_threshold` answers
    /// this day and processing links nothing earlier (reference §4.7).
    pub fn links_from(&self, now: Timestamp, calls: bool) -> Timestamp {
        let since = if calls {
            self.calls_extended_threshold_since
        } else {
            self.extended_threshold_since
        };
        let window_start = now
            .checked_sub(jiff::SignedDuration::from_hours(21 * 24))
            .unwrap_or(now);
        let from = since.map_or(now, |s| s.max(window_start));
        let tz = jiff::tz::TimeZone::get(&self.time_zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
        from.to_zoned(tz)
            .start_of_day()
            .map_or(from, |z| z.timestamp())
    }

    pub fn goal_ids(&self) -> HashSet<String> {
        self.goals
            .iter()
            .filter_map(|g| g.exact_action_id().map(str::to_string))
            .collect()
    }

    fn offset_minutes(&self, now: Timestamp) -> i64 {
        jiff::tz::TimeZone::get(&self.time_zone_name)
            .map(|tz| i64::from(tz.to_offset(now).seconds()) / 60)
            .unwrap_or(0)
    }

    pub fn brief_json(&self, perm: Permission, now: Timestamp, with_goals: bool) -> Value {
        let mut v = json!({
            "id": self.id, "name": self.name, "site2": {"site": self.site}, "mirrors2": [],
            "owner_login": self.owner_login, "permission": perm.as_str(), "status": "Active",
            "type": "simple", "activity_status": "high", "favorite": self.favorite,
            "create_time": fmt_time(self.create_time), "time_zone_name": self.time_zone_name,
            "time_zone_offset": self.offset_minutes(now), "gdpr_agreement_accepted": true,
            "code_status": "CS_OK",
        });
        if with_goals {
            v["goals"] = self.goals.iter().map(Goal::to_json).collect();
        }
        v
    }

    pub fn full_json(&self, perm: Permission, now: Timestamp, with_goals: bool) -> Value {
        let mut v = self.brief_json(perm, now, with_goals);
        v["code"] = json!(format!(
            "<!-- Yandex.Metrika counter -->\n<script>ym({}, \"init\", {{}});</script>",
            self.id
        ));
        v["update_time"] = json!(fmt_time(self.create_time));
        v["filter_robots"] = json!(1);
        v["visit_threshold"] = json!(1800);
        v["autogoals_enabled"] = json!(true);
        v["counter_flags"] = json!({
            "use_in_benchmarks": true, "direct_allow_use_goals_without_access": false,
            "collect_first_party_data": true, "measurement_enabled": false,
        });
        let flag = |on: bool| {
            if self.offline_options_as_ints {
                json!(u8::from(on))
            } else {
                json!(on)
            }
        };
        v["offline_options"] = json!({
            "offline_conversion_extended_threshold": flag(self.extended_threshold_since.is_some()),
            "offline_calls_extended_threshold": flag(self.calls_extended_threshold_since.is_some()),
            "offline_visits_extended_threshold": flag(false),
        });
        v
    }
}

/// `type` of an offline upload (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadType {
    Basic,
    Calls,
    Chats,
}

impl UploadType {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadType::Basic => "BASIC",
            UploadType::Calls => "CALLS",
            UploadType::Chats => "CHATS",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "BASIC" => Some(UploadType::Basic),
            "CALLS" => Some(UploadType::Calls),
            "CHATS" => Some(UploadType::Chats),
            _ => None,
        }
    }
}

/// One stored offline-conversion or calls upload (§4.3, §4.5).
#[derive(Clone, Debug)]
pub struct Uploading {
    pub id: i64,
    pub counter_id: u64,
    pub kind: UploadType,
    pub create_time: Timestamp,
    pub comment: Option<String>,
    pub client_id_type: Option<String>,
    pub source_quantity: u64,
    pub line_quantity: u64,
    pub linked_quantity: u64,
    pub user_not_found_quantity: u64,
    pub goal_not_found_quantity: u64,
    pub static_calls_quantity: u64,
    pub dynamic_calls_quantity: u64,
    /// Rows whose visitor identifier matched a known visitor (whatever their goal). None
    /// matched → `LINKAGE_FAILURE` (§4.3: "no visitor identifier could be matched").
    pub identifiers_matched: u64,
    /// Seeded history keeps a fixed status; fresh uploads progress with time.
    pub frozen_status: Option<&'static str>,
    /// Bytes of the uploaded file.
    pub file_bytes: u64,
    /// The stored file, kept for [`StateView::upload_rows`] when small enough.
    pub file: Option<Arc<tempfile::TempPath>>,
}

/// Seconds (after scaling) an upload spends in each state before the next.
pub const STATE_STEP_SECS: f64 = 60.0;

impl Uploading {
    pub fn status(&self, now: Timestamp, time_scale: f64) -> &'static str {
        if let Some(s) = self.frozen_status {
            return s;
        }
        let elapsed = (now.as_millisecond() - self.create_time.as_millisecond()) as f64 / 1000.0;
        let steps = (elapsed * time_scale / STATE_STEP_SECS).floor();
        if steps < 1.0 {
            "UPLOADED"
        } else if steps < 2.0 {
            "EXPORTED"
        } else if steps < 3.0 {
            "MATCHED"
        } else if self.identifiers_matched == 0 {
            "LINKAGE_FAILURE"
        } else {
            "PROCESSED"
        }
    }

    pub fn to_json(&self, now: Timestamp, time_scale: f64) -> Value {
        let status = self.status(now, time_scale);
        // Matching results are only known once identifiers have been matched.
        let known = matches!(status, "MATCHED" | "PROCESSED" | "LINKAGE_FAILURE");
        let q = |n: u64| if known { n } else { 0 };
        let mut v = json!({
            "id": self.id, "create_time": fmt_time(self.create_time),
            "source_quantity": self.source_quantity, "line_quantity": self.line_quantity,
            "type": self.kind.as_str(), "status": status,
            "goal_not_found_quantity": q(self.goal_not_found_quantity),
            "user_not_found_quantity": q(self.user_not_found_quantity),
            "linked_quantity": q(self.linked_quantity),
        });
        if let Some(c) = &self.comment {
            v["comment"] = json!(c);
        }
        if let Some(t) = &self.client_id_type {
            v["client_id_type"] = json!(t);
        }
        if self.kind == UploadType::Calls {
            v["static_calls_quantity"] = json!(self.static_calls_quantity);
            v["dynamic_calls_quantity"] = json!(self.dynamic_calls_quantity);
        }
        v
    }
}

/// A conversion as stored after deduplication on (identifier, Target, DateTime).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredConversion {
    /// `ClientId`, `UserId`, `Yclid` or `PurchaseId` — the identifier used for matching.
    pub id_kind: &'static str,
    pub id_value: String,
    pub target: String,
    pub date_time: i64,
    /// `None` when absent or when the currency was not recognised (§4.2).
    pub price: Option<String>,
    pub currency: Option<String>,
    pub upload_id: i64,
}

/// One CDP upload (§5.1 `UploadingMetaExternal`).
#[derive(Clone, Debug)]
pub struct CdpUploading {
    pub uploading_id: String,
    pub counter_id: u64,
    pub datetime: Timestamp,
    pub passed: bool,
    pub elements_count: u64,
    pub entity_type: &'static str,
    pub format: &'static str,
    /// `simple_orders`, `contacts` or `orders` (not on the wire).
    pub endpoint: &'static str,
    /// Why it failed (not on the wire; for tests).
    pub problems: Vec<String>,
    pub(crate) seq: u64,
}

impl CdpUploading {
    pub fn to_json(&self) -> Value {
        json!({
            "uploading_id": self.uploading_id, "datetime": fmt_time(self.datetime),
            "api_validation_status": if self.passed { "PASSED" } else { "FAILED" },
            "elements_count": self.elements_count, "entity_type": self.entity_type,
            "uploading_format": self.format, "uploading_source": "API",
        })
    }
}

/// A CRM record: attribute → value (multi-values comma-joined).
pub type CrmRecord = BTreeMap<String, String>;

/// Known visitors: identifiers that link (§8 "seeded set of known ClientIds/UserIds").
#[derive(Clone, Debug, Default)]
pub struct Visitors {
    pub client_ids: HashSet<String>,
    pub user_ids: HashSet<String>,
    pub yclids: HashSet<String>,
    pub purchase_ids: HashSet<String>,
}

impl Visitors {
    pub fn knows(&self, kind: &str, value: &str) -> bool {
        match kind {
            "ClientId" => self.client_ids.contains(value),
            "UserId" => self.user_ids.contains(value),
            "Yclid" => self.yclids.contains(value),
            "PurchaseId" => self.purchase_ids.contains(value),
            _ => false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct TokenRec {
    pub login: String,
    pub client_id: String,
    pub scope: Vec<String>,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub refresh_token: String,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub struct AuthCode {
    pub login: String,
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub challenge: Option<(String, String)>,
    pub scope: Vec<String>,
    pub expires_at: Timestamp,
    pub used: bool,
}

#[derive(Clone, Debug)]
pub struct DeviceGrant {
    pub user_code: String,
    pub login: String,
    pub scope: Vec<String>,
    pub expires_at: Timestamp,
    pub polls: u32,
    pub last_poll: Option<Timestamp>,
    pub used: bool,
}

/// One logged request (Authorization and Cookie headers removed).
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub at: Timestamp,
}

/// Deduplication key: (identifier kind, identifier, Target, DateTime).
pub type ConversionKey = (String, String, String, i64);
/// A counter's conversions after deduplication.
pub type ConversionStore = BTreeMap<ConversionKey, StoredConversion>;

#[derive(Debug, Default)]
pub struct Data {
    pub users: BTreeMap<String, User>,
    pub counters: BTreeMap<u64, Counter>,
    pub visitors: Visitors,
    pub uploads: BTreeMap<i64, Uploading>,
    pub next_upload_id: i64,
    pub next_goal_id: i64,
    pub conversions: HashMap<u64, ConversionStore>,
    pub cdp_uploads: Vec<CdpUploading>,
    pub cdp_seq: u64,
    pub contacts: HashMap<u64, BTreeMap<String, CrmRecord>>,
    pub simple_orders: HashMap<u64, Vec<CrmRecord>>,
    pub orders: HashMap<u64, BTreeMap<String, CrmRecord>>,
    pub tokens: HashMap<String, TokenRec>,
    pub refresh: HashMap<String, String>,
    pub codes: HashMap<String, AuthCode>,
    pub devices: HashMap<String, DeviceGrant>,
}

impl Data {
    /// The permission `login` has on counter `id` (`None` when it has none).
    pub fn permission(&self, id: u64, login: &str) -> Option<Permission> {
        self.counters.get(&id)?.grants.get(login).copied()
    }
}

/// `2026-11-22T07:15:02Z`, the format of `create_time` and `datetime` (§4.3, §5.1).
pub fn fmt_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Shared state handle (crate-internal).
pub(crate) type SharedData = Arc<Mutex<Data>>;

/// Token facts without the token itself (a token never appears in Debug output).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenInfo {
    pub login: String,
    pub client_id: String,
    pub scope: Vec<String>,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked: bool,
}

/// Read access to the fake's state, for assertions.
#[derive(Clone)]
pub struct StateView {
    pub(crate) data: SharedData,
    pub(crate) log: Arc<Mutex<Vec<LoggedRequest>>>,
    pub(crate) clock: crate::clock::Clock,
    pub(crate) time_scale: f64,
    pub(crate) faults: Arc<crate::faults::Faults>,
}

impl std::fmt::Debug for StateView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateView { .. }")
    }
}

impl StateView {
    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Offline uploads (conversions and calls) this server received for a counter, oldest
    /// first. Seeded history is left out (see [`StateView::all_uploads`]).
    pub fn uploads(&self, counter_id: u64) -> Vec<Uploading> {
        self.data()
            .uploads
            .values()
            .filter(|u| u.counter_id == counter_id && u.frozen_status.is_none())
            .cloned()
            .collect()
    }

    /// Every offline upload of a counter, seeded history included, oldest first.
    pub fn all_uploads(&self, counter_id: u64) -> Vec<Uploading> {
        self.data()
            .uploads
            .values()
            .filter(|u| u.counter_id == counter_id)
            .cloned()
            .collect()
    }

    /// One upload as the API would render it now.
    pub fn upload_json(&self, upload_id: i64) -> Option<Value> {
        let now = self.clock.now();
        self.data()
            .uploads
            .get(&upload_id)
            .map(|u| u.to_json(now, self.time_scale))
    }

    /// The data rows of a stored upload (header first), re-read from its kept file.
    /// `None` if the upload is unknown or too large to have been kept.
    pub fn upload_rows(&self, upload_id: i64) -> Option<Vec<Vec<String>>> {
        let path = self.data().uploads.get(&upload_id)?.file.clone()?;
        let f = std::fs::File::open(&*path).ok()?;
        let mut r = crate::csvread::StrictReader::new(std::io::BufReader::new(f), b',');
        let mut rec = crate::csvread::Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec).ok()? {
            out.push(
                (0..rec.len())
                    .map(|i| String::from_utf8_lossy(rec.get(i).unwrap_or_default()).into_owned())
                    .collect(),
            );
        }
        Some(out)
    }

    /// Conversions stored for a counter after deduplication.
    pub fn conversions(&self, counter_id: u64) -> Vec<StoredConversion> {
        self.data()
            .conversions
            .get(&counter_id)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// CDP uploads of a counter, oldest first.
    pub fn cdp_uploads(&self, counter_id: u64) -> Vec<CdpUploading> {
        self.data()
            .cdp_uploads
            .iter()
            .filter(|u| u.counter_id == counter_id)
            .cloned()
            .collect()
    }

    pub fn contacts(&self, counter_id: u64) -> BTreeMap<String, CrmRecord> {
        self.data()
            .contacts
            .get(&counter_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn simple_orders(&self, counter_id: u64) -> Vec<CrmRecord> {
        self.data()
            .simple_orders
            .get(&counter_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn orders(&self, counter_id: u64) -> BTreeMap<String, CrmRecord> {
        self.data()
            .orders
            .get(&counter_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn goals(&self, counter_id: u64) -> Vec<Goal> {
        self.data()
            .counters
            .get(&counter_id)
            .map(|c| c.goals.clone())
            .unwrap_or_default()
    }

    pub fn order_statuses(&self, counter_id: u64) -> Vec<OrderStatus> {
        self.data()
            .counters
            .get(&counter_id)
            .map(|c| c.order_statuses.clone())
            .unwrap_or_default()
    }

    /// Every counter id, ascending.
    pub fn counter_ids(&self) -> Vec<u64> {
        self.data().counters.keys().copied().collect()
    }

    pub fn counter(&self, counter_id: u64) -> Option<Counter> {
        self.data().counters.get(&counter_id).cloned()
    }

    /// Logins seeded in the fake.
    pub fn logins(&self) -> Vec<String> {
        self.data().users.keys().cloned().collect()
    }

    /// Tokens issued so far (without their values).
    pub fn tokens_issued(&self) -> Vec<TokenInfo> {
        let d = self.data();
        let mut v: Vec<_> = d
            .tokens
            .iter()
            .map(|(tok, t)| TokenInfo {
                login: t.login.clone(),
                client_id: t.client_id.clone(),
                scope: t.scope.clone(),
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                revoked: t.revoked
                    || self.faults.token_kill(tok) == Some(crate::faults::TokenKill::Revoked),
            })
            .collect();
        v.sort_by_key(|t| t.issued_at);
        v
    }

    /// Tokens revoked (by `/oauth/revoke_token` or a fault).
    pub fn tokens_revoked(&self) -> Vec<TokenInfo> {
        self.tokens_issued()
            .into_iter()
            .filter(|t| t.revoked)
            .collect()
    }

    /// Whether Metrica would accept `token` now.
    pub fn token_is_valid(&self, token: &str) -> bool {
        let now = self.clock.now();
        self.faults.token_kill(token).is_none()
            && self
                .data()
                .tokens
                .get(token)
                .is_some_and(|t| !t.revoked && t.expires_at > now)
    }

    /// Every request so far (method, path, query, headers without Authorization/Cookie).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
