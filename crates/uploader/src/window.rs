//! The counter's linking window (docs/metrika-api.md §4.7): Metrica takes offline conversions
//! and calls only once offline tracking has been on for about a day, and refuses earlier
//! uploads with «Загрузить данные сейчас невозможно. Загрузка станет доступна …». This module
//! reads the window when a counter is chosen, refuses to send before it opens (with the day,
//! in the counter's time zone), and switches the extended window on where the token may.
//! It does not own the upload flow; `upload` calls [`ensure_open`] before sending.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use mb_schema::UploadKind;

use crate::core::Core;
use crate::dto::{AppError, LinkingWindow};
use crate::error::Result;
use crate::upload::CounterContext;

/// The start of `date` in the zone `tz` (unknown zones read as UTC).
pub fn day_start(date: Date, tz: &str) -> Option<Timestamp> {
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    date.to_zoned(zone).ok().map(|z| z.timestamp())
}

/// The day uploads open when the window start is still ahead of `now`.
pub fn closed_until(window_start: Option<Timestamp>, tz: &str, now: Timestamp) -> Option<Date> {
    let start = window_start.filter(|s| *s > now)?;
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    Some(start.to_zoned(zone).date())
}

/// The day the counter links offline data from, when uploads are open and that day is less
/// than [`mb_schema::LINKING_WINDOW_DAYS`] days back (the window still growing from the day it
/// was switched on; older, the 21 days are the limit and no day is the counter's own).
pub fn growing_since(window_start: Option<Timestamp>, tz: &str, now: Timestamp) -> Option<Date> {
    let full = now
        .checked_sub(jiff::SignedDuration::from_hours(
            24 * mb_schema::LINKING_WINDOW_DAYS,
        ))
        .ok()?;
    let start = window_start.filter(|s| *s <= now && *s > full)?;
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    Some(start.to_zoned(zone).date())
}

/// The window start the validator checks rows against: none while the window has not opened
/// (every row would read as "too old"; the closed window is reported on its own instead).
pub fn for_validation(window_start: Option<Timestamp>, now: Timestamp) -> Option<Timestamp> {
    window_start.filter(|s| *s <= now)
}

/// `Err(LinkingWindowNotOpen)` naming the day when the counter does not take uploads yet.
pub fn ensure_open(ctx: &CounterContext, now: Timestamp) -> Result<()> {
    match closed_until(ctx.window_start, &ctx.time_zone, now) {
        None => Ok(()),
        Some(day) => Err(AppError::LinkingWindowNotOpen {
            date: day.to_string(),
        }),
    }
}

fn threshold_kind(kind: UploadKind) -> Option<bool> {
    match kind {
        UploadKind::Conversions => Some(false),
        UploadKind::Calls => Some(true),
        _ => None,
    }
}

impl Core {
    /// Whether the active account's stored token holds `metrika:write`; None when no token
    /// or no scope is stored.
    fn write_scope(&self) -> Option<bool> {
        let login = self.active_login().ok()?;
        let token = self.tokens.get(&login).ok()??;
        let scope = token.scope?;
        Some(scope.split_whitespace().any(|x| x == "metrika:write"))
    }

    /// Whether the token of the active account holds `metrika:write` (unknown → false).
    async fn token_can_write(&self) -> bool {
        self.write_scope() == Some(true)
    }

    /// The counter's linking window for `kind` (CRM kinds have none: always open).
    pub async fn linking_window(&self, counter_id: u32, kind: UploadKind) -> Result<LinkingWindow> {
        let Some(calls) = threshold_kind(kind) else {
            return Ok(LinkingWindow {
                counter_id,
                opens_on: None,
                links_from: None,
                extended: None,
                can_enable_extended: false,
            });
        };
        let (login, client) = self.client().await?;
        let id = u64::from(counter_id);
        let counter = client
            .counter(id)
            .await
            .map_err(|e| self.counter_err(&login, id, e))?;
        let tz = counter
            .time_zone_name
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_TIME_ZONE.into());
        // Best effort: the threshold endpoints may be gone (§4.7).
        let date = if calls {
            client.calls_visit_join_threshold(id).await
        } else {
            client.visit_join_threshold(id).await
        }
        .ok()
        .flatten();
        let start = date.and_then(|d| day_start(d, &tz));
        let now = Timestamp::now();
        let opens_on = closed_until(start, &tz, now).map(|d| d.to_string());

