//! A tiny axum server on 127.0.0.1:0 whose routes a test supplies, with a hit counter.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use mb_api::{ApiConfig, Client, RetryPolicy, Token};

pub const TOKEN: &str = "y0_TestTokenValueThatMustNeverLeak0123456789";

pub struct Stub {
    pub base: String,
    pub hits: Arc<AtomicUsize>,
    _task: tokio::task::JoinHandle<()>,
}

impl Stub {
    pub async fn start(router: Router) -> Stub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let router = router.layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let h = h.clone();
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    next.run(req).await
                }
            },
        ));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Stub {
            base,
            hits,
            _task: task,
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn config(&self) -> ApiConfig {
        ApiConfig::with_bases(
            &self.base,
            format!("{}/oauth", self.base),
            format!("{}/login", self.base),
        )
        .with_retry(RetryPolicy::fast())
    }

    pub fn client(&self) -> Client {
        Client::new(self.config(), Token::new(TOKEN)).unwrap()
    }
}

pub fn error_body(status: u16, error_type: &str) -> String {
    serde_json::json!({"errors": [{"error_type": error_type, "message": "m"}], "code": status,
        "message": "m"})
    .to_string()
}
