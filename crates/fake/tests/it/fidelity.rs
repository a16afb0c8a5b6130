//! Contract tests written from docs/metrika-api.md, one per place where the fake used to
//! agree with our client instead of with Yandex. Each names the reference section it proves.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

fn up_path(counter: u64, leaf: &str) -> String {
    format!("/management/v1/counter/{counter}/offline_conversions/{leaf}")
}

/// §4.2 "Rows with a bad value": 2 bad rows of 100 are dropped, the file is accepted, and the
/// drop shows only as `line_quantity` < `source_quantity`.
#[tokio::test]
async fn s4_2_a_file_with_two_bad_rows_of_a_hundred_is_accepted_with_98_lines() {
    let env = env().await;
    let mut f = String::from("ClientId,Target,DateTime,Price,Currency\n");
    for i in 0..98 {
        f.push_str(&format!(
            "1762345098123456789,offline_paid,{},100,RUB\n",
            1_794_228_120 + i
        ));
    }
    f.push_str("1762345098123456789,offline_paid,1900000000,100,RUB\n"); // future
    f.push_str(",offline_paid,1794228120,100,RUB\n"); // no identifier
    let (s, v) = env.upload(&up_path(MEBEL, "upload"), f.into()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["source_quantity"], 100);
    assert_eq!(v["uploading"]["line_quantity"], 98);
}

/// §4.2: a row whose only fault is an optional value is kept without that value.
#[tokio::test]
async fn s4_2_a_bad_optional_value_keeps_the_row_without_it() {
    let env = env().await;
    let f = "ClientId,Target,DateTime,Price,Currency\n1762345098123456789,offline_paid,1794228120,12;50,RUB\n";
    let (s, v) = env.upload(&up_path(MEBEL, "upload"), f.into()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["line_quantity"], 1);
    let rows = env.server.state().conversions(MEBEL);
    let row = rows.iter().find(|c| c.date_time == 1794228120).unwrap();
    assert_eq!(row.price, None);
}

/// Start of the one whole-file message Yandex's tests expect (§4.2).
const INVALID_UPLOADING: &str = "Неверный формат данных, ошибка в строке номер";

/// §4.2, §4.5: every whole-file failure of Yandex's negative test — an empty body, a broken
/// header, a header without data, broken data, a missing required column — answers 400
/// `invalid_uploading` «Неверный формат данных, ошибка в строке номер N», for conversions and
/// for calls; N is the line at fault, 1 when the file as a whole is wrong.
#[tokio::test]
async fn s4_2_whole_file_failures_carry_yandexs_message() {
    let env = env().await;
    let basic = "UserId,DateTime,Price,Currency,Target";
    let calls = "UserId,DateTime,Price,Currency,PhoneNumber,TalkDuration,HoldDuration,\
                 CallMissed,Tag,FirstTimeCaller,URL,CallTrackerURL,StaticCall";
    let cases = [
        ("upload", String::new(), 1),
        ("upload", "\"tes\"t".to_string(), 1),
        ("upload", basic.to_string(), 1),
        ("upload", format!("{basic}\n\"tes\"t"), 2),
        (
            "upload",
            "DateTime,Price,Currency,Target\n1481718166,123.45,RUB,GOAL1".into(),
            1,
        ),
        (
            "upload",
            "UserId,Price,Currency,Target\nuser@test.com,123.45,RUB,GOAL1".into(),
            1,
        ),
        (
            "upload",
            "UserId,DateTime,Price,Currency\nuser@test.com,1481718166,123.45,RUB".into(),
            1,
        ),
        ("upload_calls", String::new(), 1),
        ("upload_calls", calls.to_string(), 1),
        ("upload_calls", format!("{calls}\n\"tes\"t"), 2),
        (
            "upload_calls",
            "UserId,Price\nuser@test.com,123.45".into(),
            1,
        ),
        (
            "upload_calls",
            "DateTime,Price\n1481718166,123.45".into(),
            1,
        ),
    ];
    for (leaf, body, line) in cases {
        for query in ["", "?client_id_type=USER_ID"] {
            let (s, v) = env
                .upload(
                    &up_path(MEBEL, &format!("{leaf}{query}")),
                    body.clone().into(),
                )
                .await;
            assert_eq!(
                (s, error_type(&v)),
                (400, "invalid_uploading"),
                "{leaf} {body:?}"
            );
            assert_eq!(
                messages(&v),
                format!("{INVALID_UPLOADING} {line}"),
                "{body:?}"
            );
        }
    }
}

