//! Management API endpoints other than uploads (§3, §4.7): counters (paging, search,
//! permission filter, `ulogin`), one counter, goals (list, one, create with validation),
//! accounts, and the legacy linking-window endpoints. Also the shared helpers every Metrica
//! handler uses (query parsing, counter access). Upload endpoints live in `offline`.

use axum::Json;
use axum::Router;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ErrorType};
use crate::guard::Caller;
use crate::state::{Condition, Goal, Permission};
use crate::{App, offline};

pub(crate) type ApiResult = Result<Json<Value>, ApiError>;

pub(crate) fn routes() -> Router<App> {
    let oc = "/management/v1/counter/{id}/offline_conversions";
    Router::new()
        .route("/management/v1/counters", get(counters))
        .route("/management/v1/counter/{id}", get(counter))
        .route(
            "/management/v1/counter/{id}/goals",
            get(goals).post(create_goal),
        )
        .route(
            "/management/v1/counter/{id}/goal/{goal_id}",
            get(one_goal).put(update_goal).delete(delete_goal),
        )
        .route("/management/v1/accounts", get(accounts))
        .route(&format!("{oc}/upload"), post(offline::upload_conversions))
        .route(&format!("{oc}/uploadings"), get(offline::list_conversions))
        .route(
            &format!("{oc}/uploading/{{uid}}"),
            get(offline::one_conversion),
        )
        .route(&format!("{oc}/upload_calls"), post(offline::upload_calls))
        .route(&format!("{oc}/calls_uploadings"), get(offline::list_calls))
        .route(
            &format!("{oc}/calls_uploading/{{uid}}"),
            get(offline::one_call),
        )
        .route(
            &format!("{oc}/extended_threshold"),
            post(enable_threshold).delete(disable_threshold),
        )
        .route(
            &format!("{oc}/calls_extended_threshold"),
            post(enable_calls_threshold).delete(disable_calls_threshold),
        )
        .route(
            &format!("{oc}/visit_join_threshold"),
            get(visit_join_threshold),
        )
        .route(
            &format!("{oc}/calls_visit_join_threshold"),
            get(calls_visit_join_threshold),
        )
}

/// Query parameters in order (repeated keys kept).
pub(crate) fn params(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn param<'a>(p: &'a [(String, String)], key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Parses an integer parameter within `min..=max`, 400 `invalid_parameter` otherwise.
pub(crate) fn int_param(
    p: &[(String, String)],
    key: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ApiError> {
    match param(p, key) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                ApiError::invalid(format!("Некорректное значение параметра {key}: {v}"))
            }),
    }
}

/// What a handler needs on a counter.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Read settings/lists (any permission, `metrika:read`).
    Read,
    /// Upload data (own/edit, `metrika:write` or `metrika:offline_data`).
    Upload,
    /// Change settings or goals (own/edit, `metrika:write`).
    Manage,
}

/// Checks the counter exists and `caller` may do `need` on it; returns its id.
pub(crate) fn counter_access(
    app: &App,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<u64, ApiError> {
    let cid: u64 = id
        .parse()
        .map_err(|_| ApiError::invalid(format!("Некорректный номер счётчика: {id}")))?;
    let d = app.data();
    if !d.counters.contains_key(&cid) {
        return Err(ApiError::not_found(format!(
            "Object with id = {cid} not found"
        )));
    }
    let perm = d
        .permission(cid, &caller.acting)
        .ok_or_else(ApiError::access_denied)?;
    let ok = match need {
        Need::Read => caller.can_read(),
        Need::Upload => perm.can_write() && caller.can_upload(),
        Need::Manage => perm.can_write() && caller.can_manage(),
    };
    if ok {
        Ok(cid)
    } else {
        Err(ApiError::access_denied())
    }
}

/// Reads a JSON body (≤ 64 MiB), 400 `invalid_json` when malformed.
pub(crate) async fn json_body(req: Request) -> Result<Value, ApiError> {
    let bytes = axum::body::to_bytes(req.into_body(), 64 << 20)
        .await
        .map_err(|_| {
            ApiError::new(
                ErrorType::InvalidJson,
                "Слишком большое или оборванное тело",
            )
        })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(ErrorType::InvalidJson, format!("Некорректный JSON: {e}")))
}

