//! Machine values the way a person reads them: the dates the core turns into Unix time or
//! `yyyy-MM-dd HH:mm:ss` come back as `20.11.2026 14:05` in the counter's zone.
//!
//! Only what the core alone can do lives here (the zone, the field's machine form). Plain
//! number and date formatting for the user's locale is the UI's (Intl) and the CLI's job.

use crate::report::{Example, Issue, IssueCount};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use mb_schema::{FieldFormat, UploadKind};

/// `fix` of `column` as a person reads it, when that differs from the machine form.
pub fn shown(kind: UploadKind, column: Option<&str>, fix: &str, tz: &TimeZone) -> Option<String> {
    let spec = kind.field(column?)?;
    match spec.format {
        FieldFormat::UnixSeconds => {
            let ts = Timestamp::from_second(fix.parse().ok()?).ok()?;
            Some(date_time(ts.to_zoned(tz.clone()).datetime()))
        }
        FieldFormat::CrmDateTime | FieldFormat::Date => {
            if let Ok(dt) = fix.parse::<DateTime>()
                && fix.len() > 10
            {
                Some(date_time(dt))
            } else {
                let d = fix.parse::<Date>().ok()?;
                Some(d.strftime("%d.%m.%Y").to_string())
            }
        }
        _ => None,
    }
}

/// `20.11.2026 14:05`, with seconds only when there are some.
fn date_time(dt: DateTime) -> String {
    if dt.second() == 0 {
        dt.strftime("%d.%m.%Y %H:%M").to_string()
    } else {
        dt.strftime("%d.%m.%Y %H:%M:%S").to_string()
    }
}

/// How a message says an issue's value («Дата «…» в будущем»): with no fix, a value whose
/// machine form differs from what a person reads is said the readable way first and as written
/// after it, so the user still finds it in the file (`09.11.2026 15:42 (1794228120)`); a
/// workbook's date cell, read as `2026-11-15 13:15:00`, is said as the spreadsheet shows it
/// (`15.11.2026 13:15`) alone, since that ISO form is nowhere in the user's file. The window
/// and the CLI both say it so.
pub fn said(issue: &Issue) -> String {
    match (&issue.fix, &issue.shown) {
        (None, Some(shown)) if shown != &issue.value => {
            if iso_of_shown(&issue.value, shown) {
                shown.clone()
            } else {
                format!("{shown} ({})", issue.value)
            }
        }
        _ => issue.value.clone(),
    }
}

/// Whether `value` is the ISO form (`2026-11-15 13:15:00`, `2026-11-15`) of the moment `shown`
/// says (`15.11.2026 13:15`, `15.11.2026`): the same day and the same minute, no seconds.
fn iso_of_shown(value: &str, shown: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `YYYY-MM-DD`, then `[ T]HH:MM`, then `:00` with `.000…` at most.
    let iso = |v: &str| -> Option<(String, Option<String>)> {
        let (date, time) = (v.get(..10)?, v.get(10..)?);
        let (y, m, d) = (date.get(..4)?, date.get(5..7)?, date.get(8..10)?);
        let date_ok =
            digits(y) && digits(m) && digits(d) && &date[4..5] == "-" && &date[7..8] == "-";
        let day = format!("{d}.{m}.{y}");
        if !date_ok {
            return None;
        }
        if time.is_empty() {
            return Some((day, None));
        }
        let (sep, hh, colon, mm, rest) = (
            time.get(..1)?,
            time.get(1..3)?,
            time.get(3..4)?,
            time.get(4..6)?,
            time.get(6..)?,
        );
        let seconds_zero = rest.is_empty()
            || rest.strip_prefix(":00").is_some_and(|r| {
                r.is_empty()
                    || r.strip_prefix('.')
                        .is_some_and(|z| !z.is_empty() && z.bytes().all(|b| b == b'0'))
            });
        ((sep == " " || sep == "T") && digits(hh) && colon == ":" && digits(mm) && seconds_zero)
            .then(|| (day, Some(format!("{hh}:{mm}"))))
    };
    let Some((day, time)) = iso(value.trim()) else {
        return false;
    };
    match time {
        None => shown.trim() == day,
        Some(t) => shown.trim() == format!("{day} {t}"),
    }
}

