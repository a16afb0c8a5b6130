//! Numbered schema migrations embedded in the binary and tracked with `PRAGMA user_version`.
//! Owns applying them on open and refusing files from a newer build; does not own the
//! meaning of the tables (see the SQL files and the modules that query them).

use crate::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// One schema step. `version` is the `user_version` the database has after `sql` ran.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
    /// A data step in Rust run right after `sql`, in the same transaction.
    pub post: Option<fn(&rusqlite::Transaction<'_>) -> Result<()>>,
}

/// Every migration, in order. Append only: a released migration is never edited.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/0001_init.sql"),
        post: None,
    },
    Migration {
        version: 2,
        name: "ledger_and_owner",
        sql: include_str!("../migrations/0002_ledger_and_owner.sql"),
        post: None,
    },
    Migration {
        version: 3,
        name: "ledger_segments",
        sql: include_str!("../migrations/0003_ledger_segments.sql"),
        post: Some(crate::ledger::migrate_0003),
    },
    Migration {
        version: 4,
        name: "jobs",
        sql: include_str!("../migrations/0004_jobs.sql"),
        post: None,
    },
    Migration {
        version: 5,
        name: "absent_lookups",
        sql: include_str!("../migrations/0005_absent_lookups.sql"),
        post: None,
    },
];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Refuses a database from a newer build; reads only (call it before anything writes).
pub(crate) fn check_version(conn: &Connection) -> Result<()> {
    let found = user_version(conn)?;
    if found > LATEST_VERSION {
        return Err(Error::NewerSchema {
            found,
            supported: LATEST_VERSION,
        });
    }
    Ok(())
}

/// Where the copy of a database is kept before it is migrated to [`LATEST_VERSION`]:
/// `history.sqlite` → `history.before-v3.sqlite` beside it.
pub fn backup_path(db: &std::path::Path) -> std::path::PathBuf {
    let stem = db
        .file_stem()
        .map_or("history".into(), |s| s.to_string_lossy().into_owned());
    db.with_file_name(format!("{stem}.before-v{LATEST_VERSION}.sqlite"))
}

/// Brings the schema to [`LATEST_VERSION`]. An existing database (version 1 or more) is first
/// copied to `backup` (a consistent snapshot through `VACUUM INTO`) unless a copy is already
/// there from an earlier attempt, which is the older state and is kept.
pub(crate) fn migrate(conn: &mut Connection, backup: Option<&std::path::Path>) -> Result<()> {
    check_version(conn)?;
    let found = user_version(conn)?;
    if found == LATEST_VERSION {
        return Ok(());
    }
    if found > 0
        && let Some(copy) = backup
        && !copy.exists()
    {
        let target = copy.to_string_lossy().into_owned();
        crate::retry_busy(|| Ok(conn.execute("VACUUM INTO ?1", [&target]).map(|_| ())?))?;
    }
    crate::retry_busy(|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated between our first look and the lock.
        let found = user_version(&tx)?;
        if found > LATEST_VERSION {
            return Err(Error::NewerSchema {
                found,
                supported: LATEST_VERSION,
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > found) {
            tx.execute_batch(m.sql)?;
            if let Some(post) = m.post {
                post(&tx)?;
            }
            tx.pragma_update(None, "user_version", m.version)?;
        }
        tx.commit()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        match migrate(&mut conn, None) {
            Err(Error::NewerSchema { found, supported }) => {
                assert_eq!((found, supported), (LATEST_VERSION + 1, LATEST_VERSION));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, None).unwrap();
        migrate(&mut conn, None).unwrap();
        assert_eq!(user_version(&conn).unwrap(), LATEST_VERSION);
    }
}
