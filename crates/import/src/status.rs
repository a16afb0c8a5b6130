//! CRM status values: the distinct values of the status column (bounded), a suggested
//! Metrica status type for each from its wording (amoCRM, Bitrix24, retailCRM and English
//! stage names), and a Latin status id (`В работе` → `v_rabote`) matching `^[\w-:]+$`.
//!
//! Does NOT apply the user's status map (that is [`crate::validate`]) nor talk to the API.

use crate::mapping::{FieldSource, Mapping};
use crate::read::{ReadError, ReadEvent, Row, RowSource};
use mb_schema::OrderStatusType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this many distinct values are counted; the rest are ignored.
pub const MAX_DISTINCT_STATUSES: usize = 1000;

/// One distinct value of the status column with its suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusValue {
    pub value: String,
    pub count: u64,
    pub suggested: OrderStatusType,
    /// Latin id for a detailed-orders status mapping.
    pub suggested_id: String,
    pub confidence: f32,
}

/// Known stage names, lower case with `ё` → `е`.
static EXACT: &[(&str, OrderStatusType)] = {
    use OrderStatusType::*;
    &[
        // amoCRM
        ("успешно реализовано", Paid),
        ("закрыто и не реализовано", Cancelled),
        ("первичный контакт", InProgress),
        ("переговоры", InProgress),
        ("принимают решение", InProgress),
        ("согласование договора", InProgress),
        ("неразобранное", InProgress),
        // Bitrix24
        ("сделка успешна", Paid),
        ("сделка провалена", Cancelled),
        ("новая", InProgress),
        ("подготовка документов", InProgress),
        ("счет на предоплату", InProgress),
        ("в работе", InProgress),
        ("анализ причины провала", Cancelled),
        // retailCRM
        ("выполнен", Paid),
        ("отменен", Cancelled),
        ("новый", InProgress),
        ("согласование", InProgress),
        ("доставляется", InProgress),
        ("оплачен", Paid),
        ("комплектация", InProgress),
        ("доставлен", Paid),
        ("возврат", Cancelled),
        // generic
        ("спам", Spam),
        ("дубль", Spam),
        ("paid", Paid),
        ("in_progress", InProgress),
        ("cancelled", Cancelled),
        ("spam", Spam),
        ("won", Paid),
        ("closed won", Paid),
        ("lost", Cancelled),
        ("closed lost", Cancelled),
        ("new", InProgress),
        ("completed", Paid),
        ("canceled", Cancelled),
    ]
};

/// Word stems, checked in order (negations and spam first).
static STEMS: &[(&str, OrderStatusType)] = {
    use OrderStatusType::*;
    &[
        ("спам", Spam),
        ("дубл", Spam),
        ("тест", Spam),
        ("мусор", Spam),
        ("spam", Spam),
        ("junk", Spam),
        ("duplicate", Spam),
        ("test", Spam),
        ("не реализ", Cancelled),
        ("не оплач", InProgress),
        ("неоплач", InProgress),
        ("не отгруж", InProgress),
        ("неотгруж", InProgress),
        ("частично", InProgress),
        ("отмен", Cancelled),
        ("отказ", Cancelled),
        ("провал", Cancelled),
        ("неуспеш", Cancelled),
        ("возврат", Cancelled),
        ("cancel", Cancelled),
        ("lost", Cancelled),
        ("refus", Cancelled),
        ("fail", Cancelled),
        ("reject", Cancelled),
        ("return", Cancelled),
        ("оплач", Paid),
        ("успешн", Paid),
        ("реализов", Paid),
        ("выполнен", Paid),
        ("выкуплен", Paid),
        ("завершен", Paid),
        ("доставлен", Paid),
        ("отгруж", Paid),
        ("paid", Paid),
        ("won", Paid),
        ("success", Paid),
        ("complet", Paid),
        ("done", Paid),
        ("deliver", InProgress),
        ("нов", InProgress),
        ("работ", InProgress),
        ("перегов", InProgress),
        ("решени", InProgress),
        ("подготов", InProgress),
        ("счет", InProgress),
        ("соглас", InProgress),
        ("доставля", InProgress),
        ("достав", InProgress),
        ("контакт", InProgress),
        ("обработ", InProgress),
        ("ожида", InProgress),
        ("ждет", InProgress),
        ("wait", InProgress),
        ("сборк", InProgress),
        ("комплект", InProgress),
        ("new", InProgress),
        ("progress", InProgress),
        ("pending", InProgress),
        ("process", InProgress),
        ("negotiat", InProgress),
        ("ship", InProgress),
        ("open", InProgress),
    ]
};

/// A status as the check matches it when no exact one is mapped: trimmed, lower case, ё as е.
pub fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

/// A suggestion at least this sure is not a guess: Metrica's own word (1.0) or a known CRM
/// phrase (0.9); a word stem (0.6) or nothing (0.2) is.
pub const SURE_FROM: f32 = 0.8;

/// The status type a CRM value most likely means, with a confidence.
pub fn suggest_status(value: &str) -> (OrderStatusType, f32) {
    if let Some(t) = OrderStatusType::parse(value.trim()) {
        return (t, 1.0);
    }
    let f = fold(value);
    if let Some((_, t)) = EXACT.iter().find(|(k, _)| *k == f) {
        return (*t, 0.9);
    }
    if let Some((_, t)) = STEMS.iter().find(|(k, _)| f.contains(k)) {
        return (*t, 0.6);
    }
    (OrderStatusType::Other, 0.2)
}

fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' | 'ы' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// A Latin status id for any CRM value: transliterated, lower case, `_` for anything else,
/// 1–255 chars, matching `^[\w-:]+$` (`В работе` → `v_rabote`).
pub fn status_id(value: &str) -> String {
    let mut out = String::new();
    for c in value.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '_' {
            out.push(c);
        } else if let Some(t) = translit(c) {
            out.push_str(t);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if out.is_empty() {
        out.push_str("status");
    }
    out.truncate(255);
    out
}

/// Counts distinct values of one column, bounded.
#[derive(Debug, Default)]
pub struct StatusCounter {
    counts: HashMap<String, u64>,
    order: Vec<String>,
    pub overflowed: bool,
}

impl StatusCounter {
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        if let Some(c) = self.counts.get_mut(v) {
            *c += 1;
        } else if self.counts.len() < MAX_DISTINCT_STATUSES {
            self.counts.insert(v.to_string(), 1);
            self.order.push(v.to_string());
        } else {
            self.overflowed = true;
        }
    }

    /// Values with suggestions, most frequent first (then first seen).
    pub fn finish(self) -> Vec<StatusValue> {
        let mut out: Vec<StatusValue> = self
            .order
            .into_iter()
            .map(|value| {
                let (suggested, confidence) = suggest_status(&value);
                let count = self.counts[&value];
                let suggested_id = status_id(&value);
                StatusValue {
                    value,
                    count,
                    suggested,
                    suggested_id,
                    confidence,
                }
            })
            .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.count));
        out
    }
}

/// Scan the mapped `order_status` column of `source` (consumes it). Empty when the status
/// is unmapped or a constant.
pub fn distinct_statuses(
    source: &mut dyn RowSource,
    mapping: &Mapping,
) -> Result<Vec<StatusValue>, ReadError> {
    let mut counter = StatusCounter::default();
    let index = match mapping.fields.get("order_status") {
        Some(FieldSource::Column { index, header, .. }) => {
            let norm = crate::mapping::normalize_header(header);
            source
                .info()
                .headers
                .iter()
                .position(|h| crate::mapping::normalize_header(h) == norm)
                .unwrap_or(*index)
        }
        Some(FieldSource::Constant { value }) => {
            counter.add(value);
            return Ok(counter.finish());
        }
        None => return Ok(Vec::new()),
    };
    let mut row = Row::new();
    while let Some(ev) = source.next_event(&mut row)? {
        if let ReadEvent::Row = ev {
            counter.add(row.get(index));
        }
    }
    Ok(counter.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatusType::*;

    #[test]
    fn suggests_the_sample_mapping_for_russian_retail_statuses() {
        for (v, t) in [
            ("Оплачен", Paid),
            ("В работе", InProgress),
            ("Новый", InProgress),
            ("Отменён", Cancelled),
            ("Спам", Spam),
        ] {
            assert_eq!(suggest_status(v).0, t, "{v}");
        }
    }

    #[test]
    fn suggests_types_for_amocrm_stages() {
        assert_eq!(suggest_status("Успешно реализовано").0, Paid);
        assert_eq!(suggest_status("Закрыто и не реализовано").0, Cancelled);
        assert_eq!(suggest_status("Первичный контакт").0, InProgress);
        assert_eq!(suggest_status("Переговоры").0, InProgress);
        assert_eq!(suggest_status("Принимают решение").0, InProgress);
        assert_eq!(suggest_status("Ждёт оплаты").0, InProgress);
        assert_eq!(suggest_status("Waiting for payment").0, InProgress);
    }

    #[test]
    fn suggests_types_for_bitrix24_stages() {
        assert_eq!(suggest_status("Сделка успешна").0, Paid);
        assert_eq!(suggest_status("Сделка провалена").0, Cancelled);
        assert_eq!(suggest_status("Новая").0, InProgress);
        assert_eq!(suggest_status("Подготовка документов").0, InProgress);
        assert_eq!(suggest_status("Счёт на предоплату").0, InProgress);
    }

    #[test]
    fn suggests_types_for_retailcrm_and_english_stages() {
        assert_eq!(suggest_status("Выполнен").0, Paid);
        assert_eq!(suggest_status("Согласование").0, InProgress);
        assert_eq!(suggest_status("Доставляется").0, InProgress);
        assert_eq!(suggest_status("Closed Won").0, Paid);
        assert_eq!(suggest_status("Cancelled by client").0, Cancelled);
        assert_eq!(suggest_status("PAID"), (Paid, 1.0));
    }

    #[test]
    fn unknown_wording_is_other_with_low_confidence() {
        let (t, c) = suggest_status("Фиолетовый");
        assert_eq!(t, Other);
        assert!(c < 0.5);
    }

    #[test]
    fn status_ids_are_transliterated_latin() {
        assert_eq!(status_id("В работе"), "v_rabote");
        assert_eq!(status_id("Отменён"), "otmenen");
        assert_eq!(status_id("Счёт на предоплату"), "schet_na_predoplatu");
        assert_eq!(status_id("Closed Won!"), "closed_won");
        assert_eq!(status_id("!!!"), "status");
        for v in ["Успешно реализовано", "Щука / ёж", "x:y-z"] {
            assert!(mb_schema::is_valid_status_id(&status_id(v)), "{v}");
        }
    }

    #[test]
    fn counter_is_bounded_and_sorted_by_count() {
        let mut c = StatusCounter::default();
        for i in 0..(MAX_DISTINCT_STATUSES + 10) {
            c.add(&format!("s{i}"));
        }
        c.add("s5");
        assert!(c.overflowed);
        let v = c.finish();
        assert_eq!(v.len(), MAX_DISTINCT_STATUSES);
        assert_eq!(v[0].value, "s5");
        assert_eq!(v[0].count, 2);
    }
}