fn fields_include_goals(p: &[(String, String)]) -> bool {
    param(p, "field").is_some_and(|f| f.split(',').any(|x| x.trim() == "goals"))
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

async fn counters(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = params(&q);
    if !caller.can_read() {
        return Err(ApiError::access_denied());
    }
    let per_page = int_param(&p, "per_page", 1000, 1, 100_000)? as usize;
    let offset = int_param(&p, "offset", 1, 1, i64::from(i32::MAX))? as usize;
    let mut perms: Option<Vec<Permission>> = None;
    if let Some(list) = param(&p, "permission") {
        let mut v = Vec::new();
        for s in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            v.push(match s {
                "own" => Permission::Own,
                "edit" => Permission::Edit,
                "view" => Permission::View,
                "analyst" | "view_access_filter" | "analyst_access_filter" => continue,
                other => {
                    return Err(ApiError::invalid(format!(
                        "Некорректное значение permission: {other}"
                    )));
                }
            });
        }
        // An empty `permission=` (sent by default by a widely used Python client) means no
        // filter, never an empty list (reference §3.1).
        if !v.is_empty() {
            perms = Some(v);
        }
    }
    let status = param(&p, "status").unwrap_or("Active");
    if status != "Active" && status != "Deleted" {
        return Err(ApiError::invalid(format!(
            "Некорректное значение status: {status}"
        )));
    }
    let favorite = match param(&p, "favorite") {
        None => None,
        Some(v) => Some(parse_bool(v).ok_or_else(|| ApiError::invalid("Некорректное favorite"))?),
    };
    let ids: Option<Vec<u64>> = param(&p, "counter_ids")
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect());
    let search = param(&p, "search_string")
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let with_goals = fields_include_goals(&p);
    let now = app.now();
    let d = app.data();
    let mut matched: Vec<(&crate::state::Counter, Permission)> = d
        .counters
        .values()
        .filter_map(|c| c.grants.get(&caller.acting).map(|perm| (c, *perm)))
        .filter(|(_, perm)| perms.as_ref().is_none_or(|v| v.contains(perm)))
        .filter(|_| status == "Active")
        .filter(|(c, _)| favorite != Some(true) || c.favorite)
        .filter(|(c, _)| ids.as_ref().is_none_or(|v| v.contains(&c.id)))
        .filter(|(c, _)| {
            search.as_ref().is_none_or(|s| {
                c.id.to_string() == *s
                    || c.name.to_lowercase().contains(s)
                    || c.site.to_lowercase().contains(s)
            })
        })
        .collect();
    if param(&p, "sort") == Some("Name") {
        matched.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    }
    let rows = matched.len();
    let page: Vec<Value> = matched
        .into_iter()
        .skip(offset - 1)
        .take(per_page)
        .map(|(c, perm)| c.brief_json(perm, now, with_goals))
        .collect();
    Ok(Json(json!({"rows": rows, "counters": page})))
}

async fn counter(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let p = params(&q);
    let now = app.now();
    let d = app.data();
    let perm = d
        .permission(cid, &caller.acting)
        .unwrap_or(Permission::View);
    Ok(Json(
        json!({"counter": d.counters[&cid].full_json(perm, now, fields_include_goals(&p))}),
    ))
}

async fn goals(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let d = app.data();
    let goals: Vec<Value> = d.counters[&cid].goals.iter().map(Goal::to_json).collect();
    Ok(Json(json!({"goals": goals})))
}

async fn one_goal(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((id, goal_id)): Path<(String, String)>,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Read)?;
    let d = app.data();
    let g = goal_id
        .parse::<i64>()
        .ok()
        .and_then(|gid| d.counters[&cid].goals.iter().find(|g| g.id == gid))
        .ok_or_else(|| ApiError::not_found(format!("Object with id = {goal_id} not found")))?;
    Ok(Json(json!({"goal": g.to_json()})))
}