/// §4.1: request errors of an upload start with the words Yandex's tests expect: a body that is
/// not multipart, a part not named `file`, an unknown `client_id_type`, a comment with a
/// character outside the allowed alphabet.
#[tokio::test]
async fn s4_1_request_errors_start_with_yandexs_words() {
    let env = env().await;
    let auth = format!("OAuth {}", env.token);
    let url = env.url(&up_path(MEBEL, "upload?client_id_type=USER_ID"));
    let r = env
        .http
        .post(&url)
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(
        messages(&v).starts_with("Некорректный формат multipart запроса."),
        "{v}"
    );
    let part = reqwest::multipart::Part::bytes(Vec::new())
        .file_name("data.csv")
        .mime_str("text/csv")
        .unwrap();
    let r = env
        .http
        .post(&url)
        .header("Authorization", &auth)
        .multipart(reqwest::multipart::Form::new().part("wrong", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(
        messages(&v).starts_with("Не найден параметр запроса."),
        "{v}"
    );
    let good = "UserId,DateTime,Price,Currency,Target\nuser@test.com,1481718166,123.45,RUB,GOAL1";
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "upload?client_id_type=__invalid_client_id_type__"),
            good.into(),
        )
        .await;
    assert_eq!(s, 400);
    assert!(messages(&v).starts_with("Wrong parameter value"), "{v}");
    // U+1F4C5, the character of Yandex's test.
    let (s, v) = env
        .upload(
            &up_path(MEBEL, "upload?client_id_type=USER_ID&comment=%F0%9F%93%85"),
            good.into(),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(messages(&v), "Комментарий содержит недопустимые символы.");
}

/// §4.2 "Rows with a bad value", with the exact values of Yandex's upload test: one bad row
/// and one good row are accepted as `UPLOADED` with one line; the bad row is dropped.
#[tokio::test]
async fn s4_2_yandexs_bad_rows_are_dropped_and_the_file_accepted() {
    let env = env().await;
    let ws = "\" \t \r\n \"";
    let cases = [
        ("USER_ID", "UserId", "DateTime", "2147483647"),
        ("USER_ID", "UserId", "DateTime", "-1481718166"),
        ("USER_ID", "UserId", "DateTime", "notNumber"),
        ("CLIENT_ID", "ClientId", "ClientId", "-133591247640966458"),
        ("CLIENT_ID", "ClientId", "ClientId", "notNumber"),
        ("YCLID", "Yclid", "Yclid", "asd"),
        ("YCLID", "Yclid", "Yclid", "notNumber"),
        ("USER_ID", "UserId", "UserId", ws),
        ("USER_ID", "UserId", "DateTime", ws),
        ("USER_ID", "UserId", "Target", ws),
        ("CLIENT_ID", "ClientId", "ClientId", ws),
        ("YCLID", "Yclid", "Yclid", ws),
    ];
    let good = |id: &str| match id {
        "UserId" => "user@test.com",
        "ClientId" => "133591247640966458",
        _ => "123123123",
    };
    for (kind, id, bad_col, bad) in cases {
        let cols = [id, "DateTime", "Price", "Currency", "Target"];
        let value = |c: &str| match c {
            "DateTime" => "1481718166",
            "Price" => "123.45",
            "Currency" => "RUB",
            "Target" => "GOAL1",
            other => good(other),
        };
        let bad_row: Vec<&str> = cols
            .iter()
            .map(|c| if *c == bad_col { bad } else { value(c) })
            .collect();
        let good_row: Vec<&str> = cols.iter().map(|c| value(c)).collect();
        let f = format!(
            "{}\n{}\n{}",
            cols.join(","),
            bad_row.join(","),
            good_row.join(",")
        );
        let (s, v) = env
            .upload(
                &up_path(MEBEL, &format!("upload?client_id_type={kind}")),
                f.clone().into(),
            )
            .await;
        assert_eq!(s, 200, "{f:?}: {v}");
        let u = &v["uploading"];
        assert_eq!(u["status"], "UPLOADED", "{f:?}");
        assert_eq!(
            (&u["source_quantity"], &u["line_quantity"]),
            (&json!(2), &json!(1)),
            "{f:?}"
        );
    }
}

/// §4.5: `TalkDuration`/`HoldDuration` take 0…4294967295 (Yandex's test); -1, 4294967296 and a
/// word are bad optional values — the row is kept without them. With the whole-file fault
/// switch on, only the bad values refuse the file, which shows where the bound lies.
#[tokio::test]
async fn s4_5_call_durations_are_bounded_to_u32() {
    let env = env().await;
    let file = |col: &str, v: &str| {
        format!("UserId,DateTime,{col}\nuser@test.com,1481718166,{v}").into_bytes()
    };
    let path = up_path(MEBEL, "upload_calls?client_id_type=USER_ID");
    for col in ["TalkDuration", "HoldDuration"] {
        for v in ["0", "4294967295", "-1", "4294967296", "notNumber"] {
            let (s, v2) = env.upload(&path, file(col, v)).await;
            assert_eq!(s, 200, "{col}={v}: {v2}");
            assert_eq!(v2["uploading"]["line_quantity"], 1, "{col}={v}");
        }
    }
    env.server.faults().reject_files_with_bad_rows(true);
    for col in ["TalkDuration", "HoldDuration"] {
        for (v, status) in [
            ("0", 200),
            ("4294967295", 200),
            ("-1", 400),
            ("4294967296", 400),
        ] {
            let (s, v2) = env.upload(&path, file(col, v)).await;
            assert_eq!(s, status, "{col}={v}: {v2}");
        }
    }
}

/// §4.2: fractional `DateTime` is accepted (whole second) and header names match ignoring
/// case, blanks and punctuation.
#[tokio::test]
async fn s4_2_fractional_datetime_and_punctuated_headers_are_accepted() {
    let env = env().await;
    let f = "[ClientId],Target,Date Time\n1762345098123456789,offline_paid,1794228120.12345\n";
    let (s, v) = env.upload(&up_path(MEBEL, "upload"), f.into()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["line_quantity"], 1);
}

/// §4.5: a `FirstTimeCaller` other than 0/1 drops the value, not the file; the calls page
/// sets no rule for `comment`.
#[tokio::test]
async fn s4_5_calls_keep_rows_with_bad_flags_and_take_any_comment() {
    let env = env().await;
    let f =
        "ClientId,DateTime,FirstTimeCaller,TalkDuration\n1762345098123456789,1794228120,2,abc\n";
    let (s, v) = env
        .upload(&up_path(MEBEL, "upload_calls?comment=file.csv"), f.into())
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["line_quantity"], 1);
}

