//! A second launch on Linux hands its arguments to the running window before it starts anything.
//!
//! `tauri-plugin-single-instance` finds the running instance only once Tauri is up: by then GTK,
//! GLib's main and D-Bus threads, the X11 and accessibility threads and the log writer are
//! running in the second process, and the plugin ends it with `std::process::exit`, whose exit
//! handlers and static destructors race those threads. In CI that second process died now and
//! then with SIGSEGV ("segfault at 10 … in libc.so.6", on a thread other than the main one)
//! after it had handed over its file. So a second launch first asks the running instance
//! itself, through the plugin's own D-Bus interface, before any of them start, and then ends
//! without running exit handlers at all ([`end`]): a thread JavaScriptCore starts when its
//! library is loaded is there even this early. The plugin still owns the name, serves the
//! interface, and covers two launches that race each other, and the platforms below.

/// True when a running Metrika Bridge took this launch's arguments (it focuses its window and
/// opens the file among them): this process then has nothing left to do.
#[cfg(target_os = "linux")]
pub fn to_running_instance(identifier: &str) -> bool {
    let (name, path) = plugin_address(identifier);
    let Ok(bus) = zbus::blocking::Connection::session() else {
        return false;
    };
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    // No owner of the name: the bus answers at once (ServiceUnknown), this is the first launch.
    bus.call_method(
        Some(name.as_str()),
        path.as_str(),
        Some("org.SingleInstance.DBus"),
        "ExecuteCallback",
        &(argv, cwd.to_string_lossy().as_ref()),
    )
    .is_ok()
}

/// Ends the process that handed over, at once: nothing was opened that needs closing, and exit
/// handlers would only race the threads of the libraries loaded with the app (see above).
#[cfg(target_os = "linux")]
pub fn end() -> ! {
    // SAFETY: `_exit` takes no pointers and does not return; skipping the exit handlers and
    // destructors is the point. Standard error is unbuffered and nothing else was written.
    #[allow(unsafe_code)]
    unsafe {
        libc::_exit(0)
    }
}

#[cfg(not(target_os = "linux"))]
pub fn end() -> ! {
    std::process::exit(0)
}

/// Elsewhere the plugin's own hand-over (a named mutex and a window message on Windows, the
/// application delegate on macOS) ends the second launch without that race.
#[cfg(not(target_os = "linux"))]
pub fn to_running_instance(_identifier: &str) -> bool {
    false
}

/// The bus name and object path the plugin (2.5, without its `semver` feature) serves for an
/// app identifier.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn plugin_address(identifier: &str) -> (String, String) {
    let name = format!("{identifier}.SingleInstance");
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    (name, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_is_the_plugins() {
        assert_eq!(
            super::plugin_address("ru.metrikabridge.desktop"),
            (
                "ru.metrikabridge.desktop.SingleInstance".to_string(),
                "/ru/metrikabridge/desktop/SingleInstance".to_string()
            )
        );
        assert_eq!(super::plugin_address("a-b.c").1, "/a_b/c/SingleInstance");
    }
}
