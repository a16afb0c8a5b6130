//! CRM attributes a counter declares beyond the documented contact columns (docs/metrika-api.md
//! §5.3, §5.6).
//!
//! A contacts file may carry only the documented columns and attributes that exist on the
//! counter (`schema/attributes?entity_type=CONTACT`). This module owns the rules on our side:
//! which wire format an attribute's type means, matching a file's extra columns onto existing
//! attributes by name or by their human title, and a [`FieldSpec`] for each attribute so the
//! validator checks and writes attribute columns like any documented one. Does NOT talk to
//! Metrica (the use-case crate reads and declares attributes).

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use mb_schema::{FieldFormat, FieldSpec, Requirement, UploadKind, is_valid_status_id};
use serde::{Deserialize, Serialize};

use crate::mapping::{FieldSource, Mapping, normalize_header};

/// One attribute declared on a counter, as Metrica lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterAttribute {
    /// Metrica's name, which is also the column name sent (`loyalty_level`).
    pub name: String,
    /// `numeric`, `date`, `datetime`, `email`, `text`, or a list type.
    pub type_name: String,
    pub multivalued: bool,
    /// The title people see in Metrica («Уровень лояльности»).
    pub humanized: String,
}

impl CounterAttribute {
    /// The wire format of this attribute's values.
    pub fn format(&self) -> FieldFormat {
        format_of(&self.type_name)
    }
}

/// The kinds whose files may carry declared attributes. Only contacts are checked by Metrica
/// against the declared list (reference §5.3); orders keep their documented columns.
pub fn kind_takes_attributes(kind: UploadKind) -> bool {
    kind == UploadKind::Contacts
}

/// The wire format an attribute type means. Predefined types have their own syntax; lists and
/// anything newer travel as text.
pub fn format_of(type_name: &str) -> FieldFormat {
    match type_name {
        "numeric" => FieldFormat::Number,
        "date" => FieldFormat::Date,
        "datetime" => FieldFormat::CrmDateTime,
        "email" => FieldFormat::EmailList,
        _ => FieldFormat::Text,
    }
}

/// A field spec for attribute `name`, optional, in `format`. Specs are interned: the same name
/// and format give the same `'static` spec, so memory is bounded by the distinct attributes
/// ever seen (a handful per counter), not by the number of checks.
pub fn spec(name: &str, format: FieldFormat) -> &'static FieldSpec {
    static SPECS: OnceLock<Mutex<Vec<&'static FieldSpec>>> = OnceLock::new();
    let mut specs = SPECS
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = specs.iter().find(|s| s.name == name && s.format == format) {
        return s;
    }
    let leaked: &'static FieldSpec = Box::leak(Box::new(FieldSpec {
        name: Box::leak(name.to_string().into_boxed_str()),
        requirement: Requirement::Optional,
        format,
    }));
    specs.push(leaked);
    leaked
}

/// The mapped fields of `mapping` that are not documented columns of its kind (attribute
/// names, in Metrica's spelling).
pub fn mapped_attribute_names(mapping: &Mapping) -> Vec<String> {
    mapping
        .fields
        .keys()
        .filter(|k| mapping.kind.field(k).is_none())
        .cloned()
        .collect()
}

/// Maps each file column no field reads onto the counter attribute whose name or title it
/// matches (case, spaces and `ё` aside). Returns the attribute names mapped.
pub fn map_attributes(
    mapping: &mut Mapping,
    headers: &[String],
    attributes: &[CounterAttribute],
) -> Vec<String> {
    if !kind_takes_attributes(mapping.kind) {
        return Vec::new();
    }
    let used: BTreeSet<usize> = mapping
        .fields
        .values()
        .filter_map(|s| match s {
            FieldSource::Column { index, .. } => Some(*index),
            FieldSource::Constant { .. } => None,
        })
        .collect();
    let fold = |s: &str| normalize_header(s).replace('ё', "е");
    let mut mapped = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if used.contains(&i) || h.trim().is_empty() {
            continue;
        }
        let want = fold(h);
        let hit = attributes.iter().find(|a| {
            !mapping.fields.contains_key(&a.name)
                && (fold(&a.name) == want
                    || (!a.humanized.is_empty() && fold(&a.humanized) == want))
        });
        if let Some(a) = hit {
            mapping.fields.insert(
                a.name.clone(),
                FieldSource::Column {
                    index: i,
                    header: h.clone(),
                    confidence: 0.9,
                },
            );
            mapped.push(a.name.clone());
        }
    }
    mapped
}