/// §4.3: LINKAGE_FAILURE means no visitor identifier matched.
#[tokio::test]
async fn s4_3_linkage_failure_only_when_no_identifier_matched() {
    let env = env().await;
    let f = "ClientId,Target,DateTime\n1111111111111111111,offline_paid,1794228120\n";
    let (_, v) = env.upload(&up_path(MEBEL, "upload"), f.into()).await;
    let id = v["uploading"]["id"].as_i64().unwrap();
    env.advance_secs(181);
    let (_, v) = env.get(&up_path(MEBEL, &format!("uploading/{id}"))).await;
    assert_eq!(v["uploading"]["status"], "LINKAGE_FAILURE");
}

/// §4.7: a counter whose window opens tomorrow refuses uploads with Yandex's 400 naming the
/// day, and `visit_join_threshold` says that day.
#[tokio::test]
async fn s4_7_closed_window_refuses_uploads_with_the_date() {
    let env = env().await;
    let counter = mb_fake::WINDOW_OPENS_TOMORROW;
    let (s, v) = env
        .upload(&up_path(counter, "upload"), fixture("offline_clientid.csv"))
        .await;
    assert_eq!(s, 400, "{v}");
    // Reference clock 2026-11-22 07:00 UTC = 11:00 in Europe/Samara: tomorrow is 23.11.2026.
    assert_eq!(
        messages(&v),
        "Загрузить данные сейчас невозможно. Загрузка станет доступна 23.11.2026"
    );
    let (s, v) = env.get(&up_path(counter, "visit_join_threshold")).await;
    assert_eq!((s, v["date"].as_str()), (200, Some("2026-11-23")));
    env.advance_secs(86_400);
    let (s, v) = env
        .upload(&up_path(counter, "upload"), fixture("offline_clientid.csv"))
        .await;
    assert_eq!(s, 200, "{v}");
}

