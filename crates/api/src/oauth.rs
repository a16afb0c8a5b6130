//! Yandex OAuth sign-in (reference §2): authorization code + PKCE S256 with a loopback
//! redirect (primary) or the paste-the-code page (fallback), the device flow when a client
//! secret is configured, refresh, and revocation; plus where the app's client id comes from.
//!
//! Built on the `oauth2` crate for the authorize URL, PKCE and the code/refresh exchanges.
//! The device flow is done by hand: Yandex polls with `grant_type=device_code&code=…` and
//! answers `verification_url`, neither of which is RFC 8628 as `oauth2` implements it.
//!
//! Does not store tokens (see `tokens`) and does not open the browser (the caller does).

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, TokenResponse,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::client::{BodyError, read_capped, too_large};
use crate::config::{ApiConfig, Clock};
use crate::error::{ApiError, Result};
use crate::secret::Token;
use crate::tokens::StoredToken;

/// The copy-the-code page registered as a Redirect URI (§2.1, flow 2).
pub const VERIFICATION_CODE_URI: &str = "https://oauth.yandex.ru/verification_code";
/// The loopback port registered with the app unless configured otherwise (§2.2: exact port).
pub const DEFAULT_LOOPBACK_PORT: u16 = 53682;
/// Scopes requested always (§2.8).
pub const BASE_SCOPES: [&str; 2] = ["metrika:read", "metrika:offline_data"];

/// The Yandex OAuth app this build signs in with.
#[derive(Debug, Clone)]
pub struct OAuthAppConfig {
    pub client_id: String,
    /// Only needed for the device flow (and perhaps refresh). Redacted in Debug.
    pub client_secret: Option<Token>,
    /// Loopback port registered as `http://127.0.0.1:<port>/callback`; 0 = any (the fake).
    pub loopback_port: u16,
    /// Redirect URI of the paste-the-code flow; the literal Yandex page in production.
    pub verification_redirect_uri: String,
}

#[derive(Deserialize)]
struct AppFile {
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    loopback_port: Option<u16>,
    #[serde(default)]
    verification_redirect_uri: Option<String>,
}

impl OAuthAppConfig {
    pub fn new(client_id: impl Into<String>) -> Self {
        OAuthAppConfig {
            client_id: client_id.into(),
            client_secret: None,
            loopback_port: DEFAULT_LOOPBACK_PORT,
            verification_redirect_uri: VERIFICATION_CODE_URI.into(),
        }
    }

    /// `MBRIDGE_LOOPBACK_PORT`: the redirect port registered for the app, when not the default.
    pub fn loopback_port_from_env() -> Result<Option<u16>> {
        match std::env::var("MBRIDGE_LOOPBACK_PORT") {
            Ok(v) if !v.trim().is_empty() => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::Config("MBRIDGE_LOOPBACK_PORT".into())),
            _ => Ok(None),
        }
    }

    /// `MBRIDGE_CLIENT_ID` (+ optional `MBRIDGE_CLIENT_SECRET`, `MBRIDGE_LOOPBACK_PORT`) from the
    /// environment, else `yandex-app.json` in `config_dir` (`{"client_id", "client_secret"?,
    /// "loopback_port"?, "verification_redirect_uri"?}`). `Ok(None)` = no app → demo mode.
    pub fn from_env_or_file(config_dir: &Path) -> Result<Option<Self>> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(id) = env("MBRIDGE_CLIENT_ID") {
            let mut app = OAuthAppConfig::new(id.trim());
            app.client_secret = env("MBRIDGE_CLIENT_SECRET").map(|s| Token::new(s.trim()));
            if let Some(port) = Self::loopback_port_from_env()? {
                app.loopback_port = port;
            }
            return Ok(Some(app));
        }
        let path = config_dir.join("yandex-app.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ApiError::Io(e)),
        };
        let file: AppFile = serde_json::from_str(&text)
            .map_err(|e| ApiError::Config(format!("{}: {e}", path.display())))?;
        if file.client_id.trim().is_empty() {
            return Ok(None);
        }
        let mut app = OAuthAppConfig::new(file.client_id.trim());
        app.client_secret = file
            .client_secret
            .filter(|s| !s.trim().is_empty())
            .map(|s| Token::new(s.trim()));
        if let Some(p) = file.loopback_port {
            app.loopback_port = p;
        }
        if let Some(u) = file.verification_redirect_uri {
            app.verification_redirect_uri = u;
        }
        Ok(Some(app))
    }
}

