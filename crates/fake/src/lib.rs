//! mb-fake: a faithful local fake of Yandex OAuth (oauth.yandex.ru, login.yandex.ru) and the
//! Yandex Metrica management + CDP APIs, built from docs/metrika-api.md rather than from our
//! client's assumptions (section numbers `§N` below refer to it). One port serves everything:
//!
//! * Metrica at the root: `/management/v1/…`, `/cdp/api/v1/…` (optional `.json` suffix);
//! * OAuth under `/oauth`: `/oauth/authorize`, `/oauth/token`, `/oauth/device/code`,
//!   `/oauth/revoke_token`, `/oauth/verification_code`, `/oauth/device`;
//! * user info under `/login`: `/login/info`;
//! * a status page at `/`.
//!
//! Conventions where the reference leaves a choice (documented deviations):
//! * Auth: missing/garbled `Authorization` (anything but `OAuth <token>`) → 401
//!   `unauthorized` «Неавторизованный пользователь»; unknown, expired or revoked token → 403
//!   `invalid_token` "Invalid oauth_token" (§6.3).
//! * Offline conversions and calls: bad rows are dropped (`line_quantity` < `source_quantity`),
//!   bad optional values left out; only an empty body, broken quoting, a header without data
//!   or a missing required column fail the file (§4.2). `Faults::reject_files_with_bad_rows`
//!   brings back whole-file rejection.
//! * Every error answer has the §6.2 body with a §6.3 `error_type` (a 405 says
//!   `invalid_parameter`).
//! * Redirect URIs match a registered one on scheme, host, port and path, loopback included
//!   (§2): the app's real `http://127.0.0.1:53682/callback` is registered; a demo or test that
//!   uses another port registers it with [`FakeServer::register_redirect_uri`].
//! * `GET /oauth/authorize` auto-consents as `login_hint` (default `demo-agency`);
//!   `deny=1` simulates the user refusing (`error=access_denied`).
//! * Device flow: the user "types the code" by themselves after `device_pending_polls`
//!   polls; `/oauth/device/code` takes an optional `login_hint` (fake extension).
//! * Quota windows use the configured clock, so a manual clock makes them deterministic.
//! * `last_uploadings?datetime_offset=` without a zone is read as UTC.
//! * Offline `comment`: conversions accept digits and Latin/Cyrillic letters only; calls
//!   accept any text (§4.1, §4.5).
//! * 51234535 (Медцентр «Здоровье+», extended window off) takes offline uploads only from
//!   tomorrow (counter zone): before that it answers 400 «Загрузить данные сейчас невозможно.
//!   Загрузка станет доступна dd.MM.yyyy» (§4.7). 51234503 serves `offline_options` as 0/1.
//!
//! Seeded data (`Seed::Demo`, the default):
//! * `demo-agency` («Демо-агентство», uid 1130000012345678) sees 36 counters 51234501–51234536:
//!   own 51234502, 51234509, 51234534; view-only 51234510, 51234511; the rest guest `edit`
//!   with foreign owners (`mebel-roma`, `cvety-spb`, `autoservice-ural`, …). It represents
//!   `mebel-roma`, `cvety-spb`, `autoservice-ural` (`/management/v1/accounts`, `ulogin`).
//! * 51234501 (Мебель «Рома», Europe/Moscow), 51234502 and 51234503 carry all seven sample
//!   goals (`offline_paid`, `dogovor_signed`, `visit_showroom`, `lead_qualified`, `good_lead`,
//!   `oplata_karta`, `dostavka_kurier`; `action` + `exact`); other counters a subset (always
//!   `offline_paid`); every counter also has two `url` goals and a greyed `contain` JS goal
//!   (`phone_click`). 51234504 (Asia/Yekaterinburg) lacks `good_lead`.
//! * `shop-owner` owns 62345601 and 62345602.
//! * Known visitors: see [`KNOWN_CLIENT_IDS`] etc. plus ClientIds 1770000000000000000–…099.
//! * `Seed::Minimal`: login `tester` with 10000001 (own), 10000002 (edit), 10000003 (view).
//!
//! This crate deliberately does not depend on mb-schema, mb-import or mb-api.

mod cdp;
mod clock;
mod csvread;
mod error;
mod faults;
mod guard;
mod management;
mod oauth;
mod offline;
mod seed;
mod state;
mod upload;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit};
use axum::http::Request;
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