/// `PUT …/goal/{goalId}` with `{"goal": Goal}`: replaces the goal's name, type, conditions
/// and price; answers `{"goal": Goal}` (reference §3.3).
async fn update_goal(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((id, goal_id)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Manage)?;
    let body = json_body(req).await?;
    let (name, kind, conditions, default_price) = validate_goal(&body)?;
    let mut d = app.data();
    let c = d
        .counters
        .get_mut(&cid)
        .ok_or_else(|| ApiError::not_found("Entity not found"))?;
    let g = goal_id
        .parse::<i64>()
        .ok()
        .and_then(|gid| c.goals.iter_mut().find(|g| g.id == gid))
        .ok_or_else(|| ApiError::not_found(format!("Object with id = {goal_id} not found")))?;
    g.name = name;
    g.kind = kind;
    g.conditions = conditions;
    g.default_price = default_price;
    Ok(Json(json!({"goal": g.to_json()})))
}

/// `DELETE …/goal/{goalId}`: 200 `{"success": true}` (reference §3.3; any other status means
/// "not deleted", §1).
async fn delete_goal(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((id, goal_id)): Path<(String, String)>,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Manage)?;
    let mut d = app.data();
    let c = d
        .counters
        .get_mut(&cid)
        .ok_or_else(|| ApiError::not_found("Entity not found"))?;
    let before = c.goals.len();
    if let Ok(gid) = goal_id.parse::<i64>() {
        c.goals.retain(|g| g.id != gid);
    }
    if c.goals.len() == before {
        return Err(ApiError::not_found(format!(
            "Object with id = {goal_id} not found"
        )));
    }
    Ok(Json(json!({"success": true})))
}

const GOAL_TYPES: [&str; 13] = [
    "url",
    "number",
    "step",
    "action",
    "phone",
    "email",
    "payment_system",
    "messenger",
    "file",
    "search",
    "social",
    "visit_duration",
    "ecommerce",
];
const CONDITION_TYPES: [&str; 13] = [
    "contain",
    "exact",
    "start",
    "regexp",
    "action",
    "messenger",
    "all_files",
    "file",
    "search",
    "all_social",
    "social",
    "regexp_action",
    "contain_action",
];
/// Per-counter goal limit (the documented error exists; the number is folklore, §3.3).
pub(crate) const GOAL_LIMIT: usize = 200;

fn validate_goal(v: &Value) -> Result<(String, String, Vec<Condition>, f64), ApiError> {
    let g = v
        .get("goal")
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::missing("goal"))?;
    let name = g
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(ApiError::invalid(
            "Название цели обязательно (1–255 символов)",
        ));
    }
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    if !GOAL_TYPES.contains(&kind) {
        return Err(ApiError::invalid(format!("Некорректный тип цели: {kind}")));
    }
    let mut conditions = Vec::new();
    if let Some(cs) = g.get("conditions") {
        let arr = cs
            .as_array()
            .ok_or_else(|| ApiError::invalid("conditions должен быть массивом"))?;
        for c in arr {
            let ct = c.get("type").and_then(Value::as_str).unwrap_or("");
            if !CONDITION_TYPES.contains(&ct) {
                return Err(ApiError::invalid(format!("Некорректный тип условия: {ct}")));
            }
            let url = c
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if url.is_empty() {
                return Err(ApiError::invalid("Условие цели без значения url"));
            }
            if kind == "action" && url.chars().any(|ch| "/\\&#?=\"".contains(ch)) {
                return Err(ApiError::invalid(format!(
                    "Идентификатор цели содержит недопустимые символы: {url}"
                )));
            }
            conditions.push(Condition {
                kind: ct.to_string(),
                url,
            });
        }
    }
    if matches!(kind, "url" | "action") && conditions.is_empty() {
        return Err(ApiError::invalid(
            "Для цели этого типа нужны условия (conditions)",
        ));
    }
    let price = match g.get("default_price") {
        None | Some(Value::Null) => 0.0,
        Some(p) => p
            .as_f64()
            .ok_or_else(|| ApiError::invalid("default_price должен быть числом"))?,
    };
    Ok((name, kind.to_string(), conditions, price))
}

