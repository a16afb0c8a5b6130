//! CRM import against the sample fixtures (§5).

use serde_json::{Value, json};

use crate::common::*;

fn data_path(counter: u64, what: &str, query: &str) -> String {
    format!("/cdp/api/v1/counter/{counter}/data/{what}{query}")
}

fn passed(v: &Value, n: u64) {
    let u = &v["uploading"];
    assert_eq!(u["api_validation_status"], "PASSED", "{v}");
    assert_eq!(u["elements_count"], n, "{v}");
    assert_eq!(u["uploading_format"], "CSV");
    assert_eq!(u["uploading_source"], "API");
    assert_eq!(u["entity_type"], "SYSTEM");
    assert!(uuid::Uuid::parse_str(u["uploading_id"].as_str().unwrap()).is_ok());
}

fn failed(v: &Value) {
    assert_eq!(v["uploading"]["api_validation_status"], "FAILED", "{v}");
    assert_eq!(v["uploading"]["elements_count"], 0);
}

#[tokio::test]
async fn simple_orders_comma_sample_passes() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &data_path(
                MEBEL,
                "simple_orders",
                "?merge_mode=SAVE&delimiter_type=COMMA",
            ),
            fixture("simple_orders_comma.csv"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    passed(&v, 5);
    let orders = env.server.state().simple_orders(MEBEL);
    assert_eq!(orders.len(), 5);
    let good = orders.iter().find(|o| o["id"] == "A-10235").unwrap();
    assert_eq!(good["status_type"], "OTHER");
    assert_eq!(
        orders.iter().find(|o| o["id"] == "A-10231").unwrap()["status_type"],
        "PAID"
    );
}

#[tokio::test]
async fn unknown_simple_order_status_fails_unless_switched_to_other() {
    let env = env().await;
    // URAL has no `good_lead` goal, so that status is unknown there.
    let path = data_path(URAL, "simple_orders", "?merge_mode=SAVE");
    let (s, v) = env.upload(&path, fixture("simple_orders_comma.csv")).await;
    assert_eq!(s, 200);
    failed(&v);
    let problems = &env.server.state().cdp_uploads(URAL)[0].problems;
    assert!(
        problems.iter().any(|p| p.contains("good_lead")),
        "{problems:?}"
    );
    env.server.faults().accept_unknown_status_as_other(true);
    let (_, v) = env.upload(&path, fixture("simple_orders_comma.csv")).await;
    passed(&v, 5);
}

#[tokio::test]
async fn cp1251_sample_sent_raw_fails_and_passes_once_transcoded_and_mapped() {
    let env = env().await;
    let path = data_path(
        MEBEL,
        "simple_orders",
        "?merge_mode=SAVE&delimiter_type=SEMICOLON",
    );
    let (_, v) = env
        .upload(&path, fixture("simple_orders_cp1251_ru_statuses.csv"))
        .await;
    failed(&v);
    let utf8_ru = "id;create_date_time;client_uniq_id;client_ids;emails;phones;order_status;revenue;cost;currency\r\n\
Z-7781;10.11.2026 10:15;K-901;1762345098123456789;;;Оплачен;15990;9100;RUB\r\n";
    let (_, v) = env.upload(&path, utf8_ru.into()).await;
    failed(&v);
    let mapped = "id;create_date_time;client_uniq_id;client_ids;emails;phones;order_status;revenue;cost;currency\r\n\
Z-7781;10.11.2026 10:15;K-901;1762345098123456789;;;PAID;15990;9100;RUB\r\n\
Z-7782;10.11.2026 12:40;K-902;;petrova.m@example.ru;;IN_PROGRESS;4200;;RUB\r\n\
Z-7783;11.11.2026 16:05;K-903;;;79169998877;CANCELLED;8800;;RUB\r\n\
Z-7784;12.11.2026 09:30;K-904;;info@romashka-opt.example;;IN_PROGRESS;0;;RUB\r\n\
Z-7785;12.11.2026 19:55;K-905;;;79035550011;SPAM;;;RUB\r\n";
    let (_, v) = env.upload(&path, mapped.into()).await;
    passed(&v, 5);
}