pub use clock::{Clock, ManualClock};
pub use csvread::{Record, StrictReader};
pub use error::{ApiError, ErrorType, FakeError, OAuthError};
pub use faults::{Faults, QuotaKind, ServerFault, StallPoint, TokenKill};
pub use seed::{
    CVETY_INT_FLAGS, DEMO_AGENCY, DEMO_REPRESENTED, KNOWN_CLIENT_IDS, KNOWN_PURCHASE_IDS,
    KNOWN_USER_IDS, KNOWN_YCLIDS, MINIMAL_LOGIN, SAMPLE_GOALS, SHOP_OWNER, Seed,
    WINDOW_OPENS_TOMORROW,
};
pub use state::{
    CdpUploading, Condition, Counter, CrmRecord, Goal, LoggedRequest, OrderStatus, Permission,
    StateView, StoredConversion, TokenInfo, UploadType, Uploading,
};

/// Quota limits (§6.1). Per-IP windows and daily counters follow the configured clock.
#[derive(Clone, Debug)]
pub struct Quotas {
    pub per_ip_per_second: u32,
    pub parallel_per_user: u32,
    pub daily_per_user: u32,
    pub daily_per_counter: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            per_ip_per_second: 30,
            parallel_per_user: 3,
            daily_per_user: 5000,
            daily_per_counter: 5000,
        }
    }
}

/// How much faster than real time the demo runs (the app's demo and `mbridge demo-server`).
pub const DEMO_TIME_SCALE: f64 = 20.0;

/// How fast the built-in demo receives files (through [`Faults::throttle_uploads`]): 4 MB/s,
/// an ordinary office uplink (~32 Mbit/s), so a large demo upload shows its progress and can be
/// stopped as a real one would.
pub const DEMO_UPLOAD_BYTES_PER_SEC: u64 = 4_000_000;

/// The redirect URI Yandex uses for the copy-the-code page (§2.1).
pub const VERIFICATION_CODE_URI: &str = "https://oauth.yandex.ru/verification_code";

/// Configuration of a fake server.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    pub seed: Seed,
    /// How much faster than real time upload states advance (UPLOADED → EXPORTED → MATCHED →
    /// PROCESSED/LINKAGE_FAILURE, one step per 60 scaled seconds).
    pub time_scale: f64,
    pub clock: Clock,
    /// The registered app's client id.
    pub client_id: String,
    /// The app's secret; `None` makes the secret-only paths (device flow) fail.
    pub client_secret: Option<String>,
    /// Registered redirect URIs, matched on scheme, host, port and path like Yandex does
    /// (more can be registered on a running server: [`FakeServer::register_redirect_uri`]).
    pub redirect_uris: Vec<String>,
    /// The app's registered permissions; tokens get these unless `scope` narrows them.
    pub scopes: Vec<String>,
    pub token_lifetime_secs: i64,
    pub max_upload_bytes: u64,
    /// Uploads up to this size keep their file for [`StateView::upload_rows`].
    pub keep_upload_files_up_to: u64,
    pub quotas: Quotas,
    /// Device flow: how many polls answer `authorization_pending` before success.
    pub device_pending_polls: u32,
    /// Device flow: the `interval` (seconds) returned and enforced with `slow_down`.
    pub device_interval_secs: i64,
}

/// The app's registered loopback callback (its real port, as the README tells users to
/// register it).
pub const DEFAULT_LOOPBACK_REDIRECT: &str = "http://127.0.0.1:53682/callback";

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            seed: Seed::Demo,
            time_scale: 1.0,
            clock: Clock::Real,
            client_id: "mbridge-demo".into(),
            client_secret: Some("mbridge-demo-secret".into()),
            redirect_uris: vec![
                DEFAULT_LOOPBACK_REDIRECT.into(),
                "http://localhost:53682/callback".into(),
                // A second registration tests use.
                "http://127.0.0.1:8765/callback".into(),
                "http://localhost:8765/callback".into(),
                VERIFICATION_CODE_URI.into(),
            ],
            scopes: [
                "metrika:read",
                "metrika:write",
                "metrika:offline_data",
                "login:info",
                "login:email",
                "login:avatar",
            ]
            .map(String::from)
            .to_vec(),
            token_lifetime_secs: 31_536_000,
            max_upload_bytes: 1 << 30,
            keep_upload_files_up_to: 64 << 20,
            quotas: Quotas::default(),
            device_pending_polls: 2,
            device_interval_secs: 5,
        }
    }
}

/// Per-connection control: lets a handler close its connection without answering.
#[derive(Clone)]
pub(crate) struct ConnCtl(Arc<Notify>);

impl ConnCtl {
    /// Closes the connection; the calling handler never completes.
    pub(crate) async fn drop_connection(&self) -> ! {
        self.0.notify_one();
        std::future::pending::<()>().await;
        unreachable!("the connection task drops this future")
    }
}