/// A Metrica attribute name proposed for a column title: the same Latin id rule as CRM status
/// ids ([`crate::status::status_id`]), at most 64 characters, never a documented column's name.
pub fn propose_name(kind: UploadKind, title: &str) -> String {
    let mut name: String = if title.chars().any(char::is_alphanumeric) {
        crate::status::status_id(title).chars().take(64).collect()
    } else {
        "attribute".into()
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "a_");
    }
    if kind.field(&name).is_some() {
        name.push_str("_custom");
    }
    debug_assert!(is_valid_status_id(&name));
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str, type_name: &str, title: &str) -> CounterAttribute {
        CounterAttribute {
            name: name.into(),
            type_name: type_name.into(),
            multivalued: false,
            humanized: title.into(),
        }
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn extra_columns_map_onto_existing_attributes_by_name_or_title() {
        let h = headers(&[
            "ID",
            "Имя",
            "Уровень лояльности",
            "birth_date",
            "Комментарий",
        ]);
        let mut m = crate::mapping::auto_map(UploadKind::Contacts, &h).mapping;
        let attrs = [
            attr("loyalty", "numeric", "Уровень лояльности"),
            attr("birth_date", "date", "Дата рождения"),
        ];
        let mapped = map_attributes(&mut m, &h, &attrs);
        assert_eq!(
            mapped,
            vec!["loyalty".to_string(), "birth_date".to_string()]
        );
        assert!(matches!(
            m.fields.get("loyalty"),
            Some(FieldSource::Column { index: 2, .. })
        ));
        assert!(
            !m.fields.contains_key("Комментарий"),
            "no attribute, no mapping"
        );
        assert_eq!(mapped_attribute_names(&m), vec!["birth_date", "loyalty"]);
    }

    #[test]
    fn nothing_is_mapped_without_declared_attributes_or_for_other_kinds() {
        let h = headers(&["ID", "Дата рождения"]);
        let mut m = crate::mapping::auto_map(UploadKind::Contacts, &h).mapping;
        assert!(map_attributes(&mut m, &h, &[]).is_empty());
        assert!(
            mapped_attribute_names(&m).is_empty(),
            "birth_date is not a contact column"
        );
        let mut o = crate::mapping::auto_map(UploadKind::Orders, &h).mapping;
        let a = [attr("birth_date", "date", "Дата рождения")];
        assert!(map_attributes(&mut o, &h, &a).is_empty());
    }

    #[test]
    fn specs_are_interned_per_name_and_format() {
        let a = spec("loyalty_x", FieldFormat::Money);
        let b = spec("loyalty_x", FieldFormat::Money);
        assert!(std::ptr::eq(a, b));
        assert_eq!(a.requirement, Requirement::Optional);
        assert!(!std::ptr::eq(a, spec("loyalty_x", FieldFormat::Text)));
    }

    #[test]
    fn proposed_names_are_valid_metrica_ids() {
        assert_eq!(
            propose_name(UploadKind::Contacts, "Дата рождения"),
            "data_rozhdeniya"
        );
        assert_eq!(
            propose_name(UploadKind::Contacts, "Уровень лояльности (%)"),
            "uroven_loyalnosti"
        );
        assert_eq!(
            propose_name(UploadKind::Contacts, "2nd phone"),
            "a_2nd_phone"
        );
        assert_eq!(propose_name(UploadKind::Contacts, "name"), "name_custom");
        assert_eq!(propose_name(UploadKind::Contacts, "!!!"), "attribute");
        for t in ["Дата рождения", "Ёлка", "x".repeat(300).as_str()] {
            assert!(is_valid_status_id(&propose_name(UploadKind::Contacts, t)));
        }
    }

    #[test]
    fn attribute_types_mean_wire_formats() {
        assert_eq!(format_of("numeric"), FieldFormat::Number);
        assert_eq!(format_of("date"), FieldFormat::Date);
        assert_eq!(format_of("datetime"), FieldFormat::CrmDateTime);
        assert_eq!(format_of("email"), FieldFormat::EmailList);
        assert_eq!(format_of("my_list"), FieldFormat::Text);
    }
}