/// Fill `shown` of the kept issues (of the fix, or of the value when there is no fix) and of the
/// counts' examples (bounded: the kept issues and two examples per count).
pub(crate) fn fill(
    kind: UploadKind,
    tz: &TimeZone,
    issues: &mut [Issue],
    counts: &mut [IssueCount],
) {
    let one = |column: Option<&str>, fix: Option<&str>| shown(kind, column, fix?, tz);
    for i in issues {
        // Without a fix, the value itself is what a person must read (an old event written in
        // Unix time says its date, not «1794228120»).
        let said = i.fix.as_deref().or(Some(i.value.as_str()));
        i.shown = one(i.column.as_deref(), said);
    }
    for c in counts {
        let column = c.column.clone();
        for Example { fix, shown, .. } in &mut c.examples {
            *shown = one(column.as_deref(), fix.as_deref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(value: &str, fix: Option<&str>, shown: Option<&str>) -> Issue {
        Issue {
            line: 2,
            record: 1,
            column: Some("DateTime".into()),
            code: crate::codes::IssueCode::OutsideLinkingWindow,
            severity: crate::report::Severity::Warning,
            value: value.into(),
            fix: fix.map(str::to_string),
            shown: shown.map(str::to_string),
        }
    }

    #[test]
    fn a_value_is_said_readably_and_as_the_file_has_it() {
        let s = |v, f, sh| said(&issue(v, f, sh));
        // Unix time: the date first, then what the file holds.
        assert_eq!(
            s("1794228120", None, Some("09.11.2026 15:42")),
            "09.11.2026 15:42 (1794228120)"
        );
        // A workbook's date cell (read as ISO): as the spreadsheet shows it, alone.
        assert_eq!(
            s("2026-11-15 13:15:00", None, Some("15.11.2026 13:15")),
            "15.11.2026 13:15"
        );
        assert_eq!(
            s("2026-11-15T13:15", None, Some("15.11.2026 13:15")),
            "15.11.2026 13:15"
        );
        assert_eq!(s("2026-11-15", None, Some("15.11.2026")), "15.11.2026");
        // Seconds are something the user typed: the file's form follows.
        assert_eq!(
            s("2026-11-15 13:15:30", None, Some("15.11.2026 13:15:30")),
            "15.11.2026 13:15:30 (2026-11-15 13:15:30)"
        );
        // Another day is not the same value.
        assert_eq!(
            s("2026-11-16", None, Some("15.11.2026")),
            "15.11.2026 (2026-11-16)"
        );
        // With a fix, or nothing readable, the value as written.
        assert_eq!(
            s("1794228120", Some("1794228120"), Some("09.11.2026 15:42")),
            "1794228120"
        );
        assert_eq!(s("abc", None, None), "abc");
        assert_eq!(s("15.11.2026", None, Some("15.11.2026")), "15.11.2026");
    }

    fn moscow() -> TimeZone {
        TimeZone::get("Europe/Moscow").unwrap()
    }

    #[test]
    fn an_issue_without_a_fix_shows_its_value_as_a_date() {
        let mut issues = vec![issue("1794228120", None, None)];
        fill(UploadKind::Conversions, &moscow(), &mut issues, &mut []);
        assert_eq!(issues[0].shown.as_deref(), Some("09.11.2026 15:42"));
    }

    #[test]
    fn unix_time_is_shown_in_the_counters_zone() {
        // 20.11.2026 14:05 in Moscow (UTC+3) is 11:05 UTC.
        let ts = "2026-11-20T11:05:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_second();
        let got = shown(
            UploadKind::Conversions,
            Some("DateTime"),
            &ts.to_string(),
            &moscow(),
        );
        assert_eq!(got.as_deref(), Some("20.11.2026 14:05"));
        let utc = shown(
            UploadKind::Calls,
            Some("DateTime"),
            &ts.to_string(),
            &TimeZone::UTC,
        );
        assert_eq!(utc.as_deref(), Some("20.11.2026 11:05"));
    }

    #[test]
    fn crm_dates_are_shown_day_first_with_seconds_only_when_set() {
        let z = moscow();
        let k = UploadKind::SimpleOrders;
        let f = |v: &str| shown(k, Some("create_date_time"), v, &z);
        assert_eq!(
            f("2026-11-13 13:15:00").as_deref(),
            Some("13.11.2026 13:15")
        );
        assert_eq!(
            f("2026-11-13 13:15:07").as_deref(),
            Some("13.11.2026 13:15:07")
        );
        assert_eq!(f("2026-11-13").as_deref(), Some("13.11.2026"));
    }

    #[test]
    fn other_fields_and_garbage_have_no_display_form() {
        let z = moscow();
        assert_eq!(
            shown(UploadKind::SimpleOrders, Some("revenue"), "2990.50", &z),
            None
        );
        assert_eq!(
            shown(UploadKind::SimpleOrders, Some("no_such"), "1", &z),
            None
        );
        assert_eq!(
            shown(UploadKind::Conversions, Some("DateTime"), "soon", &z),
            None
        );
        assert_eq!(shown(UploadKind::Conversions, None, "1", &z), None);
    }
}
