//! The one way every crate opens a user's file: only regular files are read. A FIFO, socket or
//! device would block `open` or `read` forever (a FIFO with no writer never opens); the file is
//! opened without blocking (`O_NONBLOCK` on Unix, which regular files ignore) and its type is
//! checked on the opened handle, so a file swapped between a check and the open cannot slip by.

use std::fs::File;
use std::io;
use std::path::Path;

/// The error inside the `io::Error` that [`open_regular`] returns for anything but a regular
/// file; see [`is_not_regular`].
#[derive(Debug, thiserror::Error)]
#[error("not a regular file (a pipe, socket, device or folder)")]
pub struct NotRegularFile;

/// Opens `path` for reading if it is a regular file (symlinks followed).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, NotRegularFile));
    }
    Ok(file)
}

/// True when `e` is [`open_regular`]'s refusal of a non-regular file.
pub fn is_not_regular(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<NotRegularFile>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_open_and_folders_do_not() {
        let dir = std::env::temp_dir();
        let e = open_regular(&dir).unwrap_err();
        assert!(is_not_regular(&e), "{e}");
        let path = dir.join(format!("mb-schema-fs-{}", std::process::id()));
        std::fs::write(&path, b"id\n1\n").unwrap();
        let mut s = String::new();
        io::Read::read_to_string(&mut open_regular(&path).unwrap(), &mut s).unwrap();
        assert_eq!(s, "id\n1\n");
        std::fs::remove_file(&path).unwrap();
        assert!(!is_not_regular(&open_regular(&path).unwrap_err()));
    }

    /// A FIFO with no writer: `File::open` would block forever; here it is refused at once.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = std::env::temp_dir().join(format!("mb-schema-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("sales.csv");
        let _ = std::fs::remove_file(&fifo);
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let e = open_regular(&fifo).unwrap_err();
        assert!(is_not_regular(&e), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused() {
        assert!(is_not_regular(
            &open_regular(Path::new("/dev/null")).unwrap_err()
        ));
    }
}
