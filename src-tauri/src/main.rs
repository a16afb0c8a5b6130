//! Metrika Bridge desktop app: a thin shell. Commands are a few lines of glue over
//! `mb-uploader`; if one grows logic, that logic belongs in a crate below.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info, commands::ping])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Metrika Bridge");
}