/// Authorize-request options (§2.4).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeOptions {
    /// Also ask for `metrika:write` (needed to create goals).
    pub write: bool,
    pub login_hint: Option<String>,
    /// `force_confirm=yes`: always show the consent screen (switching accounts).
    pub force_confirm: bool,
    /// One UUID per installation (6–50 printable ASCII chars).
    pub device_id: Option<String>,
    pub device_name: Option<String>,
}

impl AuthorizeOptions {
    fn scopes(&self) -> Vec<&'static str> {
        let mut s = BASE_SCOPES.to_vec();
        if self.write {
            s.push("metrika:write");
        }
        s
    }
}

type YandexClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Entry point of every sign-in flow against one OAuth host.
#[derive(Debug, Clone)]
pub struct SignIn {
    http: reqwest::Client,
    oauth_base: String,
    app: OAuthAppConfig,
    clock: Clock,
}

impl SignIn {
    pub fn new(config: &ApiConfig, app: OAuthAppConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| ApiError::Config(e.to_string()))?;
        Ok(SignIn {
            http,
            oauth_base: config.oauth_base.clone(),
            app,
            clock: config.clock.clone(),
        })
    }

    pub fn app(&self) -> &OAuthAppConfig {
        &self.app
    }

    fn client(&self) -> Result<YandexClient> {
        let bad = |e: url::ParseError| ApiError::Config(e.to_string());
        let mut c = BasicClient::new(ClientId::new(self.app.client_id.clone()))
            .set_auth_uri(AuthUrl::new(format!("{}/authorize", self.oauth_base)).map_err(bad)?)
            .set_token_uri(
                oauth2::TokenUrl::new(format!("{}/token", self.oauth_base)).map_err(bad)?,
            )
            .set_auth_type(AuthType::RequestBody);
        if let Some(s) = &self.app.client_secret {
            c = c.set_client_secret(ClientSecret::new(s.expose().to_string()));
        }
        Ok(c)
    }

    fn authorize(&self, redirect: &str, opts: &AuthorizeOptions) -> Result<Pending> {
        let redirect =
            RedirectUrl::new(redirect.to_string()).map_err(|e| ApiError::Config(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client()?;
        let mut req = client
            .authorize_url(CsrfToken::new_random)
            .set_redirect_uri(Cow::Borrowed(&redirect))
            .set_pkce_challenge(challenge)
            .add_scopes(opts.scopes().into_iter().map(|s| Scope::new(s.into())));
        if let Some(h) = &opts.login_hint {
            req = req.add_extra_param("login_hint", h.clone());
        }
        if opts.force_confirm {
            req = req.add_extra_param("force_confirm", "yes");
        }
        if let Some(d) = &opts.device_id {
            req = req.add_extra_param("device_id", d.clone());
        }
        if let Some(d) = &opts.device_name {
            req = req.add_extra_param("device_name", d.clone());
        }
        let (url, state) = req.url();
        Ok(Pending {
            signin: self.clone(),
            url,
            state,
            verifier,
            redirect,
            device: (opts.device_id.clone(), opts.device_name.clone()),
        })
    }

    /// Flow 1: bind `127.0.0.1:<loopback_port>` and build the authorize URL whose redirect is
    /// `http://127.0.0.1:<port>/callback`. Open [`LoopbackSignIn::authorize_url`] in the browser,
    /// then await [`LoopbackSignIn::finish`]. A busy port is `ApiError::Io` (fall back to flow 2).
    pub async fn start_loopback(&self, opts: &AuthorizeOptions) -> Result<LoopbackSignIn> {
        let listener = TcpListener::bind(("127.0.0.1", self.app.loopback_port)).await?;
        let port = listener.local_addr()?.port();
        let pending = self.authorize(&format!("http://127.0.0.1:{port}/callback"), opts)?;
        Ok(LoopbackSignIn { pending, listener })
    }

    /// Flow 2: the authorize URL redirects to the copy-the-code page; the user pastes the code
    /// into [`PasteSignIn::finish`].
    pub fn start_paste(&self, opts: &AuthorizeOptions) -> Result<PasteSignIn> {
        let redirect = self.app.verification_redirect_uri.clone();
        Ok(PasteSignIn {
            pending: self.authorize(&redirect, opts)?,
        })
    }

    /// Flow 3 (needs the client secret for polling): ask for a device code.
    pub async fn start_device(&self, opts: &AuthorizeOptions) -> Result<DeviceSignIn> {
        let secret = self
            .app
            .client_secret
            .clone()
            .ok_or_else(|| ApiError::Config("device flow needs a client secret".into()))?;
        let mut form = vec![
            ("client_id", self.app.client_id.clone()),
            ("scope", opts.scopes().join(" ")),
        ];
        if let Some(d) = &opts.device_id {
            form.push(("device_id", d.clone()));
        }
        if let Some(d) = &opts.device_name {
            form.push(("device_name", d.clone()));
        }
        let resp = self
            .http
            .post(format!("{}/device/code", self.oauth_base))
            .form(&form)
            .send()
            .await
            .map_err(|e| ApiError::Network(e.without_url()))?;
        let status = resp.status();
        let body = oauth_body(resp, "oauth").await?;
        if !status.is_success() {
            return Err(oauth_error_from_body(&body));
        }
        let code: DeviceCode = serde_json::from_slice(&body).map_err(|e| ApiError::Protocol {
            endpoint: "/device/code".into(),
            detail: e.to_string(),
        })?;
        // The app opens this URL in the browser: only Yandex's own pages over https.
        if !opened_url_allowed(&code.verification_url, &self.oauth_base) {
            return Err(ApiError::Protocol {
                endpoint: "/device/code".into(),
                detail: "verification_url is not an https Yandex page".into(),
            });
        }
        Ok(DeviceSignIn {
            signin: self.clone(),
            secret,
            code,
        })
    }

    /// Refresh without the secret unless one is configured (§2.5). `SignInAgain` when Yandex
    /// says `invalid_client`/`invalid_grant`: run a sign-in flow again.
    pub async fn refresh(&self, refresh_token: &Token) -> Result<StoredToken> {
        let client = self.client()?;
        let rt = RefreshToken::new(refresh_token.expose().to_string());
        let http = self.http.clone();
        let send = move |req| capped_oauth_http(http.clone(), req);
        let resp = client
            .exchange_refresh_token(&rt)
            .request_async(&send)
            .await;
        let mut stored = self.token_result(resp)?;
        if stored.refresh.is_none() {
            stored.refresh = Some(refresh_token.clone());
        }
        Ok(stored)
    }

    /// Revoke a device-bound token on sign-out (`POST /revoke_token`, needs the secret).
    /// `Ok(false)` when revocation is not possible here; deleting the stored token is then
    /// the whole sign-out (§2.7).
    pub async fn revoke(&self, access: &Token) -> Result<bool> {
        let Some(secret) = &self.app.client_secret else {
            return Ok(false);
        };
        let form = [
            ("access_token", access.expose()),
            ("client_id", self.app.client_id.as_str()),
            ("client_secret", secret.expose()),
        ];
        let resp = self
            .http
            .post(format!("{}/revoke_token", self.oauth_base))
            .form(&form)
            .send()
            .await
            .map_err(|e| ApiError::Network(e.without_url()))?;
        let status = resp.status();
        let body = oauth_body(resp, "oauth").await?;
        if status.is_success() {
            return Ok(true);
        }
        match status.as_u16() {
            404 | 405 => Ok(false),
            _ => Err(oauth_error_from_body(&body)),
        }
    }

    fn token_result<E: std::error::Error + 'static>(
        &self,
        resp: std::result::Result<
            BasicTokenResponse,
            RequestTokenError<E, oauth2::StandardErrorResponse<BasicErrorResponseType>>,
        >,
    ) -> Result<StoredToken> {
        match resp {
            Ok(t) => Ok(self.stored(&t)),
            Err(RequestTokenError::ServerResponse(e)) => {
                let error = e.error().as_ref().to_string();
                Err(match e.error() {
                    BasicErrorResponseType::InvalidClient
                    | BasicErrorResponseType::InvalidGrant => ApiError::SignInAgain { error },
                    _ => ApiError::OAuth {
                        error,
                        description: e.error_description().cloned(),
                    },
                })
            }
            Err(RequestTokenError::Request(e)) => Err(ApiError::OAuth {
                error: "request_failed".into(),
                description: Some(e.to_string()),
            }),
            Err(RequestTokenError::Parse(e, _)) => Err(ApiError::Protocol {
                endpoint: "/token".into(),
                detail: e.to_string(),
            }),
            Err(RequestTokenError::Other(e)) => Err(ApiError::Protocol {
                endpoint: "/token".into(),
                detail: e,
            }),
        }
    }

    fn stored(&self, t: &BasicTokenResponse) -> StoredToken {
        StoredToken {
            access: Token::new(t.access_token().secret().clone()),
            refresh: t.refresh_token().map(|r| Token::new(r.secret().clone())),
            expires_at: t.expires_in().and_then(|d| expiry(self.clock.now(), d)),
            scope: t
                .scopes()
                .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        }
    }
}

