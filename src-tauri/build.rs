//! Builds the app with the root-level tauri.conf.json and a manifest that lists exactly the
//! app's own commands, so the capability file can allow those and nothing else.

const COMMANDS: &[&str] = &["app_info", "ping"];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
