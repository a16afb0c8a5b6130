//! mb-http: the UI's second front end, for a plain browser. It serves mb-uploader's command
//! table over loopback HTTP so the web UI (vite dev server, Playwright, Vitest) runs against the
//! real Rust core — in demo mode, with the built-in fake Metrica and a throwaway data folder,
//! exactly like the desktop app without a configured Yandex app.
//!
//! Wire protocol (what `ui/src/ipc/http.ts` speaks):
//! - `POST /api/call/{command}` with the arguments as a JSON object (camelCase keys) → `200`
//!   and the result as JSON, or `422` and the `AppError` as JSON (`404` for an unknown
//!   command). Commands that report progress (`validate`, `upload`) answer with server-sent
//!   events instead: `event: progress` (a `Progress`) any number of times, then one
//!   `event: result` or `event: error`.
//! - `GET /api/events`: server-sent `AppEvent`s (`event: app-event`), like the desktop's
//!   `app-event` channel.
//! - `GET /api/commands`: the command names.
//! - anything else: a file from the static folder (the built UI), `index.html` when unknown.
//!
//! Binds 127.0.0.1 only and refuses requests whose `Host` is not that address (a web page
//! elsewhere cannot reach it through DNS rebinding). Native dialogs have no browser equivalent:
//! the open dialogs answer with the paths given at start, save dialogs write into the data
//! folder's `exports/`, "open in the system's program" only logs, and the file the app was
//! "opened with" is the one given at start (handed over once, like the desktop's).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use mb_uploader::commands::{COMMANDS, Ctx, Host, NAMES};
use mb_uploader::dto::{AppError, AppEvent};
use mb_uploader::upload::FollowUp;
use mb_uploader::{Core, CoreOptions};
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};

/// How the adapter starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// 0 = any free port.
    pub port: u16,
    /// Where the core keeps its data; `None` = a throwaway folder removed on exit.
    pub data_dir: Option<PathBuf>,
    /// The built UI to serve on `/` (so the page and the API share one origin).
    pub static_dir: Option<PathBuf>,
    /// What the open-file dialog answers (`None`: the user cancelled).
    pub pick_file: Option<String>,
    /// What the folder dialog answers (`None`: the user cancelled).
    pub pick_folder: Option<String>,
    /// How often uploads that are not final are checked (the desktop: 15 s).
    pub follow_up: Option<Duration>,
    /// The file the app was started with (a path on the desktop's command line), handed to
    /// the UI once by `opened_file`.
    pub opened_file: Option<String>,
    /// The first upload's connection is closed once its body has arrived, before the fake
    /// Metrica stores it and without an answer: the send ends interrupted (outcome unknown),
    /// as when the network goes at the worst moment. For journeys through History's resend.
    pub cut_first_upload: bool,
    /// The browser stand-in leaves the sign-in page alone (nobody approves), so a sign-in
    /// waits for the browser until it is cancelled, as when the user walks away from it.
    pub sign_in_waits: bool,
}

/// A running adapter; dropping it stops the server and removes a throwaway data folder.
pub struct Server {
    pub addr: SocketAddr,
    pub core: Arc<Core>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _tmp: Option<tempfile::TempDir>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

#[derive(Clone)]
struct App {
    ctx: Ctx,
    events: broadcast::Sender<AppEvent>,
    static_dir: Option<PathBuf>,
    port: u16,
}

/// Starts the core in demo mode (fake Metrica, in-memory tokens) and serves it on 127.0.0.1.
pub async fn serve(opts: Options) -> Result<Server, AppError> {
    let internal = |e: std::io::Error| AppError::Internal {
        detail: e.to_string(),
    };
    let (tmp, data_dir) = match &opts.data_dir {
        Some(d) => (None, d.clone()),
        None => {
            let t = tempfile::Builder::new()
                .prefix("mb-http-")
                .tempdir()
                .map_err(internal)?;
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    let core = Arc::new(
        Core::start(CoreOptions {
            data_dir: Some(data_dir.clone()),
            demo: Some(true),
            memory_tokens: true,
            ..CoreOptions::default()
        })
        .await?,
    );
    if let Some(fake) = core.demo_server().filter(|_| opts.cut_first_upload) {
        fake.faults().drop_next_upload_after(u64::MAX);
    }
    let (events, _) = broadcast::channel(64);
    let host = Arc::new(BrowserHost {
        opened_file: std::sync::Mutex::new(opts.opened_file.clone()),
        approves_sign_in: !opts.sign_in_waits,
        pick_file: opts.pick_file.clone(),
        pick_folder: opts.pick_folder.clone(),
        exports: data_dir.join("exports"),
        events: events.clone(),
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
        .await
        .map_err(internal)?;
    let addr = listener.local_addr().map_err(internal)?;
    let app = App {
        ctx: Ctx::new(core.clone(), host.clone()),
        events,
        static_dir: opts.static_dir.clone(),
        port: addr.port(),
    };
    let router = Router::new()
        .route("/api/call/{name}", post(call))
        .route("/api/events", get(app_events))
        .route("/api/commands", get(|| async { axum::Json(NAMES) }))
        .fallback(get(static_file))
        .layer(middleware::from_fn_with_state(app.clone(), loopback_only))
        .with_state(app);
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "mb-http stopped");
        }
    });
    let follow = tokio::spawn(follow_up(
        core.clone(),
        host,
        opts.follow_up.unwrap_or(Duration::from_secs(15)),
    ));
    Ok(Server {
        addr,
        core,
        tasks: vec![server, follow],
        _tmp: tmp,
    })
}

/// The desktop's follow-up ([`Core::follow_up`]), telling the page of each upload it changed.
async fn follow_up(core: Arc<Core>, host: Arc<BrowserHost>, every: Duration) {
    core.follow_up(every, |event| match event {
        FollowUp::Reconciled(u) | FollowUp::Polled(u) => host.history_changed(u.id as u32),
        FollowUp::Failed(_) | FollowUp::RoundDone => {}
    })
    .await;
}

async fn loopback_only(State(app): State<App>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let allowed = [
        format!("127.0.0.1:{}", app.port),
        format!("localhost:{}", app.port),
    ];
    if !allowed.iter().any(|a| a == host) {
        return (StatusCode::FORBIDDEN, "mb-http answers on loopback only").into_response();
    }
    next.run(req).await
}

fn error_response(status: StatusCode, e: &AppError) -> Response {
    (status, axum::Json(e)).into_response()
}

async fn call(State(app): State<App>, UrlPath(name): UrlPath<String>, body: String) -> Response {
    let Some(cmd) = COMMANDS.iter().find(|c| c.name == name) else {
        let e = AppError::InvalidInput {
            field: "command".into(),
            reason: format!("unknown command {name}"),
        };
        return error_response(StatusCode::NOT_FOUND, &e);
    };
    let args: Value = if body.trim().is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(e) => {
                let e = AppError::InvalidInput {
                    field: format!("{name} arguments"),
                    reason: e.to_string(),
                };
                return error_response(StatusCode::BAD_REQUEST, &e);
            }
        }
    };
    if !cmd.progress {
        return match mb_uploader::commands::call(&app.ctx, cmd.name, args, no_progress()).await {
            Ok(v) => axum::Json(v).into_response(),
            Err(e) => error_response(StatusCode::UNPROCESSABLE_ENTITY, &e),
        };
    }
    // Progress as server-sent events on this response, then the result.
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let progress_tx = tx.clone();
    let sink: mb_uploader::ProgressSink = Arc::new(move |p| {
        let _ = progress_tx.send(sse("progress", &p));
    });
    let ctx = app.ctx.clone();
    let command = cmd.name;
    tokio::spawn(async move {
        let last = match mb_uploader::commands::call(&ctx, command, args, sink).await {
            Ok(v) => sse("result", &v),
            Err(e) => sse("error", &e),
        };
        let _ = tx.send(last);
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|s| (Ok::<_, Infallible>(s), rx))
    });
    sse_response(Body::from_stream(stream))
}

