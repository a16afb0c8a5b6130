//! The committed TypeScript bindings must match the Rust types.

use std::path::PathBuf;

#[test]
fn bindings_ts_is_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/bindings.ts");
    let expected = mb_uploader::dto::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "ui/src/ipc/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p mb-uploader bindings`"
    );
}

/// Every file reason the app can show has its words in both languages of the catalogue, and
/// the catalogue has no reason the core cannot send.
#[test]
fn every_file_reason_has_its_text() {
    use mb_uploader::dto::FileReason as R;
    let all = [
        R::NotFound,
        R::PermissionDenied,
        R::Io,
        R::NotRegularFile,
        R::NotAFolder,
        R::FolderNotFound,
        R::Empty,
        R::NoHeader,
        R::UnknownEncoding,
        R::BadDelimiter,
        R::DamagedWorkbook,
        R::WorkbookTooLarge,
        R::SheetNotFound,
        R::NotText,
        R::LineTooLong { line: 7 },
    ];
    for lang in mb_text::Lang::ALL {
        for r in &all {
            assert!(mb_text::text(lang, r.key()).is_some(), "{r:?} {lang:?}");
            assert!(!r.describe(lang).contains("{{"), "{r:?} {lang:?}");
        }
    }
    let keys: Vec<_> = all.iter().map(|r| r.key()).collect();
    for k in mb_text::keys(mb_text::Lang::Ru).filter(|k| k.starts_with("file_reason.")) {
        assert!(keys.contains(&k), "{k} is sent by nothing");
    }
}
