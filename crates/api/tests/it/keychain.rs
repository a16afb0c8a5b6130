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
