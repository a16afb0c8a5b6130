//! Seeded worlds: `Seed::Demo` (an agency with 36 client counters, a plain shop owner, upload
//! history in every state, known visitors matching the repository's fixtures/) and `Seed::Minimal`
//! (three counters for unit tests). Only builds data; it does not serve anything.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::state::{
    Condition, Counter, Data, Goal, Permission, StoredConversion, UploadType, Uploading, User,
    Visitors,
};

/// Which world the fake starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// The demo world (see the crate docs for logins, counters and goals).
    #[default]
    Demo,
    /// A tiny world: login `tester` with counters 10000001 (own), 10000002 (edit), 10000003
    /// (view).
    Minimal,
}

/// The demo agency login.
pub const DEMO_AGENCY: &str = "demo-agency";
/// The plain (non-agency) demo login.
pub const SHOP_OWNER: &str = "shop-owner";
/// The login of the minimal seed.
pub const MINIMAL_LOGIN: &str = "tester";

/// The seven JavaScript-event goal identifiers of the samples, with their goal names.
pub const SAMPLE_GOALS: [(&str, &str); 7] = [
    ("offline_paid", "Оплата в офисе"),
    ("dogovor_signed", "Договор подписан"),
    ("visit_showroom", "Визит в шоурум"),
    ("lead_qualified", "Квалифицированный лид"),
    ("good_lead", "Целевой лид"),
    ("oplata_karta", "Оплата картой"),
    ("dostavka_kurier", "Доставка курьером"),
];

/// Identifiers of the repository's fixtures/ that the fake knows as visitors (they link);
/// the fixtures' other identifiers are deliberately unknown (they end in `user_not_found`).
pub const KNOWN_CLIENT_IDS: [&str; 3] = [
    "1762345098123456789",
    "1761998877123400001",
    "1763099988877766655",
];
pub const KNOWN_USER_IDS: [&str; 2] = ["crm-000412", "crm-000977"];
pub const KNOWN_YCLIDS: [&str; 2] = ["7321456098712345601", "1290384756473829105"];
pub const KNOWN_PURCHASE_IDS: [&str; 1] = ["SHOP-2026-104522"];