fn expiry(now: Timestamp, d: Duration) -> Option<Timestamp> {
    now.checked_add(jiff::SignedDuration::try_from(d).ok()?)
        .ok()
}

/// An authorize request waiting for its code.
#[derive(Debug)]
struct Pending {
    signin: SignIn,
    url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect: RedirectUrl,
    device: (Option<String>, Option<String>),
}

impl Pending {
    async fn exchange(self, code: &str) -> Result<StoredToken> {
        let client = self.signin.client()?;
        let mut req = client
            .exchange_code(AuthorizationCode::new(code.trim().to_string()))
            .set_pkce_verifier(self.verifier)
            .set_redirect_uri(Cow::Owned(self.redirect));
        if let Some(d) = self.device.0 {
            req = req.add_extra_param("device_id", d);
        }
        if let Some(d) = self.device.1 {
            req = req.add_extra_param("device_name", d);
        }
        let http = self.signin.http.clone();
        let send = move |r| capped_oauth_http(http.clone(), r);
        let resp = req.request_async(&send).await;
        self.signin.token_result(resp)
    }
}

/// Flow 1 in progress: a bound loopback listener and the URL to open.
#[derive(Debug)]
pub struct LoopbackSignIn {
    pending: Pending,
    listener: TcpListener,
}

