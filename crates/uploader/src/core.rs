//! The core both front ends hold: configuration, the history store, tokens, API clients, the
//! built-in demo, sign-in flows in progress and cancellable jobs.
//!
//! Owns: which Metrica we talk to, which account is active, and how a token becomes a client.
//! Does not own the flows themselves (mb-api) nor what is stored (mb-history).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mb_api::oauth::{AuthorizeOptions, OAuthAppConfig, SignIn};
use mb_api::tokens::{MemoryStore, StoredToken, TokenStore, open_token_store};
use mb_api::{ApiConfig, CancellationToken, Client, Token};
use mb_history::Store;

use crate::config::{CoreOptions, DataPaths, default_data_dir, fake_bases};
use crate::dto::{Account, AppError, AppInfo, SignInMethod, SignInStarted};
use crate::error::Result;

/// The login the demo signs in as (seeded in the fake with a few dozen client counters).
pub const DEMO_LOGIN: &str = "demo-agency";
/// The client id the fake registers by default.
pub const FAKE_CLIENT_ID: &str = "mbridge-demo";

enum PendingFlow {
    Loopback(mb_api::oauth::LoopbackSignIn),
    Paste(mb_api::oauth::PasteSignIn),
    Device(mb_api::oauth::DeviceSignIn),
}

