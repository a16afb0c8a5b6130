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

    fn moscow() -> TimeZone {
        TimeZone::get("Europe/Moscow").unwrap()
    }

    #[test]
    fn an_issue_without_a_fix_shows_its_value_as_a_date() {
        let mut issues = vec![Issue {
            line: 2,
            record: 1,
            column: Some("DateTime".into()),
            code: crate::codes::IssueCode::OutsideLinkingWindow,
            severity: crate::report::Severity::Warning,
            value: "1794228120".into(),
            fix: None,
            shown: None,
        }];
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