pub(crate) struct Shared {
    pub cfg: FakeConfig,
    pub data: state::SharedData,
    pub faults: Arc<Faults>,
    pub quota: Mutex<guard::QuotaState>,
    /// Woken whenever a user's in-flight count changes.
    pub in_flight_changed: Notify,
    pub log: Arc<Mutex<Vec<LoggedRequest>>>,
    pub api_base: String,
    pub oauth_base: String,
    pub login_base: String,
    /// Registered redirect URIs (starts as `cfg.redirect_uris`).
    pub redirects: Mutex<Vec<String>>,
}

pub(crate) type App = Arc<Shared>;

impl Shared {
    pub(crate) fn now(&self) -> jiff::Timestamp {
        self.cfg.clock.now()
    }

    pub(crate) fn redirect_uris(&self) -> Vec<String> {
        self.redirects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn data(&self) -> std::sync::MutexGuard<'_, state::Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

const LOG_CAP: usize = 200_000;

/// A running fake server.
pub struct FakeServer {
    pub api_base: String,
    pub oauth_base: String,
    pub login_base: String,
    pub addr: SocketAddr,
    shared: App,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Starts on 127.0.0.1 with a free port.
    pub async fn start(cfg: FakeConfig) -> std::io::Result<FakeServer> {
        FakeServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), cfg).await
    }

    pub async fn start_on(addr: SocketAddr, cfg: FakeConfig) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| FakeError::Bind { addr, source })?;
        let addr = listener.local_addr()?;
        let api_base = format!("http://{addr}");
        let now = cfg.clock.now();
        let shared = Arc::new(Shared {
            data: Arc::new(Mutex::new(seed::build(cfg.seed, now))),
            redirects: Mutex::new(cfg.redirect_uris.clone()),
            cfg,
            faults: Arc::new(Faults::default()),
            quota: Mutex::new(guard::QuotaState::default()),
            in_flight_changed: Notify::new(),
            log: Arc::new(Mutex::new(Vec::new())),
            oauth_base: format!("{api_base}/oauth"),
            login_base: format!("{api_base}/login"),
            api_base,
        });
        let router = router(shared.clone());
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, router, shared.clone(), rx));
        Ok(FakeServer {
            api_base: shared.api_base.clone(),
            oauth_base: shared.oauth_base.clone(),
            login_base: shared.login_base.clone(),
            addr,
            shared,
            shutdown: tx,
            task,
        })
    }

    /// Registers one more redirect URI for the app, as its owner would on oauth.yandex.ru
    /// (e.g. the port a demo's loopback listener got).
    pub fn register_redirect_uri(&self, uri: &str) {
        let mut r = self
            .shared
            .redirects
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !r.iter().any(|x| x == uri) {
            r.push(uri.to_string());
        }
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    pub fn state(&self) -> StateView {
        StateView {
            data: self.shared.data.clone(),
            log: self.shared.log.clone(),
            clock: self.shared.cfg.clock.clone(),
            time_scale: self.shared.cfg.time_scale,
            faults: self.shared.faults.clone(),
        }
    }

    /// Mints a valid token (all registered scopes) for a seeded login without the OAuth dance.
    /// Panics if `login` is not seeded (a test bug).
    pub fn issue_token(&self, login: &str) -> String {
        self.issue_token_with_scope(login, &self.shared.cfg.scopes.clone())
    }

    /// Like [`FakeServer::issue_token`] with chosen scopes.
    pub fn issue_token_with_scope(&self, login: &str, scope: &[String]) -> String {
        assert!(
            self.shared.data().users.contains_key(login),
            "login {login} is not seeded"
        );
        oauth::mint_token(&self.shared, login, scope.to_vec()).0
    }

    /// Records `n` CRM uploads another tool sent to `counter` at `at` (passed simple orders of
    /// one row each), as a busy counter's `last_uploadings` shows them: for tests of paging.
    pub fn add_other_cdp_uploads(&self, counter: u64, n: usize, at: jiff::Timestamp) {
        let mut d = self.shared.data();
        for _ in 0..n {
            d.cdp_seq += 1;
            let seq = d.cdp_seq;
            d.cdp_uploads.push(state::CdpUploading {
                uploading_id: uuid::Uuid::new_v4().to_string(),
                counter_id: counter,
                datetime: at,
                passed: true,
                elements_count: 1,
                entity_type: "SYSTEM",
                format: "CSV",
                endpoint: "simple_orders",
                problems: Vec::new(),
                seq,
            });
        }
    }

    /// Metrica requests of `login` currently in flight (counted by the parallel quota).
    pub fn in_flight(&self, login: &str) -> u32 {
        self.shared
            .quota
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .in_flight(login)
    }

    /// Waits until `login` has exactly `n` Metrica requests in flight.
    pub async fn wait_in_flight(&self, login: &str, n: u32) {
        loop {
            let changed = self.shared.in_flight_changed.notified();
            if self.in_flight(login) == n {
                return;
            }
            changed.await;
        }
    }

    /// The JSON line the binary prints when ready (`time_scale` says how much faster than
    /// real time uploads advance).
    pub fn ready_line(&self) -> String {
        let q = |s: &str| serde_json::Value::from(s).to_string();
        format!(
            "{{\"api_base\":{},\"oauth_base\":{},\"login_base\":{},\"time_scale\":{}}}",
            q(&self.api_base),
            q(&self.oauth_base),
            q(&self.login_base),
            serde_json::Value::from(self.shared.cfg.time_scale)
        )
    }

    pub async fn shutdown(self) {
        self.shared.faults.release_requests();
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Starts the fake on `addr`, prints the ready line (`{"api_base","oauth_base","login_base"}`)
/// to stdout and serves until Ctrl-C. Used by `mb-fake` and `mbridge demo-server`.
pub async fn run_until_ctrl_c(addr: SocketAddr, cfg: FakeConfig) -> std::io::Result<()> {
    let server = FakeServer::start_on(addr, cfg).await?;
    println!("{}", server.ready_line());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}

fn router(app: App) -> Router {
    // The 405 fallback sits inside the guard, so authentication is still checked first.
    let metrica = management::routes()
        .merge(cdp::routes())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::metrica_guard,
        ));
    Router::new()
        .merge(metrica)
        .merge(oauth::routes(app.clone()))
        .fallback(fallback)
        .layer(DefaultBodyLimit::disable())
        .with_state(app)
}

