//! The small remembered things: mapping templates, per-counter status maps, per-client
//! profiles, accounts (logins only: tokens live in `mb-api`'s token store) and settings.
//! Does not own the meaning of a template body or a status map beyond storing it.

use crate::{Error, Result, Store, from_ms, ms};
use jiff::Timestamp;
use mb_schema::{MergeMode, OrderStatusType, UploadKind};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// A saved column mapping, found again by the header signature of a new file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingTemplate {
    pub id: i64,
    pub kind: UploadKind,
    pub header_signature: String,
    pub name: String,
    pub body: serde_json::Value,
    pub created_at: Timestamp,
    pub last_used_at: Timestamp,
}

/// One CRM status value mapped to a Metrica order status (reference §5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusMapEntry {
    /// The value as it appears in the CRM export (`Оплачен`).
    pub crm_value: String,
    /// The Metrica status id (`paid`).
    pub status_id: String,
    pub status_type: OrderStatusType,
    /// The humanized name shown in Metrica.
    pub humanized: String,
    pub goal_ids: Vec<i64>,
}

/// What the product remembers about one client counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub counter_id: i64,
    pub account_login: String,
    pub counter_name: Option<String>,
    pub default_goal: Option<String>,
    pub currency: Option<String>,
    pub time_zone: Option<String>,
    pub merge_mode: MergeMode,
    pub hash_contacts: bool,
    /// "Send only new rows" is on for this counter.
    pub ledger_opt_in: bool,
}

/// A Yandex account the user signed in with. No token here, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub login: String,
    pub display_name: Option<String>,
    pub added_at: Timestamp,
    pub is_active: bool,
}

fn parse_kind(s: String) -> Result<UploadKind> {
    s.parse().map_err(|_| Error::BadValue {
        column: "kind",
        value: s,
    })
}

fn template_from_row(r: &Row<'_>) -> Result<MappingTemplate> {
    let body: String = r.get(4)?;
    Ok(MappingTemplate {
        id: r.get(0)?,
        kind: parse_kind(r.get(1)?)?,
        header_signature: r.get(2)?,
        name: r.get(3)?,
        body: serde_json::from_str(&body).map_err(Error::json("body_json"))?,
        created_at: from_ms(r.get(5)?)?,
        last_used_at: from_ms(r.get(6)?)?,
    })
}

const TEMPLATE_COLUMNS: &str =
    "id, kind, header_signature, name, body_json, created_at, last_used_at";

fn profile_from_row(r: &Row<'_>) -> Result<ClientProfile> {
    let merge: String = r.get(6)?;
    Ok(ClientProfile {
        counter_id: r.get(0)?,
        account_login: r.get(1)?,
        counter_name: r.get(2)?,
        default_goal: r.get(3)?,
        currency: r.get(4)?,
        time_zone: r.get(5)?,
        merge_mode: merge.parse().map_err(|_| Error::BadValue {
            column: "merge_mode",
            value: merge.clone(),
        })?,
        hash_contacts: r.get(7)?,
        ledger_opt_in: r.get(8)?,
    })
}

const PROFILE_COLUMNS: &str = "counter_id, account_login, counter_name, default_goal, currency, \
    time_zone, merge_mode, hash_contacts, ledger_opt_in";

fn account_from_row(r: &Row<'_>) -> Result<Account> {
    Ok(Account {
        login: r.get(0)?,
        display_name: r.get(1)?,
        added_at: from_ms(r.get(2)?)?,
        is_active: r.get(3)?,
    })
}

/// Keys that smell of secrets are refused: secrets belong in the token store.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token", "secret", "password", "passwd", "oauth", "api_key", "apikey",
    ]
    .iter()
    .any(|s| k.contains(s))
}

impl Store {
    /// Saves (or replaces) the template for this kind and header signature; returns its id.
    pub fn save_template(
        &self,
        kind: UploadKind,
        header_signature: &str,
        name: &str,
        body: &serde_json::Value,
    ) -> Result<i64> {
        self.write(|tx, now| {
            Ok(tx
                .prepare_cached(
                    "INSERT INTO mapping_templates (kind, header_signature, name, body_json, \
                     created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
                     ON CONFLICT (kind, header_signature) DO UPDATE SET name = excluded.name, \
                     body_json = excluded.body_json, last_used_at = excluded.last_used_at \
                     RETURNING id",
                )?
                .query_row(
                    params![
                        kind.as_str(),
                        header_signature,
                        name,
                        body.to_string(),
                        ms(now)
                    ],
                    |r| r.get(0),
                )?)
        })
    }