/// Everything a running front end needs.
pub struct Core {
    pub(crate) paths: DataPaths,
    /// Where a Yandex app is configured (`yandex-app.json` in the data folder itself, not the
    /// demo's own folder): what the demo tells a user to fill in.
    app_config: std::path::PathBuf,
    /// Where the front ends write their log: the data folder's own `logs/` (the demo's history
    /// lives in a folder of its own, its log does not).
    logs_dir: std::path::PathBuf,
    pub(crate) store: Arc<Store>,
    pub(crate) tokens: Arc<dyn TokenStore>,
    pub(crate) api: ApiConfig,
    pub(crate) oauth_app: Option<OAuthAppConfig>,
    demo: Option<mb_fake::FakeServer>,
    /// `MBRIDGE_TOKEN`: an unattended job's token, used for the account it belongs to.
    pub(crate) env_token: Option<Token>,
    clients: Mutex<HashMap<String, Client>>,
    /// Held only for a map operation, never across an await: `cancel` (not async) must always
    /// get it, or a cancel meeting another sign-in's start would leave its flow and port held.
    flows: std::sync::Mutex<HashMap<String, PendingFlow>>,
    /// Cancellable work by job id, with how many phases of that job hold it (a check holds its
    /// token for its whole life, so a cancel between its phases is not lost).
    jobs: Mutex<HashMap<String, (CancellationToken, usize)>>,
    /// Sends (and resends) going on in this process: closing the app would cut them.
    sending: std::sync::atomic::AtomicUsize,
    /// Checks running in the background, by job id (see `check.rs`).
    pub(crate) checks: Mutex<HashMap<String, crate::check::RunningCheck>>,
    pub(crate) scheduler_dir: Option<PathBuf>,
    pub(crate) part_bytes: Option<u64>,
    /// [`CoreOptions::lang`].
    pub(crate) lang: Option<mb_text::Lang>,
    /// See [`CoreOptions::file_settle`].
    pub(crate) file_settle: std::time::Duration,
    /// The `mbridge` options a scheduled run needs to act like this core: the API bases and
    /// the token store it was started with (never a token).
    pub(crate) run_flags: Vec<String>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("data_dir", &self.paths.root)
            .field("api_base", &self.api.api_base)
            .field("demo", &self.demo.is_some())
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Opens the data folder and history, chooses the Metrica to talk to, and in demo mode
    /// starts the fake in-process and signs in to it.
    pub async fn start(opts: CoreOptions) -> Result<Core> {
        let opts = opts.with_env();
        let root = opts.data_dir.clone().unwrap_or_else(default_data_dir);
        let base_paths = DataPaths::new(&root);
        base_paths.ensure().map_err(storage)?;
        let oauth_app = OAuthAppConfig::from_env_or_file(&root)?;
        let demo_wanted = opts
            .demo
            .unwrap_or(oauth_app.is_none() && opts.api_base.is_none())
            && std::env::var_os("MBRIDGE_TOKEN").is_none();

        let (paths, api, oauth_app, demo, tokens): (_, _, _, _, Arc<dyn TokenStore>) =
            if demo_wanted {
                // The demo keeps its own history and never touches the keychain.
                let paths = DataPaths::new(root.join("demo"));
                paths.ensure().map_err(storage)?;
                let fake = mb_fake::FakeServer::start(mb_fake::FakeConfig {
                    time_scale: mb_fake::DEMO_TIME_SCALE,
                    ..mb_fake::FakeConfig::default()
                })
                .await
                .map_err(|e| AppError::Internal {
                    detail: format!("demo server: {e}"),
                })?;
                // The demo receives files at an office line's pace, so a large send can be
                // watched and stopped as a real one (the desktop test stops one).
                fake.faults()
                    .throttle_uploads(Some(mb_fake::DEMO_UPLOAD_BYTES_PER_SEC));
                let api = ApiConfig::with_bases(&fake.api_base, &fake.oauth_base, &fake.login_base);
                let mut app = OAuthAppConfig::new(FAKE_CLIENT_ID);
                // The fake matches redirect ports exactly, like Yandex: each demo sign-in
                // listens on a port the system gives it then, registered with the fake as it
                // starts (`demo_redirect`). A port picked at start and bound later could be
                // taken meanwhile (any outgoing connection may get it) and turn the sign-in
                // into «Вставить код».
                app.loopback_port = 0;
                (
                    paths,
                    api,
                    Some(app),
                    Some(fake),
                    Arc::new(MemoryStore::new()),
                )
            } else {
                // A base typed with blanks around it: the OAuth and login bases are made from it.
                let api_base = opts.api_base.as_deref().map(|b| b.trim().to_string());
                let mut api = ApiConfig::default();
                if let Some(b) = &api_base {
                    let (o, l) = fake_bases(b);
                    api = ApiConfig::with_bases(
                        b,
                        opts.oauth_base.clone().unwrap_or(o),
                        opts.login_base.clone().unwrap_or(l),
                    );
                } else if let Some(o) = &opts.oauth_base {
                    api.oauth_base = o.trim_end_matches('/').to_string();
                }
                // Pointed at a non-Yandex host with no app configured: that is the fake (or a
                // test double), whose registered app id is known.
                let oauth_app = match oauth_app {
                    Some(app) => Some(app),
                    None if !api.oauth_base.contains("yandex.") => {
                        // The fake registers the app's real port (DEFAULT_LOOPBACK_PORT), or
                        // the one MBRIDGE_LOOPBACK_PORT names (tests run many sign-ins at once).
                        let mut app = OAuthAppConfig::new(FAKE_CLIENT_ID);
                        if let Some(port) =
                            OAuthAppConfig::loopback_port_from_env().map_err(|e| {
                                AppError::InvalidInput {
                                    field: "MBRIDGE_LOOPBACK_PORT".into(),
                                    reason: e.to_string(),
                                }
                            })?
                        {
                            app.loopback_port = port;
                        }
                        Some(app)
                    }
                    None => None,
                };
                // `file` skips the keychain (servers, tests, shared boxes).
                let forced = opts
                    .token_store
                    .clone()
                    .or_else(|| std::env::var("MBRIDGE_TOKEN_STORE").ok())
                    .unwrap_or_default();
                let tokens: Arc<dyn TokenStore> = if opts.memory_tokens || forced == "memory" {
                    Arc::new(MemoryStore::new())
                } else if forced == "file" {
                    Arc::new(mb_api::tokens::FileStore::new(
                        root.join(mb_api::tokens::TOKEN_FILE),
                    ))
                } else {
                    open_token_store(&root)
                };
                (base_paths, api, oauth_app, None, tokens)
            };
        let store = Store::open(paths.database())?;
        // The database (and its WAL) were just created with the process umask.
        paths.tighten().map_err(storage)?;
        let core = Core {
            app_config: DataPaths::new(&root).app_config(),
            logs_dir: DataPaths::new(&root).logs(),
            paths,
            store: Arc::new(store),
            tokens,
            api,
            oauth_app,
            demo,
            env_token: std::env::var("MBRIDGE_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty())
                .map(Token::new),
            clients: Mutex::new(HashMap::new()),
            flows: std::sync::Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            sending: std::sync::atomic::AtomicUsize::new(0),
            checks: Mutex::new(HashMap::new()),
            scheduler_dir: opts.scheduler_dir.clone(),
            part_bytes: opts.part_bytes,
            lang: opts.lang,
            run_flags: run_flags(&opts),
            file_settle: opts.file_settle.unwrap_or(crate::jobs::DEFAULT_SETTLE),
        };
        if core.demo.is_some() {
            core.demo_sign_in().await?;
        }
        Ok(core)
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }

    pub fn api_config(&self) -> &ApiConfig {
        &self.api
    }

    /// The demo's fake server, when running (tests script faults through it).
    pub fn demo_server(&self) -> Option<&mb_fake::FakeServer> {
        self.demo.as_ref()
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            demo: self.is_demo(),
            data_dir: self.paths.root.display().to_string(),
            app_config: self.app_config.display().to_string(),
            logs_dir: self.logs_dir.display().to_string(),
            api_base: self.api.api_base.clone(),
            updates: false,
        }
    }