#[tokio::test]
async fn excel_sample_fails_raw_and_passes_normalised() {
    let env = env().await;
    let path = data_path(
        MEBEL,
        "simple_orders",
        "?merge_mode=SAVE&delimiter_type=SEMICOLON",
    );
    let (_, v) = env
        .upload(&path, fixture("simple_orders_excel_semicolon.csv"))
        .await;
    failed(&v);
    let problems = &env.server.state().cdp_uploads(MEBEL)[0].problems;
    assert!(
        problems[0].contains("id"),
        "BOM hides the id column: {problems:?}"
    );
    let normalised = "id;create_date_time;client_uniq_id;client_ids;emails;phones;order_status;revenue;cost;currency\r\n\
B-501;05.11.2026 14:07;;;sergey.ivanov@example.ru;;PAID;12500.50;8000.00;RUB\r\n\
B-502;06.11.2026 09:05;;;;79161234567;PAID;2990.00;;RUB\r\n\
B-503;07.11.2026;;;;79031112233;IN_PROGRESS;1490;;RUB\r\n\
B-504;08.11.26 21:30;;1762101987654321098;;;PAID;349.9;;RUB\r\n\
B-505;2026-11-09 13:00:00;;;mail@yandex.ru;;PAID;100;;RUB\r\n";
    let (_, v) = env.upload(&path, normalised.into()).await;
    passed(&v, 5);
    // Each un-normalised cell alone is rejected.
    for bad in [
        "B-1;06.11.2026 9:05;;;;79161234567;PAID;1;;RUB",
        "B-1;06.11.2026 09:05;;;;+7 (916) 123-45-67;PAID;1;;RUB",
        "B-1;06.11.2026 09:05;;;Sergey@Example.RU;;PAID;1;;RUB",
        "B-1;06.11.2026 09:05;;;;79161234567;PAID;349,9;;RUB",
    ] {
        let f = format!(
            "id;create_date_time;client_uniq_id;client_ids;emails;phones;order_status;revenue;cost;currency\n{bad}\n"
        );
        let (_, v) = env.upload(&path, f.into()).await;
        failed(&v);
    }
}

#[tokio::test]
async fn broken_quoting_sample_fails_naming_lines() {
    let env = env().await;
    let (_, v) = env
        .upload(
            &data_path(MEBEL, "simple_orders", "?merge_mode=SAVE"),
            fixture("bad_broken_quoting.csv"),
        )
        .await;
    failed(&v);
    let p = env.server.state().cdp_uploads(MEBEL)[0].problems.join(" ");
    assert!(p.contains("строке 2") && p.contains("строке 4"), "{p}");
}

#[tokio::test]
async fn contacts_sample_passes_and_keeps_escaped_quotes() {
    let env = env().await;
    let (_, v) = env
        .upload(
            &data_path(
                MEBEL,
                "contacts/csv",
                "?merge_mode=SAVE&delimiter_type=COMMA",
            ),
            fixture("contacts.csv"),
        )
        .await;
    passed(&v, 4);
    let c = env.server.state().contacts(MEBEL);
    assert_eq!(c["C-5534"]["name"], "ООО \"Ромашка-Опт\"");
    assert_eq!(
        c["C-5534"]["client_ids"],
        "1761998877123400001,1763011122334455667"
    );
}

#[tokio::test]
async fn contacts_merge_modes_follow_the_reference() {
    let env = env().await;
    let p = |m: &str| data_path(MEBEL, "contacts/csv", &format!("?merge_mode={m}"));
    env.upload(&p("SAVE"), "uniq_id,name,emails\nC-1,Анна,a@x.ru\n".into())
        .await;
    env.upload(&p("APPEND"), "uniq_id,emails\nC-1,b@x.ru\n".into())
        .await;
    assert_eq!(
        env.server.state().contacts(MEBEL)["C-1"]["emails"],
        "a@x.ru,b@x.ru"
    );
    assert_eq!(env.server.state().contacts(MEBEL)["C-1"]["name"], "Анна");
    env.upload(&p("UPDATE"), "uniq_id,emails\nC-1,c@x.ru\n".into())
        .await;
    assert_eq!(env.server.state().contacts(MEBEL)["C-1"]["name"], "Анна");
    env.upload(&p("SAVE"), "uniq_id,emails\nC-1,d@x.ru\n".into())
        .await;
    assert!(!env.server.state().contacts(MEBEL)["C-1"].contains_key("name"));
}

