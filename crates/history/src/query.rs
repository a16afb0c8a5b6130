//! History queries: the filtered list (newest first), the agency overview, the CSV export for
//! Russian Excel, and the poll schedule with its backoff. Does not own state changes (see
//! `upload`), nor the words the UI shows (codes only, except the export's column titles).

use crate::upload::{UPLOAD_COLUMNS, load, upload_from_row};
use crate::{Error, Result, Store, Upload, UploadState, ms};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use mb_schema::UploadKind;
use rusqlite::types::ToSql;
use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// Which uploads to list. Every field narrows; the default lists everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadFilter {
    pub account: Option<String>,
    pub counter: Option<i64>,
    pub kind: Option<UploadKind>,
    /// Any of these states (empty: all).
    pub states: Vec<UploadState>,
    /// Created at or after.
    pub from: Option<Timestamp>,
    /// Created strictly before.
    pub to: Option<Timestamp>,
    /// Substring of the file name, tag, server upload id, account or server message, in any
    /// letter case (Cyrillic included).
    pub text: Option<String>,
    pub limit: Option<u32>,
    pub offset: u32,
}

/// One client counter in the agency overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterOverview {
    pub counter_id: i64,
    /// From the client profile, when there is one.
    pub counter_name: Option<String>,
    /// The profile's account, else the last upload's.
    pub account_login: Option<String>,
    pub uploads_total: u64,
    pub last_upload: Option<Upload>,
    /// The last upload's `linked / line_quantity`.
    pub linked_share: Option<f64>,
}

/// The delay before poll number `attempts` (0-based): 30 s, 60 s, 2 min, 4 min … capped at
/// 30 min (reference §6.5: never more often than every 30–60 s; processing takes up to ~2 h).
pub fn poll_delay(attempts: u32) -> SignedDuration {
    const FIRST: i64 = 30;
    const CAP: i64 = 30 * 60;
    let secs = FIRST.checked_shl(attempts.min(20)).unwrap_or(CAP).min(CAP);
    SignedDuration::from_secs(secs)
}

pub(crate) fn schedule(
    tx: &Transaction<'_>,
    now: Timestamp,
    id: i64,
    attempts: u32,
) -> Result<Timestamp> {
    let at = now + poll_delay(attempts);
    tx.prepare_cached("UPDATE uploads SET poll_attempts = ?2, next_poll_at = ?3 WHERE id = ?1")?
        .execute(params![id, attempts, ms(at)])?;
    Ok(at)
}

/// The columns of [`Store::export_csv`], in order (Russian: the export is opened in Excel by
/// the user; the app's own screens translate codes instead).
pub const EXPORT_COLUMNS: [&str; 27] = [
    "№",
    "Метка",
    "Создано",
    "Аккаунт",
    "Счётчик",
    // The name the counter had at the send (an agency's sheet is read by client name).
    "Название счётчика",
    "Тип",
    "Состояние",
    "Файл",
    "Размер, байт",
    "SHA-256 файла",
    // The file's rows (on its first part when it went in parts), the rows this upload carried
    // (with only new rows: those sent this time, not every good row of the file), and the
    // file's rows left out for their errors.
    "Строк в файле",
    "Строк в загрузке",
    "Строк с ошибками",
    "Ошибок",
    "Предупреждений",
    "ID загрузки в Метрике",
    "Код статуса в API Метрики",
    "Строк получено Метрикой",
    "Строк прошло проверку",
    "Связано",
    "Посетитель не найден",
    "Цель не найдена",
    "Доля связанных, %",
    "Отправлено",
    "Завершено",
    "Сообщение сервера",
];

/// A kind and a state in the words the app shows (the catalogue shared with the CLI).
/// The columns holding a time, in the export's zone (named in their header).
pub const TIME_COLUMNS: [&str; 3] = ["Создано", "Отправлено", "Завершено"];

fn kind_label(k: UploadKind) -> &'static str {
    mb_text::text(mb_text::Lang::Ru, &format!("kinds.{}", k.as_str())).unwrap_or(k.as_str())
}

fn state_label(s: UploadState) -> &'static str {
    mb_text::text(mb_text::Lang::Ru, &format!("states.{}", s.as_str())).unwrap_or(s.as_str())
}

