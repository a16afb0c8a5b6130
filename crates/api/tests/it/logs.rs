//! Nothing this crate (or the HTTP stack under it) logs at any level contains the token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use mb_api::{CancellationToken, UploadOptions, UploadTag, no_progress};
use mb_fake::QuotaKind;

use crate::fake::{self, OWN, VIEW, fixture};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_logs_never_contain_the_token() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let f = fake::start().await;
    f.server.faults().rate_limit_next(1, QuotaKind::ByIp);
    f.server.faults().lose_next_upload_answers(1);
    let never = CancellationToken::new();
    let path = fixture("offline_clientid.csv");
    let o = UploadOptions::new(UploadTag::new());
    f.client
        .upload_conversions(OWN, &path, &o, no_progress(), &never)
        .await
        .unwrap();
    let _ = f
        .client
        .upload_conversions(VIEW, &path, &o, no_progress(), &never)
        .await;
    f.server.faults().expire_token(&f.token);
    let _ = f.client.goals(OWN).await;

    let logs = String::from_utf8_lossy(&buf.0.lock().unwrap()).into_owned();
    assert!(logs.len() > 100, "the subscriber captured the run: {logs}");
    assert!(!logs.contains(&f.token), "token leaked into logs");
    assert!(
        !logs.contains(&f.token[3..20]),
        "part of the token leaked into logs"
    );
}