/// §3.2: one seeded counter serves `offline_options` as 0/1.
#[tokio::test]
async fn s3_2_offline_options_may_come_as_zero_one() {
    let env = env().await;
    let (_, v) = env
        .get(&format!(
            "/management/v1/counter/{}",
            mb_fake::CVETY_INT_FLAGS
        ))
        .await;
    let o = &v["counter"]["offline_options"];
    assert_eq!(o["offline_conversion_extended_threshold"], json!(1), "{o}");
    let (_, v) = env.get(&format!("/management/v1/counter/{MEBEL}")).await;
    assert!(v["counter"]["offline_options"]["offline_conversion_extended_threshold"].is_boolean());
}

/// §3.1: an empty `permission=` is no filter, never a silent empty list.
#[tokio::test]
async fn s3_1_empty_permission_is_no_filter() {
    let env = env().await;
    let (_, all) = env.get("/management/v1/counters").await;
    let (s, v) = env.get("/management/v1/counters?permission=").await;
    assert_eq!(s, 200);
    assert_eq!(v["rows"], all["rows"]);
    assert!(v["rows"].as_u64().unwrap() > 0);
}

/// §3.3: goals are served with GET, PUT and DELETE; §6.2: a wrong method answers with the
/// JSON error body and a documented `error_type`.
#[tokio::test]
async fn s3_3_goal_put_and_delete_and_s6_2_json_405() {
    let env = env().await;
    let (_, v) = env
        .get(&format!("/management/v1/counter/{MEBEL}/goals"))
        .await;
    let gid = v["goals"][0]["id"].as_i64().unwrap();
    let path = format!("/management/v1/counter/{MEBEL}/goal/{gid}");
    let body = json!({"goal": {"name": "Оплата (офис)", "type": "action",
        "conditions": [{"type": "exact", "url": "offline_paid"}]}});
    let (s, v) = env.send_json(Method::PUT, &path, &body).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["goal"]["name"], "Оплата (офис)");
    let (s, v) = env.send_json(Method::DELETE, &path, &json!({})).await;
    assert_eq!((s, &v["success"]), (200, &json!(true)), "{v}");
    let (s, v) = env.get(&path).await;
    assert_eq!((s, error_type(&v)), (404, "not_found"));
    let (s, v) = env
        .send_json(
            Method::PATCH,
            &format!("/management/v1/counter/{MEBEL}/goals"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 405, "{v}");
    assert_documented_error_body(&v, 405);
}

const DOCUMENTED: [&str; 20] = [
    "invalid_parameter",
    "missing_parameter",
    "invalid_uploading",
    "invalid_json",
    "limit_exceeded",
    "unauthorized",
    "access_denied",
    "invalid_token",
    "counter_in_connect",
    "not_found",
    "not_acceptable",
    "conflict",
    "quota_requests_by_ip",
    "quota_parallel_requests",
    "quota_requests_by_uid",
    "quota_requests_by_counter_id",
    "quota_delegate_requests",
    "quota_grants_requests",
    "backend_error",
    "timeout",
];

fn assert_documented_error_body(v: &Value, code: u16) {
    assert_eq!(v["code"], code, "{v}");
    assert!(v["message"].is_string(), "{v}");
    let t = error_type(v);
    assert!(DOCUMENTED.contains(&t), "undocumented error_type {t}: {v}");
}

