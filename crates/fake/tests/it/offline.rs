//! Offline conversions and calls against the sample fixtures (§4).

use serde_json::Value;

use crate::common::*;

fn up_path(counter: u64, query: &str) -> String {
    format!("/management/v1/counter/{counter}/offline_conversions/upload{query}")
}

fn assert_counts(u: &Value, source: u64, line: u64) {
    assert_eq!(u["source_quantity"], source, "{u}");
    assert_eq!(u["line_quantity"], line, "{u}");
}

/// Advances past the whole progression and returns the final uploading object.
async fn settle(env: &Env, counter: u64, id: i64, calls: bool) -> Value {
    env.advance_secs(181);
    let seg = if calls {
        "calls_uploading"
    } else {
        "uploading"
    };
    let (s, v) = env
        .get(&format!(
            "/management/v1/counter/{counter}/offline_conversions/{seg}/{id}"
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    v["uploading"].clone()
}

#[tokio::test]
async fn clientid_sample_links_known_visitors_and_omits_client_id_type() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?comment=MU20261122T0700Z1A2B"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let u = &v["uploading"];
    assert_counts(u, 5, 5);
    assert_eq!(u["status"], "UPLOADED");
    assert_eq!(u["type"], "BASIC");
    assert_eq!(u["comment"], "MU20261122T0700Z1A2B");
    assert!(
        u.get("client_id_type").is_none(),
        "no client_id_type was sent: {u}"
    );
    assert_eq!(u["create_time"], "2026-11-22T07:00:00Z");
    let fin = settle(&env, MEBEL, u["id"].as_i64().unwrap(), false).await;
    assert_eq!(fin["status"], "PROCESSED");
    assert_eq!(
        (
            fin["linked_quantity"].as_u64(),
            fin["user_not_found_quantity"].as_u64(),
            fin["goal_not_found_quantity"].as_u64()
        ),
        (Some(3), Some(2), Some(0))
    );
}

#[tokio::test]
async fn states_progress_with_the_clock() {
    let env = env().await;
    let (_, v) = env
        .upload(&up_path(MEBEL, ""), fixture("offline_clientid.csv"))
        .await;
    let id = v["uploading"]["id"].as_i64().unwrap();
    let path = format!("/management/v1/counter/{MEBEL}/offline_conversions/uploading/{id}");
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (_, v) = env.get(&path).await;
        seen.push(v["uploading"]["status"].as_str().unwrap().to_string());
        env.advance_secs(60);
    }
    assert_eq!(seen, ["UPLOADED", "EXPORTED", "MATCHED", "PROCESSED"]);
}

#[tokio::test]
async fn legacy_client_id_type_is_echoed() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?client_id_type=USER_ID"),
            fixture("offline_userid.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["client_id_type"], "USER_ID");
    assert_counts(&v["uploading"], 4, 4);
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), false).await;
    assert_eq!(fin["linked_quantity"], 2);
    assert_eq!(fin["user_not_found_quantity"], 2);
}

#[tokio::test]
async fn yclid_sample_keeps_ids_as_strings() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?client_id_type=YCLID"),
            fixture("offline_yclid.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let stored = env.server.state().conversions(MEBEL);
    assert!(
        stored
            .iter()
            .any(|c| c.id_kind == "Yclid" && c.id_value == "7321456098712345601")
    );
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), false).await;
    assert_eq!(
        (
            fin["linked_quantity"].as_u64(),
            fin["user_not_found_quantity"].as_u64()
        ),
        (Some(2), Some(1))
    );
}

#[tokio::test]
async fn mixed_ids_work_without_type_and_lose_rows_with_a_single_legacy_type() {
    let env = env().await;
    let (s, v) = env
        .upload(&up_path(MEBEL, ""), fixture("offline_mixed_ids.csv"))
        .await;
    assert_eq!(s, 200, "{v}");
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), false).await;
    assert_eq!(
        (
            fin["linked_quantity"].as_u64(),
            fin["user_not_found_quantity"].as_u64()
        ),
        (Some(3), Some(2))
    );
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?client_id_type=CLIENT_ID"),
            fixture("offline_mixed_ids.csv"),
        )
        .await;
    // Rows without the ClientId that the legacy type demands are dropped (§4.2).
    assert_eq!(s, 200, "{v}");
    assert_counts(&v["uploading"], 5, 2);
}

