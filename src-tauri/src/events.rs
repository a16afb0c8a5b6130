//! App-wide notices to the web view (typed `AppEvent`s on the `app-event` channel) and the
//! background follow-up of uploads that are not final.

use std::sync::Arc;
use std::time::Duration;

use mb_uploader::Core;
use mb_uploader::dto::AppEvent;
use mb_uploader::upload::FollowUp;
use tauri::{AppHandle, Emitter};

pub const EVENT: &str = "app-event";

pub fn history_changed(app: &AppHandle, upload_id: u32) {
    let _ = app.emit(EVENT, AppEvent::HistoryChanged { upload_id });
}

/// How often the follow-up wakes: 15 s; `MBRIDGE_FOLLOW_UP_SECS` shortens it for tests.
fn follow_up_every() -> Duration {
    std::env::var("MBRIDGE_FOLLOW_UP_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or(Duration::from_secs(15), Duration::from_secs)
}

/// Reconciles uploads a previous run left in `sending`, then polls due uploads every 15 s
/// (each upload's own backoff lives in the history store, so this only wakes the check).
pub fn spawn_follow_up(app: AppHandle, core: Arc<Core>) {
    tauri::async_runtime::spawn(async move {
        core.follow_up(follow_up_every(), |event| match event {
            FollowUp::Reconciled(u) => history_changed(&app, u.id as u32),
            FollowUp::Polled(u) => {
                history_changed(&app, u.id as u32);
                crate::notify::notify_if_final(&app, &core, u);
            }
            // Hidden in the tray nobody can sign in: say so and stop, rather than promise to
            // follow what cannot be followed.
            FollowUp::Failed(_) => crate::desktop::stop_when_unfollowable(&app, &core),
            FollowUp::RoundDone => crate::desktop::quit_when_done(&app, &core),
        })
        .await;
    });
}