impl LoopbackSignIn {
    /// Open this in the system browser.
    pub fn authorize_url(&self) -> &Url {
        &self.pending.url
    }

    pub fn redirect_uri(&self) -> &str {
        self.pending.redirect.as_str()
    }

    /// Wait for the browser to come back to `/callback` (checking `state`), then exchange the
    /// code with the PKCE verifier. `SignInTimeout` after `timeout`.
    pub async fn finish(self, timeout: Duration) -> Result<StoredToken> {
        self.finish_or_cancel(timeout, &CancellationToken::new())
            .await
    }

    /// [`LoopbackSignIn::finish`] that stops (`Cancelled`, the port freed) when `cancel` fires.
    ///
    /// Every connection is served on its own task and must send its request within
    /// [`CONNECTION_READ_TIMEOUT`], so an idle local socket cannot hold the real callback up. A
    /// request with a missing or wrong `state` (any web page can make the browser send one) is
    /// answered 400 and the wait goes on until the deadline. The browser's page says the
    /// sign-in succeeded only once the code has been exchanged for a token.
    pub async fn finish_or_cancel(
        self,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<StoredToken> {
        let LoopbackSignIn { pending, listener } = self;
        let expected = pending.state.secret().clone();
        let deadline = tokio::time::Instant::now() + timeout;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Callback>(1);
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        let waiting = async {
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        // A flood of local connections is dropped beyond the open slots (each
                        // slot frees within the read timeout).
                        Ok((sock, _)) => if let Ok(slot) = slots.clone().try_acquire_owned() {
                            let (state, tx) = (expected.clone(), tx.clone());
                            tokio::spawn(async move {
                                serve_connection(sock, state, tx).await;
                                drop(slot);
                            });
                        },
                        Err(e) => {
                            // Out of file descriptors and the like: try again shortly.
                            tracing::debug!(error = %e, "loopback accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    },
                    Some(callback) = rx.recv() => return callback,
                }
            }
        };
        let Callback { params, mut sock } = tokio::select! {
            callback = waiting => callback,
            _ = tokio::time::sleep_until(deadline) => return Err(ApiError::SignInTimeout),
            _ = cancel.cancelled() => return Err(ApiError::Cancelled),
        };
        drop(listener);
        let result = match code_from_callback(&params, &expected) {
            Ok(code) => tokio::select! {
                r = pending.exchange(&code) => r,
                _ = cancel.cancelled() => Err(ApiError::Cancelled),
            },
            Err(e) => Err(e),
        };
        let page = if result.is_ok() {
            "Metrika Bridge: вход выполнен, окно можно закрыть. Signed in, you may close this tab."
        } else {
            "Metrika Bridge: вход не выполнен, вернитесь в приложение. Sign-in failed; return to \
             the app."
        };
        respond(&mut sock, "200 OK", page).await;
        result
    }
}

/// How long one loopback connection may take to send its request line and headers.
pub const CONNECTION_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Loopback connections served at once.
const MAX_CONNECTIONS: usize = 32;

/// A request to `/callback` that carried the expected `state`, with its connection (answered
/// once the code is exchanged).
struct Callback {
    params: Vec<(String, String)>,
    sock: tokio::net::TcpStream,
}

/// One loopback connection: reads the request head (within [`CONNECTION_READ_TIMEOUT`]),
/// answers anything but a `/callback` with the right `state` at once, and hands that one over.
async fn serve_connection(
    mut sock: tokio::net::TcpStream,
    expected_state: String,
    tx: tokio::sync::mpsc::Sender<Callback>,
) {
    let head = match tokio::time::timeout(CONNECTION_READ_TIMEOUT, read_head(&mut sock)).await {
        Ok(Ok(head)) => head,
        // Idle, too slow or broken: drop it, the listener is not held up.
        _ => return,
    };
    let target = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("");
    let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
        respond(&mut sock, "400 Bad Request", "bad request").await;
        return;
    };
    if url.path() != "/callback" {
        respond(&mut sock, "404 Not Found", "not found").await;
        return;
    }
    let params: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let state_ok = params
        .iter()
        .any(|(k, v)| k == "state" && v.as_str() == expected_state);
    if !state_ok {
        tracing::warn!("loopback callback with a missing or wrong state refused");
        respond(
            &mut sock,
            "400 Bad Request",
            "Metrika Bridge: этот запрос не от вашего входа, он отклонён. This request does not \
             belong to your sign-in and was refused.",
        )
        .await;
        return;
    }
    // Only the first good callback is used; a later one finds the receiver gone.
    let _ = tx.send(Callback { params, sock }).await;
}

