//! System notifications: an upload's processing ended or failed (with the counter and the
//! linked share), an overview warning appeared (each once), and what a click on one opens.
//! Through the official notification plugin; the words are the core's (`mb_uploader::notices`,
//! from the message catalogue) in the app's language setting.

use mb_history::Upload;
use mb_uploader::Core;
use mb_uploader::dto::{AppEvent, ClientOverview};
use mb_uploader::history::summary;
use mb_uploader::notices::{Notice, notice_lang, upload_notice, warning_notice};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::desktop::show_main;
use crate::events::EVENT;

/// Called by the follow-up for every upload whose state changed: a final state becomes a
/// system notification, unless the user turned them off in Settings.
pub fn notify_if_final<R: Runtime>(app: &AppHandle<R>, core: &Core, u: &Upload) {
    if !u.state.is_final() {
        return;
    }
    let settings = match core.settings() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "settings unreadable: no notification");
            return;
        }
    };
    if !settings.notify_when_processed {
        return;
    }
    let Some(Notice { title, body }) = upload_notice(&summary(u), notice_lang(&settings.language))
    else {
        return;
    };
    match app
        .notification()
        .builder()
        .title(&title)
        .body(&body)
        .extra(EXTRA_UPLOAD, u.id)
        .show()
    {
        Ok(()) => {
            tracing::info!(upload = u.id, state = ?u.state, "notification shown");
            remember(app);
        }
        Err(e) => tracing::warn!(upload = u.id, error = %e, "notification failed"),
    }
}

/// After the overview was computed: its warnings not announced before become system
/// notifications (each once), unless the user turned notifications off in Settings.
pub fn notify_warnings<R: Runtime>(app: &AppHandle<R>, core: &Core, list: &[ClientOverview]) {
    let fresh = match core.unannounced_warnings(list) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "overview warnings: not announced");
            return;
        }
    };
    let Ok(settings) = core.settings() else {
        return;
    };
    if fresh.is_empty() || !settings.notify_when_processed {
        return;
    }
    let lang = notice_lang(&settings.language);
    for (counter, w) in &fresh {
        let Notice { title, body } = warning_notice(counter, w, lang);
        match app
            .notification()
            .builder()
            .title(&title)
            .body(&body)
            .show()
        {
            Ok(()) => tracing::info!(code = %w.code, "warning notification shown"),
            Err(e) => tracing::warn!(error = %e, "warning notification failed"),
        }
    }
}

/// The tray gives up following (a sign-in is needed and the window is closed): said always,
/// whatever the notification setting, since the app is about to end without a window.
pub fn notify_follow_stopped<R: Runtime>(app: &AppHandle<R>, core: &Core) {
    let Notice { title, body } = mb_uploader::notices::follow_stopped_notice(app_lang(core));
    if let Err(e) = app
        .notification()
        .builder()
        .title(&title)
        .body(&body)
        .show()
    {
        tracing::warn!(error = %e, "notification failed");
    }
}

/// Once the window is hidden in the tray: the app says it goes on (a send, or the follow-up)
/// and how to bring the window back, so a closed window is not taken for a closed app.
pub fn notify_in_tray<R: Runtime>(app: &AppHandle<R>, core: &Core, sending: bool) {
    let notice = mb_uploader::notices::in_tray_notice(sending, app_lang(core));
    if show_window_notice(app, notice) {
        tracing::info!(sending, "tray notification shown");
    }
}

/// A send left to the tray did not finish: said, with a click that brings the window back,
/// and the tray waits for that click ([`crate::desktop::LINGER`]).
pub fn notify_send_stopped<R: Runtime>(app: &AppHandle<R>, core: &Core) {
    let notice = mb_uploader::notices::send_stopped_notice(app_lang(core));
    if show_window_notice(app, notice) {
        tracing::info!("notification shown: the send left to the tray did not finish");
        remember(app);
    }
}

/// A notification whose click brings the window back; whether it was shown.
fn show_window_notice<R: Runtime>(app: &AppHandle<R>, Notice { title, body }: Notice) -> bool {
    match app
        .notification()
        .builder()
        .title(&title)
        .body(&body)
        .extra(EXTRA_OPEN, "window")
        .show()
    {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "notification failed");
            false
        }
    }
}

/// A notification about an upload was shown now: the tray waits for its click.
fn remember<R: Runtime>(app: &AppHandle<R>) {
    if let Some(last) = app.try_state::<crate::desktop::LastNotice>() {
        *last.0.lock().expect("notice lock") = Some(std::time::Instant::now());
    }
}

/// The language the app speaks (its setting; Russian when the settings cannot be read).
pub fn app_lang(core: &Core) -> mb_text::Lang {
    core.settings()
        .map(|s| notice_lang(&s.language))
        .unwrap_or(mb_text::Lang::Ru)
}

const EXTRA_UPLOAD: &str = "upload_id";
const EXTRA_OPEN: &str = "open";

/// What a click on one of our notifications opens.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// The window as it was (the «работает в фоне» notice).
    Window,
    /// The window, showing this (an upload in History, the Clients screen).
    Show(AppEvent),
}

/// What a click on one of our notifications opens: the upload in History, the Clients screen
/// for an overview warning, or the window itself. Only a click on the notification itself
/// (`tap`: the notification server's `default` action) opens anything.
pub fn notification_target(
    action_id: &str,
    extra: &std::collections::HashMap<String, serde_json::Value>,
) -> Option<Target> {
    if action_id != "tap" {
        return None;
    }
    if let Some(id) = extra.get(EXTRA_UPLOAD).and_then(serde_json::Value::as_u64) {
        return u32::try_from(id)
            .ok()
            .map(|upload_id| Target::Show(AppEvent::ShowUpload { upload_id }));
    }
    match extra.get(EXTRA_OPEN).and_then(serde_json::Value::as_str) {
        Some("clients") => Some(Target::Show(AppEvent::ShowClients)),
        Some("window") => Some(Target::Window),
        _ => None,
    }
}

/// Registered at start: a click on a notification brings the window forward (also from the
/// tray) and opens what the notification was about.
pub fn on_notification_clicks<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |a| {
        let Some(target) = a
            .notification()
            .and_then(|n| notification_target(a.action_id(), n.extra()))
        else {
            return;
        };
        tracing::info!(?target, "notification clicked");
        show_main(&handle);
        if let Target::Show(event) = target {
            let _ = handle.emit(EVENT, event);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_on_a_notification_opens_its_upload_or_the_clients_screen() {
        let extra =
            |k: &str, v: serde_json::Value| std::collections::HashMap::from([(k.to_string(), v)]);
        assert_eq!(
            notification_target("tap", &extra(EXTRA_UPLOAD, 7.into())),
            Some(Target::Show(AppEvent::ShowUpload { upload_id: 7 }))
        );
        assert_eq!(
            notification_target("tap", &extra(EXTRA_OPEN, "clients".into())),
            Some(Target::Show(AppEvent::ShowClients))
        );
        assert_eq!(
            notification_target("tap", &extra(EXTRA_OPEN, "window".into())),
            Some(Target::Window)
        );
        assert_eq!(
            notification_target("dismiss", &extra(EXTRA_UPLOAD, 7.into())),
            None
        );
        assert_eq!(notification_target("tap", &Default::default()), None);
        assert_eq!(
            notification_target("tap", &extra(EXTRA_UPLOAD, (-1).into())),
            None
        );
    }
}
