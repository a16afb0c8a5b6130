//! Builds the app with the root-level tauri.conf.json and a manifest that lists exactly the
//! app's own commands, so the capability file can allow those and nothing else.

const COMMANDS: &[&str] = &[
    "app_info",
    "accounts",
    "begin_sign_in",
    "complete_sign_in",
    "switch_account",
    "sign_out",
    "counters",
    "goals",
    "create_goal",
    "create_contact_attribute",
    "linking_window",
    "enable_extended_window",
    "pick_file",
    "inspect_file",
    "suggest_mapping",
    "status_values",
    "validate",
    "upload",
    "cancel",
    "history",
    "upload_detail",
    "refresh_status",
    "resend",
    "export_history",
    "overview",
    "settings",
    "save_settings",
    "open_rejected",
    "save_rejected",
    "pick_folder",
    "create_job",
    "run_job",
    "set_job_paused",
    "remove_job",
    "edit_job",
    "set_job_scheduled",
    "job_runs",
    "opened_file",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
