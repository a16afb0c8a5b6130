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

/// The name of this app's instance: its identifier, and for a data folder given by
/// `MBRIDGE_DATA_DIR` (a second profile, a portable copy, a test) a suffix from that folder,
/// so each profile is an instance of its own and a second launch hands its file to the window
/// of the same profile, never to another's. (On Linux, where the name is a D-Bus name; the
/// plugin keys Windows and macOS by the identifier alone.)
pub fn instance_id(identifier: &str, data_dir: Option<&std::path::Path>) -> String {
    let Some(dir) = data_dir else {
        return identifier.to_owned();
    };
    // One name for every way of writing the folder: `b`, `./b/`, a symlink to it.
    let dir = dir.canonicalize().unwrap_or_else(|_| {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(dir)
        };
        dir.components().collect()
    });
    // FNV-1a: the same in every build, so two launches of any version agree.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in dir.to_string_lossy().trim_end_matches('/').bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{identifier}.p{:08x}", h as u32)
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

    #[test]
    fn each_data_folder_is_an_instance_of_its_own() {
        use std::path::Path;
        let id = "ru.metrikabridge.desktop";
        assert_eq!(super::instance_id(id, None), id);
        let a = super::instance_id(id, Some(Path::new("/home/u/profile-a")));
        let b = super::instance_id(id, Some(Path::new("/home/u/profile-b")));
        assert_ne!(a, b);
        assert!(
            a.starts_with("ru.metrikabridge.desktop.p") && a.len() == id.len() + 10,
            "{a}"
        );
        assert_eq!(
            a,
            super::instance_id(id, Some(Path::new("/home/u/profile-a/")))
        );
        assert_eq!(
            a,
            super::instance_id(id, Some(Path::new("/home//u/./profile-a")))
        );
        // A folder that exists is named by its real path.
        let real = std::env::temp_dir().join(format!("mb-instance-{}", std::process::id()));
        std::fs::create_dir_all(real.join("b")).unwrap();
        assert_eq!(
            super::instance_id(id, Some(&real.join("b/../b/."))),
            super::instance_id(id, Some(&real.join("b")))
        );
        std::fs::remove_dir_all(&real).unwrap();
        // A valid D-Bus name element: it starts with a letter.
        assert!(
            super::plugin_address(&a)
                .1
                .starts_with("/ru/metrikabridge/desktop/p")
        );
    }
}
