//! Tauri commands: glue only.

use mb_uploader::dto::{AppError, AppInfo};

#[tauri::command]
pub fn app_info() -> Result<AppInfo, AppError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        demo: true,
        data_dir: String::new(),
        api_base: String::new(),
    })
}

/// Echo used by the desktop smoke test to prove a round trip through Rust.
#[tauri::command]
pub fn ping(message: String) -> String {
    format!("Metrika Bridge {}: {message}", env!("CARGO_PKG_VERSION"))
}