#[tokio::test]
async fn purchase_id_is_not_a_client_id_type() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?client_id_type=PURCHASE_ID"),
            fixture("offline_mixed_ids.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
    let (s, _) = env
        .upload(
            &up_path(MEBEL, "?client_id_type=client_id"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!(s, 400);
}

/// docs/metrika-api.md §4.2 "Rows with a bad value": a future `DateTime` drops the row, the
/// file is accepted and the drop shows as `line_quantity` < `source_quantity`.
#[tokio::test]
async fn future_datetime_rows_are_dropped_and_the_file_accepted() {
    let env = env().await;
    let (s, v) = env
        .upload(&up_path(MEBEL, ""), fixture("bad_future_datetime.csv"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_counts(&v["uploading"], 4, 1);
}

/// The old whole-file rejection stays available as a fault switch.
#[tokio::test]
async fn whole_file_rejection_on_bad_rows_is_a_fault_switch() {
    let env = env().await;
    env.server.faults().reject_files_with_bad_rows(true);
    let (s, v) = env
        .upload(&up_path(MEBEL, ""), fixture("bad_future_datetime.csv"))
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
    assert_eq!(v["code"], 400);
    let m = messages(&v);
    for line in ["Строка 3", "Строка 4", "Строка 5"] {
        assert!(m.contains(line), "{m}");
    }
    assert!(!m.contains("Строка 2"), "{m}");
    assert!(env.server.state().uploads(MEBEL).is_empty());
}

/// docs/metrika-api.md §4.2: a missing required column fails the whole file with
/// `invalid_uploading` and Yandex's one whole-file message, at the header line.
#[tokio::test]
async fn missing_target_column_fails_the_whole_file() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, ""),
            fixture("bad_missing_target_column.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
    assert_eq!(
        messages(&v),
        "Неверный формат данных, ошибка в строке номер 1"
    );
}

#[tokio::test]
async fn unknown_currency_is_accepted_but_loses_revenue() {
    let env = env().await;
    let (s, v) = env
        .upload(&up_path(MEBEL, ""), fixture("bad_unknown_currency.csv"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_counts(&v["uploading"], 5, 5);
    let upload_id = v["uploading"]["id"].as_i64().unwrap();
    let rows: Vec<_> = env
        .server
        .state()
        .conversions(MEBEL)
        .into_iter()
        .filter(|c| c.upload_id == upload_id)
        .collect();
    assert_eq!(rows.len(), 5);
    let priced: Vec<_> = rows.iter().filter(|c| c.price.is_some()).collect();
    assert_eq!(priced.len(), 1);
    assert_eq!(
        (priced[0].price.as_deref(), priced[0].currency.as_deref()),
        (Some("4500"), Some("RUB"))
    );
}

#[tokio::test]
async fn same_conversion_twice_keeps_the_last_price() {
    let env = env().await;
    let a = "ClientId,Target,DateTime,Price,Currency\n1762345098123456789,offline_paid,1794228120,100,RUB\n";
    let b = "ClientId,Target,DateTime,Price,Currency\n1762345098123456789,offline_paid,1794228120,250.50,RUB\n";
    env.upload(&up_path(MEBEL, ""), a.into()).await;
    env.upload(&up_path(MEBEL, ""), b.into()).await;
    let same: Vec<_> = env
        .server
        .state()
        .conversions(MEBEL)
        .into_iter()
        .filter(|c| c.date_time == 1794228120)
        .collect();
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].price.as_deref(), Some("250.50"));
}

#[tokio::test]
async fn goal_name_in_target_counts_as_goal_not_found_not_linkage_failure() {
    let env = env().await;
    let f = "ClientId,Target,DateTime\n1762345098123456789,Оплата в офисе,1794228120\n";
    let (_, v) = env.upload(&up_path(MEBEL, ""), f.into()).await;
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), false).await;
    assert_eq!(fin["goal_not_found_quantity"], 1);
    // docs/metrika-api.md §4.3: LINKAGE_FAILURE means no visitor identifier matched; this
    // visitor is known, only the goal is not, so the upload is PROCESSED with nothing linked.
    assert_eq!(fin["linked_quantity"], 0);
    assert_eq!(fin["status"], "PROCESSED");
}

#[tokio::test]
async fn file_problems_are_400s() {
    let env = env().await;
    let (s, v) = env.upload(&up_path(MEBEL, ""), Vec::new()).await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
    assert!(messages(&v).contains("строке номер 1"), "{v}");
    let (s, v) = env
        .upload(
            &up_path(MEBEL, ""),
            "ClientId,Target,DateTime\n1.76235E+18,offline_paid,1794228120\n".into(),
        )
        .await;
    // docs/metrika-api.md §4.2: an invalid identifier drops the row, not the file.
    assert_eq!(s, 200, "{v}");
    assert_counts(&v["uploading"], 1, 0);
    let (s, v) = env
        .upload(
            &up_path(MEBEL, ""),
            "ClientId,Target,DateTime\n\"1762345098123456789,offline_paid,1794228120\n".into(),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
    assert!(messages(&v).contains("строке номер 2"), "{v}");
    let (s, v) = env
        .upload(
            &up_path(MEBEL, ""),
            "ClientId;Target;DateTime\n1;offline_paid;1794228120\n".into(),
        )
        .await;
    assert_eq!(s, 400, "semicolons are not read as delimiters: {v}");
    // No multipart `file` part at all.
    let r = env
        .http
        .post(env.url(&up_path(MEBEL, "")))
        .header("Authorization", format!("OAuth {}", env.token))
        .multipart(reqwest::multipart::Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_type(&v), "missing_parameter");
    assert!(
        messages(&v).starts_with("Не найден параметр запроса."),
        "{v}"
    );
}

#[tokio::test]
async fn oversized_file_is_rejected() {
    let (mut cfg, clock) = config();
    cfg.max_upload_bytes = 100;
    let env = env_with(cfg, clock).await;
    let mut body = String::from("ClientId,Target,DateTime\n");
    for _ in 0..10 {
        body.push_str("1762345098123456789,offline_paid,1794228120\n");
    }
    let (s, v) = env.upload(&up_path(MEBEL, ""), body.into()).await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
}

#[tokio::test]
async fn view_only_and_unknown_counters_are_refused() {
    let env = env().await;
    let (s, v) = env
        .upload(&up_path(VIEW_ONLY, ""), fixture("offline_clientid.csv"))
        .await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
    let (s, v) = env
        .upload(&up_path(99999999, ""), fixture("offline_clientid.csv"))
        .await;
    assert_eq!((s, error_type(&v)), (404, "not_found"));
    let (s, v) = env
        .upload(&up_path(SHOP, ""), fixture("offline_clientid.csv"))
        .await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
}

#[tokio::test]
async fn comment_alphabet_is_enforced() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?comment=CRMexport22nov"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // docs/metrika-api.md §4.1: digits and Latin/Cyrillic letters only for conversions.
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?comment=CRM%20export"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
    assert_eq!(messages(&v), "Комментарий содержит недопустимые символы.");
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?comment=a%26b%3Dc"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
}

#[tokio::test]
async fn calls_sample_counts_static_and_dynamic_calls() {
    let env = env().await;
    let path = format!(
        "/management/v1/counter/{MEBEL}/offline_conversions/upload_calls?client_id_type=CLIENT_ID&new_goal_name=%D0%97%D0%B2%D0%BE%D0%BD%D0%BE%D0%BA"
    );
    let (s, v) = env.upload(&path, fixture("calls_clientid.csv")).await;
    assert_eq!(s, 200, "{v}");
    let u = &v["uploading"];
    assert_eq!(
        (
            u["type"].as_str(),
            u["static_calls_quantity"].as_u64(),
            u["dynamic_calls_quantity"].as_u64()
        ),
        (Some("CALLS"), Some(1), Some(3))
    );
    let fin = settle(&env, MEBEL, u["id"].as_i64().unwrap(), true).await;
    assert_eq!(
        (fin["status"].as_str(), fin["linked_quantity"].as_u64()),
        (Some("PROCESSED"), Some(2))
    );
    // The static call is counted on its own, not as a visitor not found: of the three
    // dynamic calls, two linked and one did not.
    assert_eq!(fin["user_not_found_quantity"].as_u64(), Some(1), "{fin}");
    assert!(
        env.server
            .state()
            .goals(MEBEL)
            .iter()
            .any(|g| g.kind == "call" && g.name == "Звонок")
    );
    let (_, list) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/calls_uploadings"
        ))
        .await;
    assert_eq!(list["uploadings"][0]["id"], u["id"]);
    let (s, _) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/calls_uploading/{}",
            1
        ))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn all_static_calls_end_in_linkage_failure() {
    let env = env().await;
    let f = "ClientId,DateTime,StaticCall\n1762345098123456789,1794294873,1\n1761998877123400001,1794294900,1\n";
    let path = format!("/management/v1/counter/{MEBEL}/offline_conversions/upload_calls");
    let (s, v) = env.upload(&path, f.into()).await;
    assert_eq!(s, 200, "{v}");
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), true).await;
    assert_eq!(fin["status"], "LINKAGE_FAILURE");
    assert!(fin.get("client_id_type").is_none());
}

