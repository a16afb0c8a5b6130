//! An empty Tauri app: one window and the one command its page calls after its first frame.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

/// The page painted its first screen: print the moment (wall clock, µs) for the benchmark.
#[tauri::command]
fn first_screen(page_ms: f64) {
    let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    println!("first screen painted at_us={} page_ms={page_ms}", at.as_micros());
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![first_screen])
        .run(tauri::generate_context!())
        .expect("error while running the empty app");
}