/// The request line and headers (up to 16 KiB).
async fn read_head(sock: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Flow 2 in progress.
#[derive(Debug)]
pub struct PasteSignIn {
    pending: Pending,
}

impl PasteSignIn {
    pub fn authorize_url(&self) -> &Url {
        &self.pending.url
    }

    /// Exchange the code the user copied from the verification page.
    pub async fn finish(self, code: &str) -> Result<StoredToken> {
        if code.trim().is_empty() {
            return Err(ApiError::OAuth {
                error: "empty_code".into(),
                description: None,
            });
        }
        self.pending.exchange(code).await
    }
}

#[derive(Debug, Clone, Deserialize)]
struct DeviceCode {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_uri")]
    verification_url: String,
    #[serde(default = "default_interval")]
    interval: u64,
    #[serde(default = "default_device_ttl")]
    expires_in: u64,
}

fn default_interval() -> u64 {
    5
}
fn default_device_ttl() -> u64 {
    300
}

/// Flow 3 in progress: show `user_code` and `verification_url`, then await `finish`.
#[derive(Debug)]
pub struct DeviceSignIn {
    signin: SignIn,
    secret: Token,
    code: DeviceCode,
}

impl DeviceSignIn {
    pub fn user_code(&self) -> &str {
        &self.code.user_code
    }
    /// Always taken from the response (observed `https://ya.ru/device`).
    pub fn verification_url(&self) -> &str {
        &self.code.verification_url
    }
    pub fn expires_in(&self) -> Duration {
        Duration::from_secs(self.code.expires_in)
    }
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.code.interval)
    }

    /// Poll `/token` every `interval` (`authorization_pending` → wait, `slow_down` → +5 s)
    /// until a token, an error, `expires_in`, or cancellation.
    pub async fn finish(self, cancel: &CancellationToken) -> Result<StoredToken> {
        self.finish_with_interval(None, cancel).await
    }

    /// Like `finish` with a shorter poll interval (tests against the fake).
    pub async fn finish_with_interval(
        self,
        interval: Option<Duration>,
        cancel: &CancellationToken,
    ) -> Result<StoredToken> {
        let mut every = interval.unwrap_or(Duration::from_secs(self.code.interval.max(1)));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(self.code.expires_in);
        let url = format!("{}/token", self.signin.oauth_base);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = cancel.cancelled() => return Err(ApiError::Cancelled),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ApiError::SignInTimeout);
            }
            let form = [
                ("grant_type", "device_code"),
                ("code", self.code.device_code.as_str()),
                ("client_id", self.signin.app.client_id.as_str()),
                ("client_secret", self.secret.expose()),
            ];
            let resp = self
                .signin
                .http
                .post(&url)
                .form(&form)
                .send()
                .await
                .map_err(|e| ApiError::Network(e.without_url()))?;
            let status = resp.status();
            let body = oauth_body(resp, "oauth").await?;
            if status.is_success() {
                let t: BasicTokenResponse =
                    serde_json::from_slice(&body).map_err(|e| ApiError::Protocol {
                        endpoint: "/token".into(),
                        detail: e.to_string(),
                    })?;
                return Ok(self.signin.stored(&t));
            }
            let err: OAuthErrorBody = serde_json::from_slice(&body).unwrap_or_default();
            match err.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => every += interval.unwrap_or(Duration::from_secs(5)),
                "invalid_client" | "invalid_grant" => {
                    return Err(ApiError::SignInAgain { error: err.error });
                }
                _ => return Err(oauth_error_from_body(&body)),
            }
        }
    }
}

