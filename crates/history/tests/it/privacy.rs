//! The database never holds the OAuth token nor raw contact data: after a realistic session,
//! every byte of the database files is scanned for them.

use crate::common::{new_upload, report};
use mb_history::{ClientProfile, Error, ServerReport, SourceFile, Store, row_hash};
use mb_schema::{MergeMode, UploadKind};
use serde_json::json;
use std::path::Path;

const TOKEN: &str = "y0_AgAAAAB4fAkeTokenDoNotStore9xQ";
const EMAIL: &str = "olga.smirnova@example.ru";
const PHONE: &str = "79123456789";

fn files_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "source.csv" {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_clean(dir: &Path) {
    let files = files_bytes(dir);
    assert!(files.iter().any(|(n, _)| n.ends_with("history.sqlite")));
    for (name, bytes) in &files {
        for secret in [TOKEN, EMAIL, "smirnova", PHONE] {
            assert!(!contains(bytes, secret), "{secret} found in {name}");
        }
    }
}

#[test]
fn no_token_and_no_contact_data_reach_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.csv");
    std::fs::write(
        &source,
        format!("emails,phones,create_date_time\n{EMAIL},{PHONE},2026-11-20 10:00:00\n"),
    )
    .unwrap();
    let s = Store::open(dir.path().join("history.sqlite")).unwrap();

    s.add_account("agency-login", Some("Агентство")).unwrap();
    // A careless caller trying to keep the token in settings is refused, and the error
    // names the key, never the value.
    let err = s.set_setting("oauth_token", TOKEN).unwrap_err();
    assert!(matches!(err, Error::SecretSetting(_)));
    assert!(!format!("{err} {err:?}").contains(TOKEN));
    s.set_setting("ui.language", "ru").unwrap();
    s.save_profile(&ClientProfile {
        counter_id: 2215573,
        account_login: "agency-login".into(),
        counter_name: Some("Цветы".into()),
        default_goal: Some("offline_paid".into()),
        currency: Some("RUB".into()),
        time_zone: Some("Europe/Moscow".into()),
        merge_mode: MergeMode::Save,
        hash_contacts: true,
        ledger_opt_in: true,
    })
    .unwrap();
    let sig = "0c4f7d2a9b8e1f36";
    let t = s
        .save_template(
            UploadKind::Contacts,
            sig,
            "CRM",
            &json!({"emails": "emails"}),
        )
        .unwrap();

    let mut n = new_upload(2215573, UploadKind::Contacts, "");
    n.source = SourceFile::from_path(&source).unwrap();
    n.mapping_template_id = Some(t);
    let u = s.record_prepared(&n).unwrap();
    assert_eq!(u.source.name, "source.csv");
    assert_eq!(u.source.size, std::fs::metadata(&source).unwrap().len());

    // First attempt: the server refuses it, echoing a value.
    s.mark_sending(u.id).unwrap();
    s.mark_rejected(
        u.id,
        Some(&format!("line 2: bad phone {PHONE}, email {EMAIL}")),
    )
    .unwrap();

    // Second attempt goes through; the ledger learns hashed keys.
    let u2 = s.record_prepared(&n).unwrap();
    s.mark_sending(u2.id).unwrap();
    let r = ServerReport {
        elements_count: Some(1),
        message: Some(format!("accepted {EMAIL}")),
        ..report("PASSED")
    };
    s.mark_sent(u2.id, "9c0e3b7e-3f5e-4d7a-9d55-0b2f6f1c2a11", &r)
        .unwrap();
    s.ledger_commit(u2.id, [(row_hash(&[EMAIL]), row_hash(&[EMAIL, PHONE]))])
        .unwrap();

    let mut csv = Vec::new();
    s.export_csv(&Default::default(), &jiff::tz::TimeZone::UTC, &mut csv)
        .unwrap();
    assert!(!contains(&csv, EMAIL) && !contains(&csv, PHONE));

    assert_clean(dir.path()); // with the WAL still present
    drop(s);
    assert_clean(dir.path()); // after the final checkpoint
}