    // --- accounts --------------------------------------------------------------------------

    pub fn accounts(&self) -> Result<Vec<Account>> {
        Ok(self
            .store
            .accounts()?
            .into_iter()
            .map(|a| Account {
                login: a.login,
                display_name: a.display_name,
                active: a.is_active,
            })
            .collect())
    }

    pub fn active_login(&self) -> Result<String> {
        self.store
            .active_account()?
            .map(|a| a.login)
            .ok_or(AppError::NotSignedIn)
    }

    pub fn switch_account(&self, login: &str) -> Result<Vec<Account>> {
        self.store.set_active_account(login)?;
        self.accounts()
    }

    /// Forgets the account: revokes the token where possible and deletes it everywhere.
    pub async fn sign_out(&self, login: &str) -> Result<Vec<Account>> {
        if let (Some(app), Ok(Some(tok))) = (&self.oauth_app, self.tokens.get(login))
            && let Ok(signin) = SignIn::new(&self.api, app.clone())
            && let Err(e) = signin.revoke(&tok.access).await
        {
            tracing::warn!(error = %e, "token revoke failed; forgetting it locally anyway");
        }
        self.tokens.delete(login)?;
        self.clients.lock().expect("clients lock").remove(login);
        self.store.remove_account(login)?;
        self.accounts()
    }

    fn signin(&self) -> Result<SignIn> {
        let app = self
            .oauth_app
            .clone()
            .ok_or_else(|| AppError::SignInFailed {
                reason: "no_app_configured".into(),
            })?;
        Ok(SignIn::new(&self.api, app)?)
    }