async fn fallback(req: axum::extract::Request) -> axum::response::Response {
    ApiError::not_found(format!(
        "Нет такого метода: {} {}",
        req.method(),
        req.uri().path()
    ))
    .into_response()
}

/// A documented path with a method it does not serve: 405 with the JSON error body. No
/// `error_type` is documented for 405, so the body says `invalid_parameter` (§6.3).
async fn method_not_allowed(req: axum::extract::Request) -> axum::response::Response {
    ApiError::invalid(format!(
        "Метод {} не поддерживается для {}",
        req.method(),
        req.uri().path()
    ))
    .with_status(axum::http::StatusCode::METHOD_NOT_ALLOWED)
    .into_response()
}

async fn serve(listener: TcpListener, router: Router, app: App, mut stop: watch::Receiver<bool>) {
    loop {
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => { tokio::task::yield_now().await; continue; }
            },
            _ = stop.changed() => break,
        };
        let router = router.clone();
        let app = app.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let ctl = ConnCtl(kill.clone());
            let svc = tower::service_fn(move |req: Request<Incoming>| {
                handle(app.clone(), router.clone(), ctl.clone(), peer, req)
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
}

async fn handle(
    app: App,
    router: Router,
    ctl: ConnCtl,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<axum::response::Response, Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(mask_token_param);
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter(|(k, _)| {
            *k != axum::http::header::AUTHORIZATION && *k != axum::http::header::COOKIE
        })
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // Logged on arrival (status 0) so that requests whose connection is dropped still show.
    let slot = {
        let mut log = app.log.lock().unwrap_or_else(|e| e.into_inner());
        (log.len() < LOG_CAP).then(|| {
            log.push(LoggedRequest {
                method,
                path: path.clone(),
                query: query.clone(),
                headers,
                status: 0,
                at: app.now(),
            });
            log.len() - 1
        })
    };
    let mut req = req.map(axum::body::Body::new);
    req.extensions_mut().insert(ctl);
    req.extensions_mut().insert(ConnectInfo(peer));
    if let Some(stripped) = path.strip_suffix(".json")
        && (path.starts_with("/management/") || path.starts_with("/cdp/"))
    {
        let pq = match &query {
            Some(q) => format!("{stripped}?{q}"),
            None => stripped.to_string(),
        };
        if let Ok(uri) = pq.parse() {
            *req.uri_mut() = uri;
        }
    }
    let resp = router
        .oneshot(req)
        .await
        .unwrap_or_else(|e: Infallible| match e {});
    if let Some(i) = slot {
        let mut log = app.log.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = log.get_mut(i) {
            e.status = resp.status().as_u16();
        }
    }
    Ok(resp)
}

/// Query text for the log with any `oauth_token=` value masked.
fn mask_token_param(q: &str) -> String {
    q.split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k == "oauth_token" => format!("{k}=***"),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}