    /// The template saved for this kind and header signature, if any.
    pub fn template_for(
        &self,
        kind: UploadKind,
        header_signature: &str,
    ) -> Result<Option<MappingTemplate>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {TEMPLATE_COLUMNS} FROM mapping_templates \
                 WHERE kind = ?1 AND header_signature = ?2"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query(params![kind.as_str(), header_signature])?;
            rows.next()?.map(template_from_row).transpose()
        })
    }

    /// All templates (of one kind, or all), most recently used first.
    pub fn templates(&self, kind: Option<UploadKind>) -> Result<Vec<MappingTemplate>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {TEMPLATE_COLUMNS} FROM mapping_templates \
                 WHERE ?1 IS NULL OR kind = ?1 ORDER BY last_used_at DESC, id DESC"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([kind.map(UploadKind::as_str)])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(template_from_row(r)?);
            }
            Ok(out)
        })
    }

    /// Marks a template as used now (sorts it first).
    pub fn touch_template(&self, id: i64) -> Result<()> {
        self.write(|tx, now| {
            tx.prepare_cached("UPDATE mapping_templates SET last_used_at = ?2 WHERE id = ?1")?
                .execute(params![id, ms(now)])?;
            Ok(())
        })
    }

    /// Deletes a template; uploads that used it keep their own copy of the mapping.
    pub fn delete_template(&self, id: i64) -> Result<bool> {
        self.write(|tx, _| {
            Ok(tx
                .prepare_cached("DELETE FROM mapping_templates WHERE id = ?1")?
                .execute([id])?
                == 1)
        })
    }

    /// Replaces the status map of a counter.
    pub fn save_status_map(&self, counter_id: i64, entries: &[StatusMapEntry]) -> Result<()> {
        let body = serde_json::to_string(entries).map_err(Error::json("status_maps.body_json"))?;
        self.write(|tx, now| {
            tx.prepare_cached(
                "INSERT INTO status_maps (counter_id, body_json, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (counter_id) DO UPDATE SET body_json = excluded.body_json, \
                 updated_at = excluded.updated_at",
            )?
            .execute(params![counter_id, body, ms(now)])?;
            Ok(())
        })
    }

    /// The status map of a counter (empty when none was saved).
    pub fn status_map(&self, counter_id: i64) -> Result<Vec<StatusMapEntry>> {
        self.read(|c| {
            let body: Option<String> = c
                .prepare_cached("SELECT body_json FROM status_maps WHERE counter_id = ?1")?
                .query_row([counter_id], |r| r.get(0))
                .optional()?;
            match body {
                None => Ok(Vec::new()),
                Some(b) => serde_json::from_str(&b).map_err(Error::json("status_maps.body_json")),
            }
        })
    }

    /// Creates or replaces the profile of `profile.counter_id`.
    pub fn save_profile(&self, p: &ClientProfile) -> Result<()> {
        self.write(|tx, now| {
            tx.prepare_cached(
                "INSERT INTO profiles (counter_id, account_login, counter_name, default_goal, \
                 currency, time_zone, merge_mode, hash_contacts, ledger_opt_in, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (counter_id) DO UPDATE SET account_login = excluded.account_login, \
                 counter_name = excluded.counter_name, default_goal = excluded.default_goal, \
                 currency = excluded.currency, time_zone = excluded.time_zone, \
                 merge_mode = excluded.merge_mode, hash_contacts = excluded.hash_contacts, \
                 ledger_opt_in = excluded.ledger_opt_in, updated_at = excluded.updated_at",
            )?
            .execute(params![
                p.counter_id,
                p.account_login,
                p.counter_name,
                p.default_goal,
                p.currency,
                p.time_zone,
                p.merge_mode.as_str(),
                p.hash_contacts,
                p.ledger_opt_in,
                ms(now)
            ])?;
            Ok(())
        })
    }

    pub fn profile(&self, counter_id: i64) -> Result<Option<ClientProfile>> {
        self.read(|c| {
            let sql = format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE counter_id = ?1");
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([counter_id])?;
            rows.next()?.map(profile_from_row).transpose()
        })
    }

    /// Profiles of one account (or all), by counter id.
    pub fn profiles(&self, account_login: Option<&str>) -> Result<Vec<ClientProfile>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {PROFILE_COLUMNS} FROM profiles WHERE ?1 IS NULL OR account_login = ?1 \
                 ORDER BY counter_id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([account_login])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(profile_from_row(r)?);
            }
            Ok(out)
        })
    }

    pub fn delete_profile(&self, counter_id: i64) -> Result<bool> {
        self.write(|tx, _| {
            Ok(tx
                .prepare_cached("DELETE FROM profiles WHERE counter_id = ?1")?
                .execute([counter_id])?
                == 1)
        })
    }

    /// Adds an account (or updates its display name). The first account becomes active.
    pub fn add_account(&self, login: &str, display_name: Option<&str>) -> Result<Account> {
        self.write(|tx, now| {
            let any_active: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE is_active = 1)")?
                .query_row([], |r| r.get(0))?;
            tx.prepare_cached(
                "INSERT INTO accounts (login, display_name, added_at, is_active) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (login) DO UPDATE SET \
                 display_name = COALESCE(excluded.display_name, display_name)",
            )?
            .execute(params![login, display_name, ms(now), !any_active])?;
            let mut stmt = tx.prepare_cached(
                "SELECT login, display_name, added_at, is_active FROM accounts WHERE login = ?1",
            )?;
            let mut rows = stmt.query([login])?;
            account_from_row(
                rows.next()?
                    .ok_or_else(|| Error::AccountNotFound(login.into()))?,
            )
        })
    }

    /// Makes `login` the one active account.
    pub fn set_active_account(&self, login: &str) -> Result<()> {
        self.write(|tx, _| {
            let exists: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE login = ?1)")?
                .query_row([login], |r| r.get(0))?;
            if !exists {
                return Err(Error::AccountNotFound(login.into()));
            }
            tx.execute("UPDATE accounts SET is_active = 0 WHERE is_active = 1", [])?;
            tx.execute(
                "UPDATE accounts SET is_active = 1 WHERE login = ?1",
                [login],
            )?;
            Ok(())
        })
    }

    pub fn active_account(&self) -> Result<Option<Account>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT login, display_name, added_at, is_active FROM accounts WHERE is_active = 1",
            )?;
            let mut rows = stmt.query([])?;
            rows.next()?.map(account_from_row).transpose()
        })
    }

    /// Every account, in the order they were added.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT login, display_name, added_at, is_active FROM accounts \
                 ORDER BY added_at, login",
            )?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(account_from_row(r)?);
            }
            Ok(out)
        })
    }

    /// Removes an account (its uploads stay in history). If it was active, the most recently
    /// added remaining account becomes active, so exactly one stays active while any exist.
    pub fn remove_account(&self, login: &str) -> Result<()> {
        self.write(|tx, _| {
            let removed = tx.execute("DELETE FROM accounts WHERE login = ?1", [login])?;
            if removed == 0 {
                return Err(Error::AccountNotFound(login.into()));
            }
            tx.execute(
                "UPDATE accounts SET is_active = 1 WHERE login = (SELECT login FROM accounts \
                 ORDER BY added_at DESC, login DESC LIMIT 1) \
                 AND NOT EXISTS (SELECT 1 FROM accounts WHERE is_active = 1)",
                [],
            )?;
            Ok(())
        })
    }

    /// Stores a setting. Keys that look like secrets (`token`, `password`, …) are refused.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        if is_secret_key(key) {
            return Err(Error::SecretSetting(key.into()));
        }
        self.write(|tx, _| {
            tx.prepare_cached(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
            Ok(())
        })
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                    .query_row([key], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    pub fn delete_setting(&self, key: &str) -> Result<bool> {
        self.write(|tx, _| {
            Ok(tx
                .prepare_cached("DELETE FROM settings WHERE key = ?1")?
                .execute([key])?
                == 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_setting_keys_that_look_like_secrets() {
        let s = Store::open_in_memory().unwrap();
        for key in ["oauth_token", "ProxyPassword", "client_secret"] {
            assert!(
                matches!(s.set_setting(key, "x"), Err(Error::SecretSetting(_))),
                "{key}"
            );
        }
        s.set_setting("ui.language", "ru").unwrap();
        assert_eq!(s.setting("ui.language").unwrap().as_deref(), Some("ru"));
    }
}