        let extended = counter.offline_options.as_ref().and_then(|o| {
            if calls {
                o.offline_calls_extended_threshold
            } else {
                o.offline_conversion_extended_threshold
            }
        });
        // With the extended window off, the day Metrica names is today (a visit is amended for
        // hours only): not a window growing from a day of its own.
        let links_from = (extended != Some(false))
            .then(|| growing_since(start, &tz, now))
            .flatten()
            .map(|d| d.to_string());
        let can_enable_extended =
            extended == Some(false) && counter.can_upload() && self.token_can_write().await;
        Ok(LinkingWindow {
            counter_id,
            opens_on,
            links_from,
            extended,
            can_enable_extended,
        })
    }

    /// Switches the extended (21-day) window on (`POST …/extended_threshold`, needs
    /// `metrika:write`) and reads the window again.
    pub async fn enable_extended_window(
        &self,
        counter_id: u32,
        kind: UploadKind,
    ) -> Result<LinkingWindow> {
        let Some(calls) = threshold_kind(kind) else {
            return Err(AppError::InvalidInput {
                field: "kind".into(),
                reason: "no_linking_window".into(),
            });
        };
        // A sign-in known to lack `metrika:write`: Metrica would answer «access denied», which
        // reads as no rights on a counter the account may own. The fix is signing in again.
        if self.env_token.is_none() && self.write_scope() == Some(false) {
            return Err(AppError::InvalidInput {
                field: "sign_in".into(),
                reason: crate::error::WRITE_SCOPE.into(),
            });
        }
        let (login, client) = self.client().await?;
        let id = u64::from(counter_id);
        let r = if calls {
            client.set_calls_extended_threshold(id, true).await
        } else {
            client.set_extended_threshold(id, true).await
        };
        r.map_err(|e| self.api_err(&login, e))?;
        self.linking_window(counter_id, kind).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_threshold_day_starts_in_the_counters_zone_not_at_utc_midnight() {
        let d = jiff::civil::date(2026, 11, 23);
        assert_eq!(
            day_start(d, "Asia/Vladivostok"),
            Some(ts("2026-11-22T14:00:00Z"))
        );
        assert_eq!(
            day_start(d, "Europe/Moscow"),
            Some(ts("2026-11-22T21:00:00Z"))
        );
    }

    #[test]
    fn a_window_starting_tomorrow_is_closed_until_that_day() {
        let tz = "Europe/Samara";
        let start = day_start(jiff::civil::date(2026, 11, 23), tz);
        let now = ts("2026-11-22T07:00:00Z");
        assert_eq!(
            closed_until(start, tz, now),
            Some(jiff::civil::date(2026, 11, 23))
        );
        // Past windows and unknown ones are open.
        assert_eq!(closed_until(start, tz, ts("2026-11-22T21:00:00Z")), None);
        assert_eq!(closed_until(None, tz, now), None);
        // The validator gets no window while it is closed, the real start once open.
        assert_eq!(for_validation(start, now), None);
        let later = ts("2026-11-23T00:00:00Z");
        assert_eq!(for_validation(start, later), start);
    }

    #[test]
    fn a_window_switched_on_days_ago_links_from_that_day_until_it_is_21_days_old() {
        let tz = "Asia/Vladivostok";
        let start = day_start(jiff::civil::date(2026, 11, 20), tz);
        let day = Some(jiff::civil::date(2026, 11, 20));
        // Six days on: the counter's own day, in its zone.
        assert_eq!(growing_since(start, tz, ts("2026-11-26T07:00:00Z")), day);
        // Not open yet: said as the day it opens instead.
        assert_eq!(growing_since(start, tz, ts("2026-11-19T07:00:00Z")), None);
        // 21 days and more: the 21 days are the limit, no day of the counter's own.
        assert_eq!(growing_since(start, tz, ts("2026-12-10T13:00:00Z")), day);
        assert_eq!(growing_since(start, tz, ts("2026-12-10T15:00:00Z")), None);
        assert_eq!(growing_since(None, tz, ts("2026-11-26T07:00:00Z")), None);
    }
}