    /// Starts a sign-in; the front end opens `authorize_url` (or shows the device code) and
    /// then calls [`Core::complete_sign_in`].
    pub async fn begin_sign_in(
        &self,
        method: SignInMethod,
        login_hint: Option<String>,
    ) -> Result<SignInStarted> {
        let signin = self.signin()?;
        let opts = AuthorizeOptions {
            // `metrika:write` (creating goals) only where the app is known to hold it: asking
            // for a permission the registered app lacks fails the whole sign-in.
            write: self.is_demo() || std::env::var_os("MBRIDGE_SCOPE_WRITE").is_some(),
            login_hint,
            force_confirm: !self.store.accounts()?.is_empty(),
            device_id: Some(self.device_id()?),
            device_name: Some("Metrika Bridge".into()),
        };
        let flow_id = uuid::Uuid::new_v4().to_string();
        let (started, flow) = match method {
            SignInMethod::Loopback => match signin.start_loopback(&opts).await {
                Ok(f) => {
                    self.demo_redirect(&f);
                    let url = f.authorize_url().to_string();
                    (
                        started(&flow_id, method, url, None, None),
                        PendingFlow::Loopback(f),
                    )
                }
                // The registered port is busy (another sign-in, another program): the
                // paste-the-code flow needs no port. The answer's `method` says so; the front
                // ends tell the user in words.
                Err(mb_api::ApiError::Io(e)) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    tracing::warn!(
                        port = signin.app().loopback_port,
                        "loopback port busy; falling back to paste-the-code"
                    );
                    let f = signin.start_paste(&opts)?;
                    let url = f.authorize_url().to_string();
                    (
                        started(&flow_id, SignInMethod::PasteCode, url, None, None),
                        PendingFlow::Paste(f),
                    )
                }
                Err(e) => return Err(e.into()),
            },
            SignInMethod::PasteCode => {
                let f = signin.start_paste(&opts)?;
                let url = f.authorize_url().to_string();
                (
                    started(&flow_id, method, url, None, None),
                    PendingFlow::Paste(f),
                )
            }
            SignInMethod::Device => {
                let f = signin.start_device(&opts).await?;
                let url = f.verification_url().to_string();
                let code = f.user_code().to_string();
                (
                    started(&flow_id, method, url.clone(), Some(code), Some(url)),
                    PendingFlow::Device(f),
                )
            }
        };
        // The flow id is also a job id: `cancel(flow_id)` stops the wait and frees the port.
        self.start_job(&flow_id);
        self.flows.lock().expect("flows lock").insert(flow_id, flow);
        Ok(started)
    }

    /// Finishes a sign-in: waits for the browser (loopback, up to 5 minutes), exchanges the
    /// pasted code, or polls the device code; then stores the token and makes the account
    /// active.
    ///
    /// `cancel(flow_id)` ends the wait at once (`Cancelled`) and drops the flow, freeing the
    /// loopback port for the next attempt.
    pub async fn complete_sign_in(&self, flow_id: &str, code: Option<String>) -> Result<Account> {
        let flow = self
            .flows
            .lock()
            .expect("flows lock")
            .remove(flow_id)
            .ok_or_else(|| AppError::NotFound {
                what: "sign_in_flow".into(),
            })?;
        let cancel = self
            .jobs
            .lock()
            .expect("jobs lock")
            .get(flow_id)
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        let result = self.finish_flow(flow, code, &cancel).await;
        self.end_job(flow_id);
        let token = result?;
        self.adopt_token(token).await
    }

    async fn finish_flow(
        &self,
        flow: PendingFlow,
        code: Option<String>,
        cancel: &CancellationToken,
    ) -> Result<StoredToken> {
        if cancel.is_cancelled() {
            return Err(AppError::Cancelled);
        }
        Ok(match flow {
            PendingFlow::Loopback(f) => {
                f.finish_or_cancel(Duration::from_secs(300), cancel).await?
            }
            PendingFlow::Paste(f) => {
                let code = code.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
                    AppError::InvalidInput {
                        field: "code".into(),
                        reason: "empty".into(),
                    }
                })?;
                tokio::select! {
                    r = f.finish(code.trim()) => r?,
                    _ = cancel.cancelled() => return Err(AppError::Cancelled),
                }
            }
            PendingFlow::Device(f) => f.finish(cancel).await?,
        })
    }

    /// Learns whose token this is, keeps it in the token store and makes that account active.
    async fn adopt_token(&self, token: StoredToken) -> Result<Account> {
        let client = Client::new(self.api.clone(), token.access.clone())?;
        let me = client.user_info().await?;
        self.tokens.put(&me.login, &token)?;
        self.clients
            .lock()
            .expect("clients lock")
            .insert(me.login.clone(), client);
        let display = me.display_name.clone();
        self.store.add_account(&me.login, display.as_deref())?;
        self.store.set_active_account(&me.login)?;
        tracing::info!(login = %me.login, "signed in");
        Ok(Account {
            login: me.login,
            display_name: display,
            active: true,
        })
    }

    /// On the demo, the fake is told the loopback sign-in's redirect (its port is the one the
    /// system gave the listener just now), as a registered app's would be known to Yandex.
    fn demo_redirect(&self, flow: &mb_api::oauth::LoopbackSignIn) {
        if let Some(fake) = &self.demo {
            fake.register_redirect_uri(flow.redirect_uri());
        }
    }

    /// The demo signs in to the fake through the real PKCE loopback flow, with this process
    /// playing the browser (the fake consents at once).
    async fn demo_sign_in(&self) -> Result<()> {
        let signin = self.signin()?;
        let opts = AuthorizeOptions {
            write: true,
            login_hint: Some(DEMO_LOGIN.into()),
            ..AuthorizeOptions::default()
        };
        let flow = signin.start_loopback(&opts).await?;
        self.demo_redirect(&flow);
        let url = flow.authorize_url().to_string();
        let browser =
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .map_err(|e| AppError::Internal {
                    detail: e.to_string(),
                })?;
        let visit = tokio::spawn(async move { browser.get(url).send().await.map(|_| ()) });
        let token = flow.finish(Duration::from_secs(30)).await?;
        let _ = visit.await;
        self.adopt_token(token).await.map(|_| ())
    }

    /// An API client for `login`'s token, whichever account is active: an upload is sent,
    /// followed and resent as the account it belongs to, even when the user switches accounts
    /// meanwhile.
    pub(crate) async fn client_of(&self, login: &str) -> Result<(String, Client)> {
        crate::jobs::ACCOUNT
            .scope(login.to_string(), self.client())
            .await
    }

    fn device_id(&self) -> Result<String> {
        if let Some(id) = self.store.setting("device_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.store.set_setting("device_id", &id)?;
        Ok(id)
    }

    // --- clients ---------------------------------------------------------------------------

    /// An API client for the active account (or the account of the job being run),
    /// refreshing an expired token once.
    pub async fn client(&self) -> Result<(String, Client)> {
        if let Some(tok) = &self.env_token {
            let login = match self.store.active_account()? {
                Some(a) => a.login,
                None => {
                    let c = Client::new(self.api.clone(), tok.clone())?;
                    let me = c.user_info().await?;
                    self.store
                        .add_account(&me.login, me.display_name.as_deref())?;
                    self.store.set_active_account(&me.login)?;
                    me.login
                }
            };
            return Ok((login, Client::new(self.api.clone(), tok.clone())?));
        }
        // A job runs with its own account's token, whichever account is active.
        let login = match crate::jobs::ACCOUNT.try_with(String::clone) {
            Ok(login) => login,
            Err(_) => self.active_login()?,
        };
        if let Some(c) = self.clients.lock().expect("clients lock").get(&login) {
            return Ok((login, c.clone()));
        }
        let mut token = self.tokens.get(&login)?.ok_or(AppError::NotSignedIn)?;
        if token.is_expired(jiff::Timestamp::now()) {
            let refresh = token.refresh.clone().ok_or(AppError::TokenExpired {
                login: login.clone(),
            })?;
            token = self
                .signin()?
                .refresh(&refresh)
                .await
                .map_err(|_| AppError::TokenExpired {
                    login: login.clone(),
                })?;
            self.tokens.put(&login, &token)?;
        }
        let client = Client::new(self.api.clone(), token.access)?;
        self.clients
            .lock()
            .expect("clients lock")
            .insert(login.clone(), client.clone());
        Ok((login, client))
    }

    /// [`Core::api_err`] of a question about counter `counter_id`: one Metrica does not find
    /// is named (`counter:<id>`: not the account's, or a typo), not «something not found».
    pub(crate) fn counter_err(
        &self,
        login: &str,
        counter_id: u64,
        e: mb_api::ApiError,
    ) -> AppError {
        match self.api_err(login, e) {
            AppError::NotFound { .. } => AppError::NotFound {
                what: format!("counter:{counter_id}"),
            },
            other => other,
        }
    }

    /// Maps an API error, naming the account when the fix is to sign in again.
    pub(crate) fn api_err(&self, login: &str, e: mb_api::ApiError) -> AppError {
        if e.needs_sign_in() {
            self.clients.lock().expect("clients lock").remove(login);
            // A token given in MBRIDGE_TOKEN belongs to no stored sign-in: no login is named
            // (the front ends then say to replace the token, not to sign in again).
            return AppError::TokenExpired {
                login: if self.env_token.is_some() {
                    String::new()
                } else {
                    login.to_string()
                },
            };
        }
        e.into()
    }

    // --- jobs ------------------------------------------------------------------------------

    /// Registers a phase of job `job_id` and returns its cancellation token: the one already
    /// registered under that id (the phases of one job share it), or a new one.
    pub(crate) fn start_job(&self, job_id: &str) -> CancellationToken {
        let mut jobs = self.jobs.lock().expect("jobs lock");
        let entry = jobs
            .entry(job_id.to_string())
            .or_insert_with(|| (CancellationToken::new(), 0));
        entry.1 += 1;
        entry.0.clone()
    }

    /// Registers job `job_id` for as long as the answer lives: a job of several phases (plan,
    /// prepare, the review, send) holds one across them, so a cancel between two phases is
    /// not lost with the first phase's token.
    pub(crate) fn job_scope(&self, job_id: &str) -> JobScope<'_> {
        JobScope {
            token: self.start_job(job_id),
            core: self,
            id: job_id.to_string(),
        }
    }

    /// Counts a send as going on for as long as the guard lives.
    pub(crate) fn sending(&self) -> SendingGuard<'_> {
        self.sending
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        SendingGuard(&self.sending)
    }

    /// How many sends (or resends) this process has on the wire or about to: a desktop app
    /// closed now would cut them, so it stays (in the tray) until they end.
    pub fn sends_in_progress(&self) -> usize {
        self.sending.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Ends a phase; the job is forgotten when its last phase ends.
    pub(crate) fn end_job(&self, job_id: &str) {
        let mut jobs = self.jobs.lock().expect("jobs lock");
        if let Some(entry) = jobs.get_mut(job_id) {
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                jobs.remove(job_id);
            }
        }
    }

    /// Cancels a running job (validation, upload, or a sign-in by its flow id); unknown ids
    /// are ignored. A sign-in not yet being completed is dropped at once (its port freed).
    pub fn cancel(&self, job_id: &str) {
        if let Some((t, _)) = self.jobs.lock().expect("jobs lock").get(job_id) {
            t.cancel();
        }
        let dropped = self
            .flows
            .lock()
            .expect("flows lock")
            .remove(job_id)
            .is_some();
        if dropped {
            self.end_job(job_id);
        }
    }
}