/// «The creation date never changes» (reference §5.1), in every mode.
#[tokio::test]
async fn a_records_creation_date_never_changes() {
    let env = env().await;
    let p = |m: &str| data_path(MEBEL, "contacts/csv", &format!("?merge_mode={m}"));
    env.upload(
        &p("SAVE"),
        "uniq_id,name,create_date_time\nC-7,Анна,2026-10-02 11:20:00\n".into(),
    )
    .await;
    for mode in ["SAVE", "UPDATE", "APPEND"] {
        let (s, v) = env
            .upload(
                &p(mode),
                "uniq_id,name,create_date_time\nC-7,Анна К.,2026-11-20 09:00:00\n".into(),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let c = &env.server.state().contacts(MEBEL)["C-7"];
        assert_eq!(c["create_date_time"], "2026-10-02 11:20:00", "{mode}");
        assert_eq!(c["name"], "Анна К.", "{mode}: other fields follow the mode");
    }
}

#[tokio::test]
async fn columns_mapping_renames_headers() {
    let env = env().await;
    let q =
        "?merge_mode=SAVE&columns_mapping=%22uniq_id%22%3A%22ID%22%2C%22emails%22%3A%22Email%22";
    let (_, v) = env
        .upload(
            &data_path(MEBEL, "contacts/csv", q),
            "ID,Email\nC-9,z@x.ru\n".into(),
        )
        .await;
    passed(&v, 1);
    assert_eq!(
        env.server.state().contacts(MEBEL)["C-9"]["emails"],
        "z@x.ru"
    );
}

#[tokio::test]
async fn orders_sample_needs_the_status_mapping_first() {
    let env = env().await;
    let path = data_path(
        MEBEL,
        "orders/csv",
        "?merge_mode=SAVE&delimiter_type=SEMICOLON",
    );
    let (_, v) = env.upload(&path, fixture("orders.csv")).await;
    failed(&v);
    let mapping = json!({"order_statuses": [
        {"id": "new", "humanized": "Новая заявка", "type": "IN_PROGRESS"},
        {"id": "delivery", "humanized": "Передан в доставку", "type": "IN_PROGRESS", "goal_action_ids": ["dostavka_kurier"]},
        {"id": "cancelled_by_client", "humanized": "Клиент отказался", "type": "CANCELLED"},
        {"id": "success", "humanized": "Оплачен", "type": "PAID", "goal_action_ids": ["oplata_karta"]}
    ]});
    let (s, r) = env
        .send_json(
            reqwest::Method::POST,
            &format!("/cdp/api/v1/counter/{MEBEL}/schema/order_statuses"),
            &mapping,
        )
        .await;
    assert_eq!((s, r), (200, json!({"success": true})));
    let (_, v) = env.upload(&path, fixture("orders.csv")).await;
    passed(&v, 4);
    assert_eq!(
        env.server.state().orders(MEBEL)["A-10231"]["products"],
        "SOFA-ROMA-3:1,PILLOW-02:2"
    );
    // With the wrong delimiter the header is one column.
    let (_, v) = env
        .upload(
            &data_path(MEBEL, "orders/csv", "?merge_mode=SAVE"),
            fixture("orders.csv"),
        )
        .await;
    failed(&v);
}

#[tokio::test]
async fn request_errors_are_400() {
    let env = env().await;
    let (s, v) = env
        .upload(
            &data_path(MEBEL, "simple_orders", ""),
            fixture("simple_orders_comma.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "missing_parameter"));
    let (s, v) = env
        .upload(
            &data_path(MEBEL, "simple_orders", "?merge_mode=REPLACE"),
            fixture("simple_orders_comma.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
    let (s, v) = env
        .upload(
            &data_path(
                MEBEL,
                "simple_orders",
                "?merge_mode=SAVE&delimiter_type=TAB",
            ),
            fixture("simple_orders_comma.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
    let (s, v) = env
        .upload(
            &data_path(VIEW_ONLY, "simple_orders", "?merge_mode=SAVE"),
            fixture("simple_orders_comma.csv"),
        )
        .await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
}

#[tokio::test]
async fn json_contacts_and_orders_are_validated() {
    let env = env().await;
    let contacts = json!({"contacts":[{"uniq_id":"C-5531","name":"Анна К.","create_date_time":"2026-10-02 11:20:00","update_date_time":"2026-11-05 14:22:10","client_ids":["1762345098123456789"],"emails":["anna.k@example.ru"],"phones":["79161234567"]}]});
    let (s, v) = env
        .send_json(
            reqwest::Method::POST,
            &data_path(MEBEL, "contacts/json", "?merge_mode=SAVE"),
            &contacts,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["uploading"]["api_validation_status"].as_str(),
            v["uploading"]["uploading_format"].as_str()
        ),
        (Some("PASSED"), Some("JSON"))
    );
    let bad = json!({"contacts":[{"uniq_id":"C-1","create_date_time":"02.10.2026 11:20"}]});
    let (_, v) = env
        .send_json(
            reqwest::Method::POST,
            &data_path(MEBEL, "contacts/json", "?merge_mode=SAVE"),
            &bad,
        )
        .await;
    failed(&v);
    let orders = json!({"orders":[{"id":"A-10231","client_uniq_id":"C-5531","client_type":"CONTACT","order_status":"PAID","create_date_time":"2026-11-05 14:22:10","revenue":18450,"cost":11200,"currency":"RUB","goals":[{"goal_action_id":"oplata_karta","price":18450}],"products":{"SOFA-ROMA-3":1,"PILLOW-02":2}}]});
    let (_, v) = env
        .send_json(
            reqwest::Method::POST,
            &data_path(MEBEL, "orders/json", "?merge_mode=SAVE"),
            &orders,
        )
        .await;
    assert_eq!(v["uploading"]["api_validation_status"], "PASSED", "{v}");
    let r = env
        .http
        .post(env.url(&data_path(MEBEL, "orders/json", "?merge_mode=SAVE")))
        .header("Authorization", format!("OAuth {}", env.token))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_type(&v), "invalid_json");
}

#[tokio::test]
async fn last_uploadings_pages_backwards_newest_first() {
    let env = env().await;
    let path = data_path(MEBEL, "contacts/csv", "?merge_mode=SAVE");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, v) = env.upload(&path, fixture("contacts.csv")).await;
        ids.push(v["uploading"]["uploading_id"].as_str().unwrap().to_string());
        env.advance_secs(10);
    }
    let base = format!("/cdp/api/v1/counter/{MEBEL}/last_uploadings");
    let (_, v) = env.get(&format!("{base}?limit=2")).await;
    let got: Vec<&str> = v["uploadings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["uploading_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let oldest = v["uploadings"][1]["datetime"]
        .as_str()
        .unwrap()
        .replace('T', " ")
        .replace('Z', "");
    let (_, v) = env
        .get(&format!(
            "{base}?limit=2&datetime_offset={}",
            oldest.replace(' ', "%20")
        ))
        .await;
    let got: Vec<&str> = v["uploadings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["uploading_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[0].as_str()], "strictly earlier");
    for bad in ["limit=0", "limit=1001", "datetime_offset=yesterday"] {
        let (s, v) = env.get(&format!("{base}?{bad}")).await;
        assert_eq!((s, error_type(&v)), (400, "invalid_parameter"), "{bad}");
    }
}

#[tokio::test]
async fn order_status_validation_and_upsert() {
    let env = env().await;
    let path = format!("/cdp/api/v1/counter/{MEBEL}/schema/order_statuses");
    for bad in [
        json!({"order_statuses": [{"id": "Оплачен", "type": "PAID"}]}),
        json!({"order_statuses": [{"id": "ok", "type": "DONE"}]}),
        json!({"order_statuses": [{"id": "ok", "type": "PAID", "goal_action_ids": "oplata_karta"}]}),
        json!({"order_statuses": [{"id": "ok", "type": "PAID", "goal_action_ids": ["a","b","c","d","e","f","g","h","i","j","k"]}]}),
    ] {
        let (s, v) = env.send_json(reqwest::Method::POST, &path, &bad).await;
        assert_eq!((s, error_type(&v)), (400, "invalid_parameter"), "{bad}");
    }
    env.send_json(
        reqwest::Method::POST,
        &path,
        &json!({"order_statuses": [{"id": "new", "humanized": "Новая", "type": "IN_PROGRESS"}]}),
    )
    .await;
    env.send_json(reqwest::Method::POST, &path, &json!({"order_statuses": [{"id": "new", "humanized": "Новая заявка", "type": "IN_PROGRESS"}, {"id": "x:1", "type": "SPAM"}]})).await;
    let (_, v) = env.get(&path).await;
    let list = v["order_statuses"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["humanized"], "Новая заявка");
    assert_eq!(list[0]["goal_action_ids"], json!([]));
}

#[tokio::test]
async fn attributes_and_products_endpoints_answer() {
    let env = env().await;
    let base = format!("/cdp/api/v1/counter/{MEBEL}/schema");
    let body = json!({"attributes": [{"name": "loyalty", "type_name": "numeric", "multivalued": false, "humanized": "Лояльность"}]});
    let (s, _) = env
        .send_json(
            reqwest::Method::POST,
            &format!("{base}/attributes?entity_type=CONTACT"),
            &body,
        )
        .await;
    assert_eq!(s, 200);
    let (_, v) = env
        .get(&format!("{base}/attributes?entity_type=CONTACT"))
        .await;
    assert_eq!(v["attributes"][0]["name"], "loyalty");
    let (s, v) = env.get(&format!("{base}/attributes")).await;
    assert_eq!((s, error_type(&v)), (400, "missing_parameter"));
    let (s, v) = env
        .send_json(
            reqwest::Method::POST,
            &format!("{base}/products"),
            &json!({"attributes": [], "items": [{"name": "SOFA-ROMA-3", "humanized": "Диван"}]}),
        )
        .await;
    assert_eq!((s, v), (200, json!({"success": true})));
}
