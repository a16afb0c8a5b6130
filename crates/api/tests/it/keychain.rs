//! The real OS keychain. Runs only where a Secret Service answers (CI wraps the tests in
//! `dbus-run-session` with an unlocked gnome-keyring); elsewhere it says why and returns.

use mb_api::Token;
use mb_api::tokens::{KeyringStore, StoreKind, StoredToken, TokenStore};

#[test]
fn keychain_store_keeps_several_accounts_when_a_secret_service_exists() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("SKIP keychain test: no D-Bus session (run under dbus-run-session)");
        return;
    }
    if let Err(why) = KeyringStore::probe() {
        eprintln!("SKIP keychain test: keychain does not answer: {why}");
        return;
    }
    let store = KeyringStore::new(format!("metrika-bridge-test-{}", std::process::id()));
    assert_eq!(store.kind(), StoreKind::Keychain);
    let t = |a: &str| StoredToken {
        access: Token::new(a),
        refresh: None,
        expires_at: Some("2027-01-01T00:00:00Z".parse().unwrap()),
        scope: None,
    };
    store.put("shop-owner", &t("y0_one")).unwrap();
    store.put("demo-agency", &t("y0_two")).unwrap();
    assert_eq!(store.get("shop-owner").unwrap(), Some(t("y0_one")));
    assert_eq!(
        store.list_logins().unwrap(),
        vec!["demo-agency", "shop-owner"]
    );
    store.delete("shop-owner").unwrap();
    store.delete("demo-agency").unwrap();
    assert_eq!(store.get("shop-owner").unwrap(), None);
    assert!(store.list_logins().unwrap().is_empty());
}

#[test]
fn without_a_keychain_tokens_go_to_a_private_file() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        eprintln!("SKIP file-fallback test: a D-Bus session exists here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = mb_api::tokens::open_token_store(dir.path());
    assert_eq!(store.kind(), StoreKind::File);
    let t = StoredToken {
        access: Token::new("y0_f"),
        refresh: None,
        expires_at: None,
        scope: None,
    };
    store.put("shop-owner", &t).unwrap();
    let path = dir.path().join(mb_api::tokens::TOKEN_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(store.get("shop-owner").unwrap(), Some(t));
}