/// §6.2/§6.3 and §2.7: a missing token is 401 `unauthorized` «Неавторизованный пользователь»;
/// an invalid one 403 `invalid_token` "Invalid oauth_token"; an unknown object 404
/// `not_found` «Object with id = … not found».
#[tokio::test]
async fn s6_3_token_and_not_found_errors_follow_one_form_each() {
    let env = env().await;
    let r = env
        .http
        .get(env.url("/management/v1/counters"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_documented_error_body(&v, 401);
    assert_eq!(
        (error_type(&v), messages(&v).as_str()),
        ("unauthorized", "Неавторизованный пользователь")
    );
    let (s, v) = env.get_as("/management/v1/counters", "y0_bogus").await;
    assert_eq!(s, 403);
    assert_documented_error_body(&v, 403);
    assert_eq!(
        (error_type(&v), messages(&v).as_str()),
        ("invalid_token", "Invalid oauth_token")
    );
    let (s, v) = env.get("/management/v1/counter/99999999").await;
    assert_eq!(s, 404);
    assert_documented_error_body(&v, 404);
    assert_eq!(messages(&v), "Object with id = 99999999 not found");
}

fn cdp_path(counter: u64, what: &str) -> String {
    format!("/cdp/api/v1/counter/{counter}/data/{what}?merge_mode=SAVE")
}

fn validation_status(v: &Value) -> &str {
    v["uploading"]["api_validation_status"]
        .as_str()
        .unwrap_or("")
}

/// §5.2 / seed 004: without a mapping, a JS-goal identifier of the counter is a valid status of
/// detailed orders too (type OTHER).
#[tokio::test]
async fn s5_2_js_goal_identifier_is_a_valid_detailed_order_status() {
    let env = env().await;
    let f = "id,client_uniq_id,client_type,create_date_time,order_status\n\
             A-1,C-1,CONTACT,05.11.2026 14:22,offline_paid\n";
    let (s, v) = env.upload(&cdp_path(MEBEL, "orders/csv"), f.into()).await;
    assert_eq!((s, validation_status(&v)), (200, "PASSED"), "{v}");
}

/// §5.3: `birth_date` is not a documented contact column; a column is accepted only when it is
/// documented or declared as a CONTACT attribute of the counter.
#[tokio::test]
async fn s5_3_contacts_refuse_undeclared_columns_such_as_birth_date() {
    let env = env().await;
    let f = "uniq_id,name,birth_date\nC-1,Анна,1990-05-01\n";
    let (s, v) = env.upload(&cdp_path(MEBEL, "contacts/csv"), f.into()).await;
    assert_eq!((s, validation_status(&v)), (200, "FAILED"), "{v}");
    let problems = &env.server.state().cdp_uploads(MEBEL)[0].problems;
    assert!(
        problems.iter().any(|p| p.contains("birth_date")),
        "{problems:?}"
    );
    let (s, v) = env
        .send_json(
            Method::POST,
            &format!("/cdp/api/v1/counter/{MEBEL}/schema/attributes?entity_type=CONTACT"),
            &json!({"attributes": [{"name": "birth_date", "type_name": "date",
                "multivalued": false, "humanized": "Дата рождения"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = env.upload(&cdp_path(MEBEL, "contacts/csv"), f.into()).await;
    assert_eq!((s, validation_status(&v)), (200, "PASSED"), "{v}");
}

/// §4.2: the header spellings of Yandex's upload test — inverted case, and blanks, quotes and
/// brackets around the names — are matched to the documented columns.
#[tokio::test]
async fn s4_2_yandexs_header_spellings_are_matched() {
    let env = env().await;
    let row = "user@test.com,1481718166,123.45,RUB,GOAL1";
    for header in [
        "uSERiD,dATEtIME,pRICE,cURRENCY,tARGET",
        " UserId ,Date Time,'Price',\"\"\"Currency\"\"\",[Target]",
    ] {
        let f = format!("{header}\n{row}");
        let (s, v) = env
            .upload(&up_path(MEBEL, "upload?client_id_type=USER_ID"), f.into())
            .await;
        assert_eq!(s, 200, "{header}: {v}");
        assert_eq!(v["uploading"]["line_quantity"], 1, "{header}");
        assert_eq!(v["uploading"]["status"], "UPLOADED", "{header}");
    }
}
