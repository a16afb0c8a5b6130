//! Templates, status maps, profiles, accounts and settings.

use crate::common::store;
use jiff::SignedDuration;
use mb_history::{ClientProfile, Error, StatusMapEntry};
use mb_schema::{MergeMode, OrderStatusType, UploadKind};
use serde_json::json;

#[test]
fn templates_are_found_by_kind_and_header_signature_and_sorted_by_use() {
    let (s, clock) = store();
    // The signature is opaque to the store (mb-import computes it from the header row).
    let sig = "5f1c0a9e3b2d4c71".to_string();
    let a = s
        .save_template(
            UploadKind::SimpleOrders,
            &sig,
            "amoCRM",
            &json!({"Дата": "create_date_time"}),
        )
        .unwrap();
    assert!(s.template_for(UploadKind::Orders, &sig).unwrap().is_none());
    let t = s
        .template_for(UploadKind::SimpleOrders, "5f1c0a9e3b2d4c71")
        .unwrap()
        .unwrap();
    assert_eq!((t.id, t.name.as_str()), (a, "amoCRM"));
    assert_eq!(t.body["Дата"], "create_date_time");

    clock.advance(SignedDuration::from_secs(10));
    let b = s
        .save_template(UploadKind::Conversions, "other", "Битрикс", &json!({}))
        .unwrap();
    assert_eq!(
        s.templates(None)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        [b, a]
    );
    clock.advance(SignedDuration::from_secs(10));
    s.touch_template(a).unwrap();
    assert_eq!(s.templates(None).unwrap()[0].id, a);
    assert_eq!(s.templates(Some(UploadKind::Conversions)).unwrap().len(), 1);

    // Saving again for the same signature replaces, keeping the id.
    let again = s
        .save_template(
            UploadKind::SimpleOrders,
            &sig,
            "amoCRM v2",
            &json!({"x": 1}),
        )
        .unwrap();
    assert_eq!(again, a);
    assert_eq!(
        s.template_for(UploadKind::SimpleOrders, &sig)
            .unwrap()
            .unwrap()
            .name,
        "amoCRM v2"
    );
    assert!(s.delete_template(a).unwrap());
    assert!(!s.delete_template(a).unwrap());
}

#[test]
fn status_maps_round_trip_per_counter() {
    let (s, _) = store();
    assert!(s.status_map(1).unwrap().is_empty());
    let map = vec![
        StatusMapEntry {
            crm_value: "Оплачен".into(),
            status_id: "paid".into(),
            status_type: OrderStatusType::Paid,
            humanized: "Оплачен".into(),
            goal_ids: vec![301, 302],
        },
        StatusMapEntry {
            crm_value: "Отменён".into(),
            status_id: "cancelled_by_client".into(),
            status_type: OrderStatusType::Cancelled,
            humanized: "Отменён клиентом".into(),
            goal_ids: vec![],
        },
    ];
    s.save_status_map(1, &map).unwrap();
    assert_eq!(s.status_map(1).unwrap(), map);
    s.save_status_map(1, &map[..1]).unwrap();
    assert_eq!(s.status_map(1).unwrap(), map[..1]);
    assert!(s.status_map(2).unwrap().is_empty());
}

#[test]
fn profiles_are_saved_replaced_listed_and_deleted() {
    let (s, _) = store();
    let mut p = ClientProfile {
        counter_id: 2215573,
        account_login: "agency".into(),
        counter_name: Some("Цветы на Невском".into()),
        default_goal: Some("offline_paid".into()),
        currency: Some("RUB".into()),
        time_zone: Some("Europe/Moscow".into()),
        merge_mode: MergeMode::Update,
        hash_contacts: true,
        ledger_opt_in: false,
    };
    s.save_profile(&p).unwrap();
    assert_eq!(s.profile(2215573).unwrap().unwrap(), p);
    p.ledger_opt_in = true;
    s.save_profile(&p).unwrap();
    assert!(s.profile(2215573).unwrap().unwrap().ledger_opt_in);
    assert_eq!(s.profiles(Some("agency")).unwrap(), [p.clone()]);
    assert!(s.profiles(Some("someone")).unwrap().is_empty());
    assert!(s.delete_profile(2215573).unwrap());
    assert!(s.profile(2215573).unwrap().is_none());
}

#[test]
fn exactly_one_account_is_active_while_any_exist() {
    let (s, clock) = store();
    assert!(s.active_account().unwrap().is_none());
    let a = s.add_account("first", Some("Первый")).unwrap();
    assert!(a.is_active);
    clock.advance(SignedDuration::from_secs(1));
    let b = s.add_account("second", None).unwrap();
    assert!(!b.is_active);
    clock.advance(SignedDuration::from_secs(1));
    s.add_account("third", None).unwrap();
    let active = || {
        s.accounts()
            .unwrap()
            .iter()
            .filter(|a| a.is_active)
            .map(|a| a.login.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(active(), ["first"]);
    s.set_active_account("second").unwrap();
    assert_eq!(active(), ["second"]);
    assert!(matches!(
        s.set_active_account("nobody"),
        Err(Error::AccountNotFound(_))
    ));
    assert_eq!(active(), ["second"]);
    s.remove_account("second").unwrap();
    assert_eq!(
        active(),
        ["third"],
        "the most recently added remaining account takes over"
    );
    s.remove_account("first").unwrap();
    s.remove_account("third").unwrap();
    assert!(s.active_account().unwrap().is_none());
    assert!(matches!(
        s.remove_account("third"),
        Err(Error::AccountNotFound(_))
    ));
    // Re-adding keeps the display name unless a new one is given.
    s.add_account("first", Some("Первый")).unwrap();
    assert_eq!(
        s.add_account("first", None)
            .unwrap()
            .display_name
            .as_deref(),
        Some("Первый")
    );
}

#[test]
fn settings_round_trip_and_delete() {
    let (s, _) = store();
    assert!(s.setting("ui.theme").unwrap().is_none());
    s.set_setting("ui.theme", "dark").unwrap();
    s.set_setting("ui.theme", "light").unwrap();
    assert_eq!(s.setting("ui.theme").unwrap().as_deref(), Some("light"));
    assert!(s.delete_setting("ui.theme").unwrap());
    assert!(s.setting("ui.theme").unwrap().is_none());
    assert!(matches!(
        s.set_setting("yandex_token", "y0_x"),
        Err(Error::SecretSetting(_))
    ));
}