/// (id, name, site, owner, permission of demo-agency, time zone)
const DEMO_COUNTERS: [(u64, &str, &str, &str, Permission, &str); 36] = {
    use Permission::{Edit as E, Own as O, View as V};
    [
        (
            51234501,
            "Мебель «Рома» — интернет-магазин",
            "mebel-roma.ru",
            "mebel-roma",
            E,
            "Europe/Moscow",
        ),
        (
            51234502,
            "Демо-агентство — сайт агентства",
            "demo-agency.ru",
            DEMO_AGENCY,
            O,
            "Europe/Moscow",
        ),
        (
            51234503,
            "Цветы СПб — доставка букетов",
            "cvety-spb.ru",
            "cvety-spb",
            E,
            "Europe/Moscow",
        ),
        (
            51234504,
            "Автосервис «Урал»",
            "autoservice-ural.ru",
            "autoservice-ural",
            E,
            "Asia/Yekaterinburg",
        ),
        (
            51234505,
            "Стоматология «Улыбка»",
            "ulybka-dent.ru",
            "ulybka-dent",
            E,
            "Europe/Samara",
        ),
        (
            51234506,
            "Окна Балтики",
            "okna-baltiki.ru",
            "okna-baltiki",
            E,
            "Europe/Kaliningrad",
        ),
        (
            51234507,
            "Сибирские шины",
            "sibshina.ru",
            "sibshina",
            E,
            "Asia/Novosibirsk",
        ),
        (
            51234508,
            "Рыба Приморья — оптовые поставки",
            "ryba-primorya.ru",
            "ryba-primorya",
            E,
            "Asia/Vladivostok",
        ),
        (
            51234509,
            "Кухни на заказ — лендинг",
            "kuhni-demo.ru",
            DEMO_AGENCY,
            O,
            "Europe/Moscow",
        ),
        (
            51234510,
            "Фитнес-клуб «Атлет»",
            "atlet-fitness.ru",
            "atlet-fitness",
            V,
            "Europe/Moscow",
        ),
        (
            51234511,
            "Юридическая фирма «Право и Дело»",
            "pravo-delo.ru",
            "pravo-delo",
            V,
            "Europe/Moscow",
        ),
        (
            51234512,
            "Детский сад «Солнышко»",
            "solnyshko-sad.ru",
            "solnyshko-sad",
            E,
            "Europe/Moscow",
        ),
        (
            51234513,
            "Клининг «Чистый дом»",
            "chisty-dom.ru",
            "chisty-dom",
            E,
            "Europe/Moscow",
        ),
        (
            51234514,
            "Автошкола «Зелёный свет»",
            "zeleny-svet.ru",
            "zeleny-svet",
            E,
            "Europe/Samara",
        ),
        (
            51234515,
            "Ветклиника «Айболит»",
            "aibolit-vet.ru",
            "aibolit-vet",
            E,
            "Asia/Yekaterinburg",
        ),
        (
            51234516,
            "Пекарня «Колосок»",
            "kolosok-bakery.ru",
            "kolosok-bakery",
            E,
            "Asia/Novosibirsk",
        ),
        (
            51234517,
            "Турагентство «Восток-Тур»",
            "vostok-tour.ru",
            "vostok-tour",
            E,
            "Asia/Vladivostok",
        ),
        (
            51234518,
            "Строймаркет «Кирпич»",
            "kirpich-market.ru",
            "kirpich-market",
            E,
            "Europe/Moscow",
        ),
        (
            51234519,
            "Школа английского Speak Up",
            "speakup-school.ru",
            "speakup-school",
            E,
            "Europe/Moscow",
        ),
        (
            51234520,
            "Салон красоты «Лотос»",
            "lotos-salon.ru",
            "lotos-salon",
            E,
            "Europe/Kaliningrad",
        ),
        (
            51234521,
            "Натяжные потолки «Потолок-Сервис»",
            "potolok-service.ru",
            "potolok-service",
            E,
            "Europe/Samara",
        ),
        (
            51234522,
            "Шиномонтаж 24",
            "shinomontazh24.ru",
            "shinomontazh24",
            E,
            "Asia/Yekaterinburg",
        ),
        (
            51234523,
            "Мебельная фабрика «Кедр»",
            "kedr-mebel.ru",
            "kedr-mebel",
            E,
            "Asia/Novosibirsk",
        ),
        (
            51234524,
            "Доставка суши «Вабиса»",
            "wabisa-sushi.ru",
            "wabisa-sushi",
            E,
            "Asia/Vladivostok",
        ),
        (
            51234525,
            "Интернет-магазин «Электрон»",
            "elektron-shop.ru",
            "elektron-shop",
            E,
            "Europe/Moscow",
        ),
        (
            51234526,
            "Агентство недвижимости «Квадрат»",
            "kvadrat-realty.ru",
            "kvadrat-realty",
            E,
            "Europe/Moscow",
        ),
        (
            51234527,
            "Ремонт квартир «Мастер Плюс»",
            "master-plus.ru",
            "master-plus",
            E,
            "Europe/Samara",
        ),
        (
            51234528,
            "Оптика «Зоркий глаз»",
            "zorkiy-glaz.ru",
            "zorkiy-glaz",
            E,
            "Europe/Kaliningrad",
        ),
        (
            51234529,
            "Зоомагазин «Хвост»",
            "hvost-zoo.ru",
            "hvost-zoo",
            E,
            "Asia/Yekaterinburg",
        ),
        (
            51234530,
            "Типография «Оттиск»",
            "ottisk-print.ru",
            "ottisk-print",
            E,
            "Europe/Moscow",
        ),
        (
            51234531,
            "Студия йоги «Прана»",
            "prana-yoga.ru",
            "prana-yoga",
            E,
            "Asia/Novosibirsk",
        ),
        (
            51234532,
            "Садовый центр «Дача»",
            "dacha-garden.ru",
            "dacha-garden",
            E,
            "Europe/Moscow",
        ),
        (
            51234533,
            "Прокат авто «Дорога»",
            "doroga-rent.ru",
            "doroga-rent",
            E,
            "Asia/Vladivostok",
        ),
        (
            51234534,
            "Кофейня «Зерно»",
            "zerno-coffee.ru",
            DEMO_AGENCY,
            O,
            "Europe/Moscow",
        ),
        (
            51234535,
            "Медцентр «Здоровье+»",
            "zdorovie-plus.ru",
            "zdorovie-plus",
            E,
            "Europe/Samara",
        ),
        (
            51234536,
            "Ювелирный дом «Алмаз»",
            "almaz-jewel.ru",
            "almaz-jewel",
            E,
            "Europe/Moscow",
        ),
    ]
};

/// Counters of `shop-owner` (both `own`).
const SHOP_COUNTERS: [(u64, &str, &str, &str); 2] = [
    (
        62345601,
        "Магазин чая «Листок»",
        "listok-tea.ru",
        "Europe/Moscow",
    ),
    (
        62345602,
        "Листок — оптовый отдел",
        "opt.listok-tea.ru",
        "Asia/Yekaterinburg",
    ),
];

