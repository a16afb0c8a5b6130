//! Builds the app with the root-level tauri.conf.json and a manifest that lists exactly the
//! app's own commands, so the capability file can allow those and nothing else.

/// The one Tauri command: it dispatches mb-uploader's command table (see commands/mod.rs).
const COMMANDS: &[&str] = &["call"];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