/// Excel runs a cell starting with `=`, `+`, `-` or `@` as a formula: neutralise it.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `WHERE …` and its parameters for a filter (without LIMIT/OFFSET).
fn where_clause(f: &UploadFilter) -> (String, Vec<Box<dyn ToSql>>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut push = |cond: &str, arg: Box<dyn ToSql>| {
        args.push(arg);
        conds.push(cond.replace('?', &format!("?{}", args.len())));
    };
    if let Some(a) = &f.account {
        push("account_login = ?", Box::new(a.clone()));
    }
    if let Some(c) = f.counter {
        push("counter_id = ?", Box::new(c));
    }
    if let Some(k) = f.kind {
        push("kind = ?", Box::new(k.as_str()));
    }
    if let Some(t) = f.from {
        push("created_at >= ?", Box::new(ms(t)));
    }
    if let Some(t) = f.to {
        push("created_at < ?", Box::new(ms(t)));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        args.push(Box::new(like_escape(&text.to_lowercase())));
        let n = args.len();
        let cols = [
            "source_name",
            "tag",
            "server_upload_id",
            "account_login",
            "server_message",
        ];
        let any: Vec<String> = cols
            .iter()
            .map(|c| format!("mb_lower({c}) LIKE ?{n} ESCAPE '\\'"))
            .collect();
        conds.push(format!("({})", any.join(" OR ")));
    }
    if !f.states.is_empty() {
        let list: Vec<String> = f
            .states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        conds.push(format!("state IN ({})", list.join(", ")));
    }
    let sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    (sql, args)
}

/// counter id, counter name, profile account, last upload id, uploads total.
type OverviewRow = (i64, Option<String>, Option<String>, Option<i64>, i64);