/// Client logins `demo-agency` is a representative of (`/management/v1/accounts`, `ulogin`).
pub const DEMO_REPRESENTED: [&str; 3] = ["mebel-roma", "cvety-spb", "autoservice-ural"];

/// The demo counter whose offline uploads open only tomorrow (its extended window is off):
/// uploads get Yandex's 400 «Загрузить данные сейчас невозможно…» until then.
pub const WINDOW_OPENS_TOMORROW: u64 = 51234535;
/// The demo counter whose `offline_options` arrive as 0/1.
pub const CVETY_INT_FLAGS: u64 = 51234503;

fn start_of_next_day(now: Timestamp, tz: &str) -> Option<Timestamp> {
    let tz = jiff::tz::TimeZone::get(tz).ok()?;
    let tomorrow = now.to_zoned(tz.clone()).date().tomorrow().ok()?;
    tomorrow.to_zoned(tz).ok().map(|z| z.timestamp())
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn sub(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_sub(d).unwrap_or(t)
}

struct GoalMaker {
    next: i64,
}

impl GoalMaker {
    fn action(&mut self, id: &str, name: &str, cond: &str) -> Goal {
        self.next += 1;
        Goal {
            id: self.next,
            name: name.to_string(),
            kind: "action".into(),
            conditions: vec![Condition {
                kind: cond.into(),
                url: id.into(),
            }],
            default_price: 0.0,
            goal_source: "user".into(),
        }
    }

    fn url(&mut self, name: &str, url: &str) -> Goal {
        self.next += 1;
        Goal {
            id: self.next,
            name: name.to_string(),
            kind: "url".into(),
            conditions: vec![Condition {
                kind: "contain".into(),
                url: url.into(),
            }],
            default_price: 0.0,
            goal_source: "user".into(),
        }
    }

    /// Goals of the `index`-th counter: all seven sample goals on the first three, a rotating
    /// subset elsewhere, always two url goals and a greyed `contain` JS goal.
    fn for_counter(&mut self, index: usize) -> Vec<Goal> {
        let mut goals = Vec::new();
        for (i, (id, name)) in SAMPLE_GOALS.iter().enumerate() {
            if index < 3 || i == 0 || (i + index).is_multiple_of(3) {
                goals.push(self.action(id, name, "exact"));
            }
        }
        goals.push(self.url("Корзина", "/cart"));
        goals.push(self.url("Спасибо за заказ", "/thanks"));
        goals.push(self.action("phone_click", "Клик по телефону (любой)", "contain"));
        goals
    }
}

fn user(login: &str, uid: u64, display: &str, first: &str, last: &str) -> User {
    User {
        login: login.to_string(),
        uid: uid.to_string(),
        display_name: display.to_string(),
        first_name: first.to_string(),
        last_name: last.to_string(),
        represents: Vec::new(),
    }
}

fn visitors() -> Visitors {
    let mut v = Visitors::default();
    v.client_ids
        .extend(KNOWN_CLIENT_IDS.iter().map(|s| s.to_string()));
    v.user_ids
        .extend(KNOWN_USER_IDS.iter().map(|s| s.to_string()));
    v.yclids.extend(KNOWN_YCLIDS.iter().map(|s| s.to_string()));
    v.purchase_ids
        .extend(KNOWN_PURCHASE_IDS.iter().map(|s| s.to_string()));
    // A block of synthetic ClientIds, so generated benchmark files can link: 17700000000000000NN.
    for n in 0..100u64 {
        v.client_ids
            .insert(format!("{}", 1_770_000_000_000_000_000u64 + n));
    }
    v
}

fn counter(
    id: u64,
    name: &str,
    site: &str,
    owner: &str,
    tz: &str,
    created: Timestamp,
    goals: Vec<Goal>,
) -> Counter {
    let mut grants = BTreeMap::new();
    grants.insert(owner.to_string(), Permission::Own);
    Counter {
        id,
        name: name.to_string(),
        site: site.to_string(),
        owner_login: owner.to_string(),
        time_zone_name: tz.to_string(),
        create_time: created,
        favorite: false,
        grants,
        goals,
        extended_threshold_since: None,
        calls_extended_threshold_since: None,
        uploads_open_at: None,
        offline_options_as_ints: false,
        order_statuses: Vec::new(),
        attributes: Vec::new(),
    }
}

/// Builds the seeded world for `seed` with "now" = `now`.
pub fn build(seed: Seed, now: Timestamp) -> Data {
    let mut d = Data {
        // Metrica's upload ids are never reused. The app's demo keeps its history across
        // restarts while its Metrica starts afresh, so ids go on from the clock (one a
        // millisecond): a restarted demo never gives a new upload the id of one its history
        // already has (a restart takes longer than the seeded and sent uploads in ms).
        next_upload_id: now.as_millisecond().max(48_213_300),
        ..Data::default()
    };
    d.visitors = visitors();
    let mut gm = GoalMaker { next: 312_004_400 };
    match seed {
        Seed::Minimal => build_minimal(&mut d, &mut gm, now),
        Seed::Demo => build_demo(&mut d, &mut gm, now),
    }
    d.next_goal_id = gm.next + 1;
    d
}

fn build_minimal(d: &mut Data, gm: &mut GoalMaker, now: Timestamp) {
    d.users.insert(
        MINIMAL_LOGIN.into(),
        user(MINIMAL_LOGIN, 1130000000000001, "Тестер", "Тест", "Тестов"),
    );
    for (login, uid) in [
        ("client-one", 1130000000000002u64),
        ("client-two", 1130000000000003),
    ] {
        d.users
            .insert(login.into(), user(login, uid, login, "", ""));
    }
    let specs = [
        (
            10000001,
            "Тестовый магазин",
            "test-shop.ru",
            MINIMAL_LOGIN,
            Permission::Own,
            "Europe/Moscow",
        ),
        (
            10000002,
            "Клиент один",
            "client-one.ru",
            "client-one",
            Permission::Edit,
            "Asia/Yekaterinburg",
        ),
        (
            10000003,
            "Клиент два (только просмотр)",
            "client-two.ru",
            "client-two",
            Permission::View,
            "Europe/Moscow",
        ),
    ];
    for (i, (id, name, site, owner, perm, tz)) in specs.into_iter().enumerate() {
        let mut c = counter(
            id,
            name,
            site,
            owner,
            tz,
            sub(now, days(400)),
            gm.for_counter(i),
        );
        c.grants.insert(MINIMAL_LOGIN.into(), perm);
        c.extended_threshold_since = Some(sub(now, days(60)));
        c.calls_extended_threshold_since = Some(sub(now, days(60)));
        d.counters.insert(id, c);
    }
}

fn build_demo(d: &mut Data, gm: &mut GoalMaker, now: Timestamp) {
    let mut agency = user(
        DEMO_AGENCY,
        1130000012345678,
        "Демо-агентство",
        "Анна",
        "Смирнова",
    );
    agency.represents = DEMO_REPRESENTED
        .iter()
        .map(|l| (l.to_string(), sub(now, days(200))))
        .collect();
    d.users.insert(DEMO_AGENCY.into(), agency);
    d.users.insert(
        SHOP_OWNER.into(),
        user(SHOP_OWNER, 1130000012345679, SHOP_OWNER, "Пётр", "Листков"),
    );
    for (i, (id, name, site, owner, perm, tz)) in DEMO_COUNTERS.iter().enumerate() {
        if !d.users.contains_key(*owner) {
            let uid = 1130000020000000 + i as u64;
            d.users
                .insert(owner.to_string(), user(owner, uid, owner, "", ""));
        }
        let created = sub(now, days(300 + 17 * i as i64));
        let mut c = counter(*id, name, site, owner, tz, created, gm.for_counter(i));
        c.grants.insert(DEMO_AGENCY.into(), *perm);
        c.favorite = i < 2;
        // Most counters switched the 21-day window on long ago; #3 only 5 days ago; every
        // seventh never did.
        if i % 7 != 6 {
            let since = if i == 2 { days(5) } else { days(90) };
            c.extended_threshold_since = Some(sub(now, since));
            c.calls_extended_threshold_since = Some(sub(now, since));
        }
        // Cvety SPb's answers carry `offline_options` as 0/1, as Yandex serves such flags.
        c.offline_options_as_ints = *id == CVETY_INT_FLAGS;
        // Zdorovie+ (extended window off) cannot take uploads until tomorrow in its zone.
        if *id == WINDOW_OPENS_TOMORROW {
            c.uploads_open_at = start_of_next_day(now, tz);
        }
        d.counters.insert(*id, c);
    }
    for (i, (id, name, site, tz)) in SHOP_COUNTERS.iter().enumerate() {
        let mut c = counter(
            *id,
            name,
            site,
            SHOP_OWNER,
            tz,
            sub(now, days(700)),
            gm.for_counter(i),
        );
        c.extended_threshold_since = Some(sub(now, days(120)));
        d.counters.insert(*id, c);
    }
    seed_history(d, now);
}

/// Past uploads in every state on the first counters, so history screens have content.
fn seed_history(d: &mut Data, now: Timestamp) {
    let states: [(&'static str, i64, u64, u64, u64); 6] = [
        ("PROCESSED", 9, 120, 97, 18),
        ("LINKAGE_FAILURE", 7, 14, 0, 14),
        ("PROCESSED", 5, 340, 301, 30),
        ("MATCHED", 1, 55, 41, 12),
        ("EXPORTED", 0, 12, 9, 3),
        ("UPLOADED", 0, 8, 6, 2),
    ];
    let counters: Vec<u64> = d.counters.keys().copied().take(8).collect();
    for (ci, cid) in counters.into_iter().enumerate() {
        for (si, (status, days_ago, rows, linked, not_found)) in states.iter().enumerate() {
            if ci > 0 && (si + ci) % 4 == 3 {
                continue;
            }
            d.next_upload_id += 1;
            let id = d.next_upload_id;
            let hours = SignedDuration::from_hours(24 * days_ago + 3 + si as i64);
            let created = sub(now, hours);
            let kind = if si == 1 {
                UploadType::Calls
            } else {
                UploadType::Basic
            };
            let stamp = created.strftime("%Y%m%dT%H%MZ");
            d.uploads.insert(
                id,
                Uploading {
                    id,
                    counter_id: cid,
                    kind,
                    create_time: created,
                    comment: Some(format!("MU{stamp}{:04X}", id & 0xffff)),
                    client_id_type: if si == 0 {
                        Some("CLIENT_ID".into())
                    } else {
                        None
                    },
                    source_quantity: *rows,
                    line_quantity: *rows,
                    linked_quantity: *linked,
                    // The calls one is all static calls: counted on their own only.
                    user_not_found_quantity: if kind == UploadType::Calls {
                        0
                    } else {
                        *not_found
                    },
                    goal_not_found_quantity: if kind == UploadType::Calls {
                        0
                    } else {
                        rows - linked - not_found
                    },
                    static_calls_quantity: if kind == UploadType::Calls { *rows } else { 0 },
                    dynamic_calls_quantity: 0,
                    identifiers_matched: *linked,
                    frozen_status: Some(status),
                    file_bytes: rows * 60,
                    file: None,
                },
            );
        }
        // One stored conversion per counter, so the store is never empty in the demo.
        d.conversions.entry(cid).or_default().insert(
            (
                "ClientId".into(),
                KNOWN_CLIENT_IDS[0].into(),
                "offline_paid".into(),
                1_793_000_000,
            ),
            StoredConversion {
                id_kind: "ClientId",
                id_value: KNOWN_CLIENT_IDS[0].into(),
                target: "offline_paid".into(),
                date_time: 1_793_000_000,
                price: Some("1000".into()),
                currency: Some("RUB".into()),
                upload_id: d.next_upload_id,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-22T07:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_world_built_later_never_reuses_an_earlier_worlds_upload_ids() {
        let first = build(Seed::Demo, now());
        let seeded = first
            .uploads
            .keys()
            .copied()
            .max()
            .unwrap_or(first.next_upload_id);
        // The demo restarted one second later, after this world made 30 uploads of its own.
        let made = seeded.max(first.next_upload_id) + 30;
        let later = build(Seed::Demo, now() + jiff::SignedDuration::from_secs(1));
        assert!(later.uploads.keys().all(|id| *id > made), "{made}");
    }

    #[test]
    fn demo_agency_sees_36_counters_two_of_them_view_only() {
        let d = build(Seed::Demo, now());
        let perms: Vec<_> = d
            .counters
            .keys()
            .filter_map(|id| d.permission(*id, DEMO_AGENCY))
            .collect();
        assert_eq!(perms.len(), 36);
        assert_eq!(perms.iter().filter(|p| **p == Permission::View).count(), 2);
        assert_eq!(perms.iter().filter(|p| **p == Permission::Own).count(), 3);
    }

    #[test]
    fn first_counters_carry_all_seven_sample_goals() {
        let d = build(Seed::Demo, now());
        for id in [51234501, 51234502, 51234503] {
            let ids = d.counters[&id].goal_ids();
            for (g, _) in SAMPLE_GOALS {
                assert!(ids.contains(g), "{id} lacks {g}");
            }
        }
    }

    #[test]
    fn every_counter_time_zone_is_known_to_jiff() {
        let d = build(Seed::Demo, now());
        for c in d.counters.values() {
            assert!(
                jiff::tz::TimeZone::get(&c.time_zone_name).is_ok(),
                "{}",
                c.time_zone_name
            );
        }
    }
}
