//! The real OS keychain, and the user-only file where no keychain answers. The keychain test
//! runs where a Secret Service answers (CI wraps the tests in `dbus-run-session` with an
//! unlocked gnome-keyring, and there a missing keychain fails the test); on a developer's
//! machine without one it says why and returns. The file fallback runs everywhere: in a child
//! process whose session bus points nowhere, so the real probe fails even in CI.

use mb_api::Token;
use mb_api::tokens::{KeyringStore, StoreKind, StoredToken, TokenStore};

#[test]
fn keychain_store_keeps_several_accounts_when_a_secret_service_exists() {
    let in_ci = std::env::var_os("CI").is_some_and(|v| v == "true");
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            !in_ci,
            "CI must run this test inside scripts/with-keyring.sh"
        );
        eprintln!("SKIP keychain test: no D-Bus session (run under dbus-run-session)");
        return;
    }
    if let Err(why) = KeyringStore::probe() {
        assert!(
            !in_ci,
            "the keychain of scripts/with-keyring.sh does not answer: {why}"
        );
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
    const CHILD: &str = "MB_TEST_NO_KEYCHAIN_CHILD";
    const NAME: &str = "keychain::without_a_keychain_tokens_go_to_a_private_file";
    if std::env::var_os(CHILD).is_none() {
        // Re-run this very test in a child whose session bus does not exist: the keychain
        // probe fails there whatever this machine has.
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/metrika-bridge-test-bus",
            )
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "child run failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
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