/// The most an OAuth answer may hold (a token answer is well under a kilobyte).
pub const OAUTH_BODY_MAX: usize = 1 << 20;

/// An OAuth answer's body, read with [`OAUTH_BODY_MAX`] as the cap.
async fn oauth_body(resp: reqwest::Response, endpoint: &str) -> Result<bytes::Bytes> {
    read_capped(resp, OAUTH_BODY_MAX)
        .await
        .map_err(|e| match e {
            BodyError::Network(e) => ApiError::Network(e.without_url()),
            BodyError::TooLarge { limit } => too_large(endpoint, limit),
        })
}

/// Why the capped HTTP client given to `oauth2` failed.
#[derive(Debug, thiserror::Error)]
enum CappedHttpError {
    #[error("network error")]
    Network(#[source] reqwest::Error),
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    #[error("bad answer: {0}")]
    Http(#[from] oauth2::http::Error),
}

/// The HTTP client `oauth2` sends token requests with: reqwest, with the answer read under
/// [`OAUTH_BODY_MAX`] (oauth2's own reqwest client reads any length).
async fn capped_oauth_http(
    http: reqwest::Client,
    req: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, CappedHttpError> {
    let (parts, body) = req.into_parts();
    let resp = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| CappedHttpError::Network(e.without_url()))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = read_capped(resp, OAUTH_BODY_MAX)
        .await
        .map_err(|e| match e {
            BodyError::Network(e) => CappedHttpError::Network(e.without_url()),
            BodyError::TooLarge { limit } => CappedHttpError::TooLarge(limit),
        })?;
    let mut answer = oauth2::http::Response::builder().status(status);
    if let Some(h) = answer.headers_mut() {
        *h = headers;
    }
    Ok(answer.body(body.to_vec())?)
}

/// Hosts whose pages the app may open from a server's answer (https only), with their
/// subdomains.
const OPENED_URL_HOSTS: [&str; 4] = ["ya.ru", "yandex.ru", "yandex.com", "yandex.by"];

/// Whether a URL from a server's answer may be opened in the browser: https on a Yandex host,
/// or the configured OAuth host itself (the local fake in the demo and tests).
pub fn opened_url_allowed(url: &str, oauth_base: &str) -> bool {
    let Ok(u) = Url::parse(url) else {
        return false;
    };
    if let Ok(base) = Url::parse(oauth_base)
        && u.origin() == base.origin()
    {
        return true;
    }
    let host = u.host_str().unwrap_or("");
    u.scheme() == "https"
        && u.username().is_empty()
        && u.password().is_none()
        && OPENED_URL_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

#[derive(Debug, Default, Deserialize)]
struct OAuthErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

fn oauth_error_from_body(body: &[u8]) -> ApiError {
    let e: OAuthErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let error = if e.error.is_empty() {
        "unknown".to_string()
    } else {
        e.error
    };
    ApiError::OAuth {
        error,
        description: e.error_description,
    }
}

async fn respond(sock: &mut tokio::net::TcpStream, status: &str, text: &str) {
    let body = format!("<!doctype html><meta charset=utf-8><p>{text}</p>");
    let msg = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(msg.as_bytes()).await;
    let _ = sock.shutdown().await;
}

/// The code from callback parameters, after checking `state` and `error` (§2.4).
fn code_from_callback(params: &[(String, String)], expected_state: &str) -> Result<String> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if get("state").as_deref() != Some(expected_state) {
        return Err(ApiError::StateMismatch);
    }
    if let Some(error) = get("error") {
        return Err(ApiError::OAuth {
            error,
            description: get("error_description"),
        });
    }
    get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::Protocol {
            endpoint: "/callback".into(),
            detail: "no code".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn only_https_yandex_pages_or_the_oauth_host_are_opened() {
        let base = "https://oauth.yandex.ru";
        assert!(opened_url_allowed("https://ya.ru/device", base));
        assert!(opened_url_allowed("https://oauth.yandex.ru/device", base));
        assert!(!opened_url_allowed("http://ya.ru/device", base));
        assert!(!opened_url_allowed(
            "https://ya.ru.evil.example/device",
            base
        ));
        assert!(!opened_url_allowed("https://evilya.ru/device", base));
        assert!(!opened_url_allowed("https://user@ya.ru/device", base));
        assert!(!opened_url_allowed("file:///etc/passwd", base));
        assert!(!opened_url_allowed("javascript:alert(1)", base));
        assert!(!opened_url_allowed("ya.ru/device", base));
        // The demo's fake serves its own device page.
        let fake = "http://127.0.0.1:8123";
        assert!(opened_url_allowed("http://127.0.0.1:8123/device", fake));
        assert!(!opened_url_allowed("http://127.0.0.1:9999/device", fake));
    }

    #[test]
    fn callback_with_wrong_state_is_refused() {
        let r = code_from_callback(&p(&[("code", "c"), ("state", "evil")]), "good");
        assert!(matches!(r, Err(ApiError::StateMismatch)));
    }

    #[test]
    fn callback_error_is_reported_with_its_code() {
        let r = code_from_callback(
            &p(&[
                ("error", "access_denied"),
                ("state", "s"),
                ("error_description", "no"),
            ]),
            "s",
        );
        assert!(matches!(r, Err(ApiError::OAuth { error, .. }) if error == "access_denied"));
    }

    #[test]
    fn authorize_url_carries_pkce_scopes_and_options() {
        let cfg = ApiConfig::with_bases("http://a", "http://o", "http://l");
        let s = SignIn::new(&cfg, OAuthAppConfig::new("app1")).unwrap();
        let opts = AuthorizeOptions {
            write: true,
            login_hint: Some("demo-agency".into()),
            force_confirm: true,
            device_id: Some("dev-123456".into()),
            device_name: Some("laptop".into()),
        };
        let paste = s.start_paste(&opts).unwrap();
        let url = paste.authorize_url();
        assert!(url.as_str().starts_with("http://o/authorize?"));
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "app1");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["scope"],
            "metrika:read metrika:offline_data metrika:write"
        );
        assert_eq!(q["redirect_uri"], VERIFICATION_CODE_URI);
        assert_eq!(q["login_hint"], "demo-agency");
        assert_eq!(q["force_confirm"], "yes");
        assert_eq!(q["device_id"], "dev-123456");
        assert!(q.contains_key("state"));
    }

    #[test]
    fn app_config_reads_the_json_file_and_hides_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        // The environment wins when set; this test only runs the file branch when it is not.
        if std::env::var("MBRIDGE_CLIENT_ID").is_ok() {
            return;
        }
        assert!(
            OAuthAppConfig::from_env_or_file(dir.path())
                .unwrap()
                .is_none()
        );
        std::fs::write(
            dir.path().join("yandex-app.json"),
            r#"{"client_id":"abc","client_secret":"s3cr3t","loopback_port":8765}"#,
        )
        .unwrap();
        let app = OAuthAppConfig::from_env_or_file(dir.path())
            .unwrap()
            .unwrap();
        assert_eq!(app.client_id, "abc");
        assert_eq!(app.loopback_port, 8765);
        assert!(!format!("{app:?}").contains("s3cr3t"));
    }
}