async fn create_goal(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult {
    let cid = counter_access(&app, &caller, &id, Need::Manage)?;
    let body = json_body(req).await?;
    let (name, kind, conditions, default_price) = validate_goal(&body)?;
    let mut d = app.data();
    let gid = d.next_goal_id;
    let c = d
        .counters
        .get_mut(&cid)
        .ok_or_else(|| ApiError::not_found("Счётчик не найден"))?;
    if c.goals.len() >= GOAL_LIMIT {
        return Err(ApiError::new(
            ErrorType::LimitExceeded,
            "Превышен лимит целей.",
        ));
    }
    let goal = Goal {
        id: gid,
        name,
        kind,
        conditions,
        default_price,
        goal_source: "user".into(),
    };
    let out = goal.to_json();
    c.goals.push(goal);
    d.next_goal_id += 1;
    Ok(Json(json!({"goal": out})))
}

async fn accounts(State(app): State<App>, Extension(caller): Extension<Caller>) -> ApiResult {
    let d = app.data();
    let accounts: Vec<Value> = d
        .users
        .get(&caller.login)
        .map(|u| {
            u.represents
                .iter()
                .map(|(l, at)| json!({"user_login": l, "created_at": crate::state::fmt_time(*at)}))
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(json!({"accounts": accounts})))
}

fn threshold_404(app: &App) -> Result<(), ApiError> {
    if app.faults.thresholds_are_404() {
        Err(ApiError::not_found("Метод не найден"))
    } else {
        Ok(())
    }
}

fn set_threshold(app: &App, caller: &Caller, id: &str, calls: bool, on: bool) -> ApiResult {
    threshold_404(app)?;
    let cid = counter_access(app, caller, id, Need::Manage)?;
    let now = app.now();
    let mut d = app.data();
    let c = d
        .counters
        .get_mut(&cid)
        .ok_or_else(|| ApiError::not_found("Счётчик не найден"))?;
    let slot = if calls {
        &mut c.calls_extended_threshold_since
    } else {
        &mut c.extended_threshold_since
    };
    match (on, slot.is_some()) {
        (true, false) => *slot = Some(now),
        (false, _) => *slot = None,
        (true, true) => {}
    }
    Ok(Json(json!({"success": true})))
}

async fn enable_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    set_threshold(&app, &c, &id, false, true)
}
async fn disable_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    set_threshold(&app, &c, &id, false, false)
}
async fn enable_calls_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    set_threshold(&app, &c, &id, true, true)
}
async fn disable_calls_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    set_threshold(&app, &c, &id, true, false)
}

/// `{"date": "YYYY-MM-DD"}`: the earliest day conversions can link to, in the counter's zone:
/// now − 21 days, or the day the extended window was enabled if later; today when it is off;
/// the day uploads open when they are still closed (a future date).
fn join_threshold(app: &App, caller: &Caller, id: &str, calls: bool) -> ApiResult {
    threshold_404(app)?;
    let cid = counter_access(app, caller, id, Need::Read)?;
    let now = app.now();
    let d = app.data();
    let c = &d.counters[&cid];
    let tz = jiff::tz::TimeZone::get(&c.time_zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let from = c.links_from(now, calls);
    // A counter whose uploads are not open yet answers with the day they open.
    let date = match c.uploads_closed_until(now) {
        Some(day) => day.to_string(),
        None => from.to_zoned(tz).date().to_string(),
    };
    Ok(Json(json!({"date": date})))
}

async fn visit_join_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    join_threshold(&app, &c, &id, false)
}
async fn calls_visit_join_threshold(
    State(app): State<App>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult {
    join_threshold(&app, &c, &id, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_validation_rejects_forbidden_identifier_characters() {
        let v = json!({"goal": {"name": "x", "type": "action",
            "conditions": [{"type": "exact", "url": "a/b"}]}});
        assert_eq!(
            validate_goal(&v).unwrap_err().first_type(),
            Some(ErrorType::InvalidParameter)
        );
    }

    #[test]
    fn goal_validation_accepts_the_documented_js_event_goal() {
        let v = json!({"goal": {"name": "Оплата в офисе", "type": "action",
            "conditions": [{"type": "exact", "url": "offline_paid"}]}});
        let (name, kind, conds, _) = validate_goal(&v).unwrap();
        assert_eq!(
            (name.as_str(), kind.as_str(), conds.len()),
            ("Оплата в офисе", "action", 1)
        );
    }
}