fn no_progress() -> mb_uploader::ProgressSink {
    mb_uploader::no_progress_sink()
}

fn sse<T: serde::Serialize + ?Sized>(event: &str, data: &T) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    format!("event: {event}\ndata: {json}\n\n")
}

fn sse_response(body: Body) -> Response {
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn app_events(State(app): State<App>) -> Response {
    let rx = app.events.subscribe();
    // A comment first, so the browser's EventSource reports "open" at once.
    let hello = futures_util::stream::once(async { Ok::<_, Infallible>(": ok\n\n".to_string()) });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => return Some((Ok::<_, Infallible>(sse("app-event", &e)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    sse_response(Body::from_stream(hello.chain(events)))
}

async fn static_file(State(app): State<App>, req: Request) -> Response {
    let Some(root) = &app.static_dir else {
        return (StatusCode::NOT_FOUND, "no UI served here").into_response();
    };
    let rel = req.uri().path().trim_start_matches('/');
    let safe = !rel.split('/').any(|s| s == ".." || s.starts_with('.'));
    let wanted = root.join(if rel.is_empty() { "index.html" } else { rel });
    let path = if safe && wanted.is_file() {
        wanted
    } else {
        root.join("index.html")
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// The browser stand-ins for native dialogs and the system's opener.
struct BrowserHost {
    opened_file: std::sync::Mutex<Option<String>>,
    /// Follows addresses it is asked to open (the fake Yandex then consents on its own).
    approves_sign_in: bool,
    pick_file: Option<String>,
    pick_folder: Option<String>,
    exports: PathBuf,
    events: broadcast::Sender<AppEvent>,
}

impl Host for BrowserHost {
    fn pick_file(&self) -> BoxFuture<'static, Option<String>> {
        let p = self.pick_file.clone();
        Box::pin(async move { p })
    }

    fn pick_folder(&self) -> BoxFuture<'static, Option<String>> {
        let p = self.pick_folder.clone();
        Box::pin(async move { p })
    }

    fn save_as(&self, file_name: String) -> BoxFuture<'static, Option<PathBuf>> {
        let dir = self.exports.clone();
        Box::pin(async move {
            tokio::fs::create_dir_all(&dir).await.ok()?;
            Some(dir.join(file_name))
        })
    }

    fn open_path(&self, path: &Path) -> Result<(), AppError> {
        tracing::info!(path = %path.display(), "a browser cannot open files: only noted");
        Ok(())
    }

    /// The user approving in the browser: the demo's fake Yandex consents on its own, so
    /// following the address completes the sign-in like the desktop demo's real browser does.
    /// With `sign_in_waits` nobody approves: only noted.
    fn open_url(&self, url: &str) {
        if !self.approves_sign_in {
            tracing::info!(url, "left unanswered: the sign-in waits for the browser");
            return;
        }
        let url = url.to_string();
        tokio::spawn(async move {
            if let Err(e) = reqwest::get(&url).await {
                tracing::warn!(error = %e, "the demo sign-in page did not answer");
            }
        });
    }

    fn history_changed(&self, upload_id: u32) {
        let _ = self.events.send(AppEvent::HistoryChanged { upload_id });
    }

    /// Handed over once, like the desktop's: a second ask gets nothing.
    fn opened_file(&self) -> Option<String> {
        self.opened_file
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}