impl Store {
    /// Uploads matching the filter, newest first.
    pub fn uploads(&self, filter: &UploadFilter) -> Result<Vec<Upload>> {
        self.read(|c| {
            let (cond, args) = where_clause(filter);
            let sql = format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads {cond} \
                 ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
                filter.limit.map_or(-1, i64::from),
                filter.offset
            );
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(upload_from_row(r)?);
            }
            Ok(out)
        })
    }

    /// How many uploads match the filter (ignoring `limit`/`offset`), for paging.
    pub fn count_uploads(&self, filter: &UploadFilter) -> Result<u64> {
        self.read(|c| {
            let (cond, args) = where_clause(filter);
            let n: i64 = c.query_row(
                &format!("SELECT count(*) FROM uploads {cond}"),
                rusqlite::params_from_iter(args.iter()),
                |r| r.get(0),
            )?;
            Ok(n as u64)
        })
    }

    /// Every client counter known from profiles or uploads, with its last upload; counters
    /// with the most recent activity first, then those never uploaded to.
    pub fn agency_overview(&self) -> Result<Vec<CounterOverview>> {
        self.read(|conn| {
            // One snapshot for the list and the rows it names (another process may write).
            let c = conn.unchecked_transaction()?;
            let mut stmt = c.prepare_cached(
                "WITH counters AS (SELECT counter_id FROM profiles \
                                   UNION SELECT counter_id FROM uploads), \
                 ranked AS (SELECT id, counter_id, created_at, \
                     ROW_NUMBER() OVER (PARTITION BY counter_id \
                                        ORDER BY created_at DESC, id DESC) AS rn, \
                     COUNT(*) OVER (PARTITION BY counter_id) AS total FROM uploads) \
                 SELECT c.counter_id, p.counter_name, p.account_login, r.id, \
                        COALESCE(r.total, 0) \
                 FROM counters c LEFT JOIN profiles p ON p.counter_id = c.counter_id \
                 LEFT JOIN ranked r ON r.counter_id = c.counter_id AND r.rn = 1 \
                 ORDER BY r.created_at IS NULL, r.created_at DESC, c.counter_id",
            )?;
            let rows: Vec<OverviewRow> = stmt
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            rows.into_iter()
                .map(|(counter_id, counter_name, login, last, total)| {
                    let last_upload = last.map(|id| load(&c, id)).transpose()?;
                    Ok(CounterOverview {
                        counter_id,
                        counter_name,
                        account_login: login
                            .or_else(|| last_upload.as_ref().map(|u| u.account_login.clone())),
                        uploads_total: total as u64,
                        linked_share: last_upload.as_ref().and_then(Upload::linked_share),
                        last_upload,
                    })
                })
                .collect()
        })
    }

    /// Writes the uploads matching `filter` as CSV for Russian Excel: UTF-8 with BOM, `;`
    /// between fields, times as `yyyy-MM-dd HH:mm:ss` in `tz`, decimal comma, cells that
    /// Excel would run as formulas prefixed with `'`. Columns: [`EXPORT_COLUMNS`]. Returns
    /// the number of data rows.
    pub fn export_csv(
        &self,
        filter: &UploadFilter,
        tz: &TimeZone,
        writer: impl Write,
    ) -> Result<u64> {
        let uploads = self.uploads(filter)?;
        let mut writer = writer;
        writer.write_all(b"\xEF\xBB\xBF")?;
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(writer);
        // Times are in `tz` (the zone the window shows them in): the header names it, so a
        // sheet sent to a colleague elsewhere is not read an hour or three off.
        // A zone without an IANA name (TZ=MSK-3) is named by its offset now.
        let zone = match tz.iana_name() {
            Some(n) => n.to_string(),
            None => format!("UTC{}", tz.to_offset(Timestamp::now())),
        };
        let header: Vec<String> = EXPORT_COLUMNS
            .iter()
            .map(|c| {
                if TIME_COLUMNS.contains(c) {
                    format!("{c} ({zone})")
                } else {
                    (*c).to_string()
                }
            })
            .collect();
        w.write_record(&header)?;
        let time = |t: Option<Timestamp>| {
            t.map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
        };
        let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        for u in &uploads {
            let share = u
                .linked_share()
                .map(|s| format!("{:.1}", s * 100.0).replace('.', ","))
                .unwrap_or_default();
            let record: [String; 27] = [
                u.id.to_string(),
                u.tag.clone(),
                time(Some(u.created_at)),
                cell(&u.account_login),
                u.counter_id.to_string(),
                u.options
                    .as_ref()
                    .and_then(|o| o.get("counter_name"))
                    .and_then(|v| v.as_str())
                    .map(cell)
                    .unwrap_or_default(),
                kind_label(u.kind).to_string(),
                state_label(u.state).to_string(),
                cell(&u.source.name),
                u.source.size.to_string(),
                u.source.sha256.clone(),
                u.rows.rows.to_string(),
                u.rows.valid.to_string(),
                u.rows.rejected.to_string(),
                u.issues.errors.to_string(),
                u.issues.warnings.to_string(),
                u.server_upload_id.as_deref().map(cell).unwrap_or_default(),
                u.server_status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                num(u.source_quantity),
                num(u.line_quantity.or(u.elements_count)),
                num(u.linked_quantity),
                num(u.user_not_found_quantity),
                num(u.goal_not_found_quantity),
                share,
                time(u.sent_at),
                time(u.finished_at),
                u.server_message.as_deref().map(cell).unwrap_or_default(),
            ];
            w.write_record(&record)?;
        }
        w.flush()?;
        Ok(uploads.len() as u64)
    }

    /// Uploads the server may still be working on (`sent`, `processing`) whose next poll is
    /// due at `now` or earlier, the most overdue first.
    pub fn pending_polls(&self, now: Timestamp) -> Result<Vec<Upload>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE next_poll_at IS NOT NULL \
                 AND next_poll_at <= ?1 AND state IN ('sent', 'processing') \
                 ORDER BY next_poll_at, id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([ms(now)])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(upload_from_row(r)?);
            }
            Ok(out)
        })
    }

    /// Sets the poll counter to `attempts` and the next poll to now + [`poll_delay`]
    /// (`attempts`), e.g. after a poll failed on the network. Only for `sent`/`processing`
    /// uploads. Returns when the next poll is due.
    pub fn schedule_next_poll(&self, id: i64, attempts: u32) -> Result<Timestamp> {
        self.write(|tx, now| {
            let u = load(tx, id)?;
            if !u.state.is_pollable() {
                return Err(Error::NotPollable { id, state: u.state });
            }
            schedule(tx, now, id, attempts)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_delay_doubles_from_thirty_seconds_and_caps_at_thirty_minutes() {
        let secs: Vec<i64> = (0..8).map(|a| poll_delay(a).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1800, 1800]);
        assert_eq!(poll_delay(u32::MAX).as_secs(), 1800);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn formula_like_cells_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("crm.csv"), "crm.csv");
    }
}