#[tokio::test]
async fn calls_through_upload_type_calls_are_listed_as_calls() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "?type=CALLS"),
            fixture("calls_clientid.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, list) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/uploadings?type=CALLS"
        ))
        .await;
    assert_eq!(list["uploadings"][0]["id"], v["uploading"]["id"]);
}

#[tokio::test]
async fn uploadings_list_is_newest_first_with_zero_based_offset() {
    let env = env().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, v) = env
            .upload(&up_path(AGENCY_OWN, ""), fixture("offline_clientid.csv"))
            .await;
        ids.push(v["uploading"]["id"].as_i64().unwrap());
        env.advance_secs(1);
    }
    let base = format!("/management/v1/counter/{AGENCY_OWN}/offline_conversions/uploadings");
    let (_, all) = env.get(&base).await;
    let got: Vec<i64> = all["uploadings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(&got[..3], &[ids[2], ids[1], ids[0]]);
    assert!(got.len() > 3, "seeded history follows");
    let (_, page) = env.get(&format!("{base}?limit=1&offset=1")).await;
    assert_eq!(page["uploadings"].as_array().unwrap().len(), 1);
    assert_eq!(page["uploadings"][0]["id"], ids[1]);
    let (s, v) = env.get(&format!("{base}?type=NOPE")).await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
}