fn started(
    flow_id: &str,
    method: SignInMethod,
    authorize_url: String,
    user_code: Option<String>,
    verification_url: Option<String>,
) -> SignInStarted {
    SignInStarted {
        flow_id: flow_id.to_string(),
        method,
        authorize_url,
        user_code,
        verification_url,
    }
}

fn storage(e: std::io::Error) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

/// See `Core::run_flags`: what a scheduled `mbridge jobs run` must be told to use the same
/// Metrica and the same token store as the process that scheduled it.
fn run_flags(opts: &CoreOptions) -> Vec<String> {
    let mut flags = Vec::new();
    if opts.demo == Some(true) {
        return flags;
    }
    for (flag, value) in [
        ("--api-base", &opts.api_base),
        ("--oauth-base", &opts.oauth_base),
    ] {
        if let Some(v) = value {
            flags.extend([flag.to_string(), v.clone()]);
        }
    }
    let store = opts
        .token_store
        .clone()
        .or_else(|| std::env::var("MBRIDGE_TOKEN_STORE").ok());
    if let Some(s) = store.filter(|s| s == "file") {
        flags.extend(["--token-store".to_string(), s]);
    }
    flags
}

/// A job registered while it lives (see [`Core::job_scope`]).
pub(crate) struct JobScope<'a> {
    pub(crate) token: CancellationToken,
    core: &'a Core,
    id: String,
}

impl Drop for JobScope<'_> {
    fn drop(&mut self) {
        self.core.end_job(&self.id);
    }
}

/// One send going on (see [`Core::sends_in_progress`]); dropping it ends the count.
pub(crate) struct SendingGuard<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for SendingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
