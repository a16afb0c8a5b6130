//! Contact attributes of a counter (docs/metrika-api.md §5.3, §5.6) as both front ends use
//! them: read what the counter declares, map a file's extra columns onto it, and declare a new
//! attribute for a column when the user asks (upload rights needed).

use mb_api::{CdpAttribute, CdpEntity, Client};
use mb_import::attributes::{
    CounterAttribute, kind_takes_attributes, map_attributes, propose_name,
};
use mb_import::mapping::Mapping;
use mb_schema::UploadKind;

use crate::core::Core;
use crate::dto::{AppError, CounterAttributeDto};
use crate::error::Result;

/// The attribute types a person can choose when declaring one (Metrica's predefined types).
pub const ATTRIBUTE_TYPES: [&str; 5] = ["text", "numeric", "date", "datetime", "email"];

impl Core {
    pub(crate) async fn declared_attributes(
        &self,
        client: &Client,
        counter: u64,
    ) -> mb_api::Result<Vec<CounterAttribute>> {
        Ok(client
            .cdp_attributes(counter, CdpEntity::Contact)
            .await?
            .into_iter()
            .map(|a| CounterAttribute {
                name: a.name,
                type_name: a.type_name,
                multivalued: a.multivalued,
                humanized: a.humanized,
            })
            .collect())
    }

    /// The contact attributes a counter declares; empty for kinds that take none.
    pub async fn counter_attributes(
        &self,
        counter_id: u32,
        kind: UploadKind,
    ) -> Result<Vec<CounterAttribute>> {
        if !kind_takes_attributes(kind) {
            return Ok(Vec::new());
        }
        let (login, client) = self.client().await?;
        self.declared_attributes(&client, u64::from(counter_id))
            .await
            .map_err(|e| self.api_err(&login, e))
    }

    /// Maps the file's unmapped columns onto the counter's attributes by name or title (for
    /// mappings made automatically, as the CLI and jobs do). Returns the attribute names mapped.
    pub async fn map_counter_attributes(
        &self,
        mapping: &mut Mapping,
        headers: &[String],
        counter_id: u32,
    ) -> Result<Vec<String>> {
        if !kind_takes_attributes(mapping.kind) {
            return Ok(Vec::new());
        }
        let attrs = self.counter_attributes(counter_id, mapping.kind).await?;
        Ok(map_attributes(mapping, headers, &attrs))
    }

    /// Declares a contact attribute for a column titled `title` (its name is derived from the
    /// title: Latin letters, digits, `_`, unique on the counter) and returns it.
    pub async fn create_contact_attribute(
        &self,
        counter_id: u32,
        title: &str,
        type_name: &str,
    ) -> Result<CounterAttributeDto> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 4096 {
            return Err(AppError::InvalidInput {
                field: "title".into(),
                reason: "1–4096 characters".into(),
            });
        }
        if !ATTRIBUTE_TYPES.contains(&type_name) {
            return Err(AppError::InvalidInput {
                field: "type_name".into(),
                reason: format!("one of {}", ATTRIBUTE_TYPES.join(", ")),
            });
        }
        let (login, client) = self.client().await?;
        let id = u64::from(counter_id);
        let existing = self
            .declared_attributes(&client, id)
            .await
            .map_err(|e| self.api_err(&login, e))?;
        if let Some(a) = existing.iter().find(|a| a.humanized.trim() == title) {
            return Ok(dto_of(a));
        }
        let base = propose_name(UploadKind::Contacts, title);
        let mut name = base.clone();
        let mut n = 2;
        while existing.iter().any(|a| a.name == name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let attr = CdpAttribute {
            name,
            type_name: type_name.to_string(),
            multivalued: false,
            humanized: title.to_string(),
        };
        client
            .create_cdp_attributes(id, CdpEntity::Contact, std::slice::from_ref(&attr))
            .await
            .map_err(|e| self.api_err(&login, e))?;
        Ok(CounterAttributeDto {
            name: attr.name,
            title: attr.humanized,
            type_name: attr.type_name,
        })
    }
}

fn dto_of(a: &CounterAttribute) -> CounterAttributeDto {
    CounterAttributeDto {
        name: a.name.clone(),
        title: if a.humanized.trim().is_empty() {
            a.name.clone()
        } else {
            a.humanized.clone()
        },
        type_name: a.type_name.clone(),
    }
}