#[tokio::test]
async fn stored_upload_rows_can_be_read_back() {
    let env = env().await;
    let (_, v) = env
        .upload(&up_path(MEBEL, ""), fixture("offline_clientid.csv"))
        .await;
    let rows = env
        .server
        .state()
        .upload_rows(v["uploading"]["id"].as_i64().unwrap())
        .unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0][0], "ClientId");
}

#[tokio::test]
async fn conversions_older_than_21_days_do_not_link() {
    let env = env().await;
    // 2026-10-01: a known visitor, but outside the 21-day window.
    let f = "ClientId,Target,DateTime\n1762345098123456789,offline_paid,1790827200\n";
    let (_, v) = env.upload(&up_path(MEBEL, ""), f.into()).await;
    let fin = settle(&env, MEBEL, v["uploading"]["id"].as_i64().unwrap(), false).await;
    assert_eq!(
        (
            fin["linked_quantity"].as_u64(),
            fin["user_not_found_quantity"].as_u64()
        ),
        (Some(0), Some(1))
    );
}

#[tokio::test]
async fn seeded_history_is_listed_but_not_counted_as_received() {
    let env = env().await;
    assert!(env.server.state().uploads(MEBEL).is_empty());
    let seeded = env.server.state().all_uploads(MEBEL);
    assert!(!seeded.is_empty());
    let (_, v) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/uploadings"
        ))
        .await;
    let statuses: Vec<&str> = v["uploadings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    for s in ["PROCESSED", "MATCHED", "EXPORTED", "UPLOADED"] {
        assert!(statuses.contains(&s), "{statuses:?}");
    }
}

/// The linking window as `visit_join_threshold` states it (reference §4.7): on a counter whose
/// extended window was switched on 5 days ago nothing older links; with it off, only today's.
#[tokio::test]
async fn conversions_before_the_counters_linking_window_do_not_link() {
    const FIVE_DAYS_ON: u64 = 51234503; // Europe/Moscow
    const NEVER_ON: u64 = 51234507; // Asia/Novosibirsk (UTC+7): 14:00 at REFERENCE_NOW
    let env = env().await;
    // REFERENCE_NOW is 2026-11-22T07:00Z; known visitors, known goal.
    let ten_days = 1_794_466_800; // 2026-11-12T07:00Z
    let two_days = 1_795_158_000; // 2026-11-20T07:00Z
    let this_morning = 1_795_323_600; // 2026-11-22T05:00Z, 12:00 in Novosibirsk
    let linked = |f: &Value| {
        (
            f["linked_quantity"].as_u64(),
            f["user_not_found_quantity"].as_u64(),
        )
    };
    for (counter, when, expected, what) in [
        (
            FIVE_DAYS_ON,
            ten_days,
            (Some(0), Some(1)),
            "before the window was switched on",
        ),
        (
            FIVE_DAYS_ON,
            two_days,
            (Some(1), Some(0)),
            "inside the growing window",
        ),
        (
            NEVER_ON,
            two_days,
            (Some(0), Some(1)),
            "window off: not today",
        ),
        (
            NEVER_ON,
            this_morning,
            (Some(1), Some(0)),
            "window off: today",
        ),
    ] {
        let (_, t) = env
            .get(&format!(
                "/management/v1/counter/{counter}/offline_conversions/visit_join_threshold"
            ))
            .await;
        let f = format!("ClientId,Target,DateTime\n1762345098123456789,offline_paid,{when}\n");
        let (s, v) = env.upload(&up_path(counter, ""), f.into()).await;
        assert_eq!(s, 200, "{v}");
        let fin = settle(&env, counter, v["uploading"]["id"].as_i64().unwrap(), false).await;
        assert_eq!(linked(&fin), expected, "{what} (threshold {t})");
    }
}
