//! History, overview, settings: reading what was done, in the boundary's shapes.

use jiff::Timestamp;
use mb_history::{AdviceCode, FailureReason, Upload, UploadFilter, UploadState};

use crate::core::Core;
use crate::dto::{
    AppError, ClientOverview, ExplanationItem, HistoryFilter, OverviewWarning, Settings,
    UploadDetail, UploadSummary,
};
use crate::error::Result;

fn n(v: Option<i64>) -> Option<u32> {
    v.map(|x| x.clamp(0, i64::from(u32::MAX)) as u32)
}

pub fn summary(u: &Upload) -> UploadSummary {
    let opt = |k: &str| {
        u.options
            .as_ref()
            .and_then(|o| o.get(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    UploadSummary {
        id: u.id as u32,
        tag: u.tag.clone(),
        account: u.account_login.clone(),
        counter_id: u.counter_id as u32,
        counter_name: opt("counter_name"),
        kind: u.kind,
        file_name: u.source.name.clone(),
        rows: u.rows.rows as u32,
        valid_rows: u.rows.valid as u32,
        state: u.state,
        server_id: u.server_upload_id.clone(),
        server_status: u.server_status.map(|s| s.as_str().to_string()),
        // Like the linked share of the detail: only once Metrica has finished with the file
        // (older records kept Metrica's zeros from before it had matched anything).
        linked: final_count(u, u.linked_quantity),
        user_not_found: final_count(u, u.user_not_found_quantity),
        goal_not_found: final_count(u, u.goal_not_found_quantity),
        linked_share: final_share(u, u.linked_share()),
        created_at: u.created_at.to_string(),
        finished_at: u.finished_at.map(|t| t.to_string()),
        failure: u.server_message.as_deref().map(FailureReason::from_stored),
        note: opt("note"),
        resendable: u.is_resendable() && crate::upload::prepared_file(u).is_ok(),
        refreshable: u.state.is_refreshable(),
        replaced_by: u.superseded_by.map(|id| id as u32),
        outcome: crate::plan::OutcomeKind::of_state(u.state),
        received: u.received(),
    }
}

pub fn detail(u: &Upload) -> UploadDetail {
    let e = u.explain();
    let summary = summary(u);
    // Resending is advised only when the core would take it: with its prepared file gone, the
    // way is to choose the file again.
    let gone = u.is_resendable() && !summary.resendable;
    UploadDetail {
        summary,
        linked_share: final_share(u, e.linked_share),
        explanation: e
            .items
            .iter()
            .map(|i| ExplanationItem {
                code: i.code,
                count: n(i.count),
                advice: match i.advice_code {
                    Some(AdviceCode::Resend | AdviceCode::ReconcileThenResend) if gone => {
                        Some(AdviceCode::UploadFileAgain)
                    }
                    a => a,
                },
            })
            .collect(),
        rejected_path: u
            .options
            .as_ref()
            .and_then(|o| o.get("prepared_file"))
            .and_then(|v| v.as_str())
            .and_then(|p| crate::import::rejected_beside_prepared(std::path::Path::new(p)))
            .map(|p| p.display().to_string()),
    }
}

/// Metrica counts linked rows only at the end; before that a share would read as a false 0 %.
fn final_count(u: &Upload, v: Option<i64>) -> Option<u32> {
    n(v).filter(|_| is_final(u))
}

fn is_final(u: &Upload) -> bool {
    matches!(
        u.state,
        UploadState::Processed | UploadState::LinkageFailure
    )
}

fn final_share(u: &Upload, share: Option<f64>) -> Option<f64> {
    is_final(u).then_some(share).flatten()
}

/// A bound of the history filter: a day as a person types it (`2026-11-21`, `21.11.2026`,
/// `21/11/2026`) or an RFC 3339 instant.
enum Bound {
    Day(jiff::civil::Date),
    At(Timestamp),
}

fn parse_bound(s: &str, field: &str) -> Result<Bound> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(Bound::At(t));
    }
    let dotted = || {
        let mut parts = s.split(['.', '/']);
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 {
            return None;
        }
        jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    };
    s.parse::<jiff::civil::Date>()
        .ok()
        .or_else(dotted)
        .map(Bound::Day)
        .ok_or_else(|| AppError::InvalidInput {
            field: field.into(),
            reason: s.to_string(),
        })
}

/// The first instant of `day` in `tz` (a day that starts in a DST gap starts at its first
/// existing instant).
fn day_start(day: jiff::civil::Date, tz: &jiff::tz::TimeZone, field: &str) -> Result<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| AppError::InvalidInput {
            field: field.into(),
            reason: e.to_string(),
        })
}

/// The zone the window shows its dates in (`f.time_zone`), else the computer's. A zone the
/// bundled database does not know (a webview's odd answer) must not empty the list: the
/// computer's zone then, which is what the window shows dates in anyway.
fn zone_of(f: &HistoryFilter) -> jiff::tz::TimeZone {
    match f.time_zone.as_deref() {
        Some(name) => jiff::tz::TimeZone::get(name).unwrap_or_else(|_| {
            tracing::warn!("history: unknown time zone {name:?}, the computer's used");
            jiff::tz::TimeZone::system()
        }),
        None => jiff::tz::TimeZone::system(),
    }
}

/// The store's filter for `f`: days are whole days of `f.time_zone` (else the computer's
/// zone), the last one included — the same days the app and `mbridge history` show dates in.
pub fn filter(f: &HistoryFilter) -> Result<UploadFilter> {
    let tz = match f.from.is_some() || f.to.is_some() {
        true => zone_of(f),
        false => jiff::tz::TimeZone::system(),
    };
    // `to` is a day the user includes: the store wants "strictly before" (the next day's start).
    let bound = |s: Option<&str>, field: &str, end: bool| -> Result<Option<Timestamp>> {
        Ok(match s.map(|s| parse_bound(s, field)).transpose()? {
            Some(Bound::Day(d)) => {
                let day = if end {
                    d.tomorrow().map_err(|e| AppError::InvalidInput {
                        field: field.into(),
                        reason: e.to_string(),
                    })?
                } else {
                    d
                };
                Some(day_start(day, &tz, field)?)
            }
            Some(Bound::At(t)) => Some(t),
            None => None,
        })
    };
    let from = bound(f.from.as_deref(), "from", false)?;
    let to = bound(f.to.as_deref(), "to", true)?;
    Ok(UploadFilter {
        account: f.account.clone(),
        counter: f.counter_id.map(i64::from),
        kind: f.kind,
        states: f.states.clone(),
        from,
        to,
        text: None,
        limit: Some(f.limit.unwrap_or(200)),
        offset: 0,
    })
}

impl Core {
    pub fn history(&self, f: &HistoryFilter) -> Result<Vec<UploadSummary>> {
        Ok(self
            .store
            .uploads(&filter(f)?)?
            .iter()
            .map(summary)
            .collect())
    }

    /// Uploads Metrica is still processing that the follow-up ([`Core::poll_due`]) asks
    /// about: of the states it polls, and of accounts still signed in (a signed-out account's
    /// uploads wait for its next sign-in). The desktop keeps its tray while this is not 0.
    pub fn uploads_still_followed(&self) -> Result<usize> {
        let states: Vec<UploadState> = UploadState::ALL
            .into_iter()
            .filter(|s| s.is_pollable())
            .collect();
        let logins: Vec<String> = self.accounts()?.into_iter().map(|a| a.login).collect();
        Ok(self
            .store
            .uploads(&UploadFilter {
                states,
                ..Default::default()
            })?
            .iter()
            .filter(|u| logins.contains(&u.account_login))
            .count())
    }

    pub fn upload_detail(&self, id: i64) -> Result<UploadDetail> {
        Ok(detail(&self.store.upload(id)?))
    }

    /// Every client counter: the ones each signed-in account can upload to (from Metrica),
    /// joined with what the history knows (last upload, its state, linked share, the trend of
    /// recent shares), the counter's jobs and the warnings computed for it. Counters known
    /// only locally (Metrica unreachable) are listed too.
    pub async fn overview(&self) -> Result<Vec<ClientOverview>> {
        let local = self.store.agency_overview()?;
        let mut out: Vec<ClientOverview> = Vec::new();
        // Every counter's name the accounts can see, uploadable or not (a job's counter).
        let mut names: std::collections::HashMap<u64, String> = std::collections::HashMap::new();
        let mut logins: Vec<String> = self
            .store
            .accounts()?
            .into_iter()
            .map(|a| a.login)
            .collect();
        if logins.is_empty() {
            logins.push(String::new());
        }
        for who in logins {
            let client = if who.is_empty() {
                self.client().await
            } else {
                crate::jobs::ACCOUNT.scope(who.clone(), self.client()).await
            };
            let Ok((login, client)) = client else {
                continue;
            };
            match client.all_counters(&mb_api::CounterQuery::default()).await {
                Ok(counters) => {
                    for c in &counters {
                        names.entry(c.id).or_insert_with(|| c.name.clone());
                    }
                    for c in counters.iter().filter(|c| c.can_upload()) {
                        if out.iter().any(|x| u64::from(x.counter_id) == c.id) {
                            continue;
                        }
                        let known = local.iter().find(|o| o.counter_id as u64 == c.id);
                        out.push(ClientOverview {
                            counter_id: c.id as u32,
                            counter_name: c.name.clone(),
                            account: login.clone(),
                            last_upload: known.and_then(|o| o.last_upload.as_ref()).map(summary),
                            linked_share: known.and_then(|o| {
                                o.last_upload
                                    .as_ref()
                                    .and_then(|u| final_share(u, o.linked_share))
                            }),
                            linked_trend: Vec::new(),
                            warnings: Vec::new(),
                            jobs: Vec::new(),
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "overview without Metrica's counter list"),
            }
        }
        for o in &local {
            if !out.iter().any(|x| i64::from(x.counter_id) == o.counter_id) {
                out.push(ClientOverview {
                    counter_id: o.counter_id as u32,
                    counter_name: o
                        .counter_name
                        .clone()
                        .unwrap_or_else(|| o.counter_id.to_string()),
                    account: o.account_login.clone().unwrap_or_default(),
                    last_upload: o.last_upload.as_ref().map(summary),
                    linked_share: o
                        .last_upload
                        .as_ref()
                        .and_then(|u| final_share(u, o.linked_share)),
                    linked_trend: Vec::new(),
                    warnings: Vec::new(),
                    jobs: Vec::new(),
                });
            }
        }
        let jobs = self.jobs()?;
        // A job's counter is a client even when no account may upload to it any more (access
        // taken away) and nothing was sent there yet: its jobs and their warnings stay in view.
        for j in &jobs {
            if !out.iter().any(|x| x.counter_id == j.job.counter_id) {
                out.push(ClientOverview {
                    counter_id: j.job.counter_id,
                    counter_name: names
                        .get(&u64::from(j.job.counter_id))
                        .cloned()
                        .unwrap_or_else(|| j.job.counter_id.to_string()),
                    account: j.job.account_login.clone(),
                    last_upload: None,
                    linked_share: None,
                    linked_trend: Vec::new(),
                    warnings: Vec::new(),
                    jobs: Vec::new(),
                });
            }
        }
        let now = self.store.now();
        for c in out.iter_mut() {
            if c.last_upload.is_some() {
                let recent = self.store.uploads(&UploadFilter {
                    counter: Some(i64::from(c.counter_id)),
                    limit: Some(40),
                    ..UploadFilter::default()
                })?;
                c.linked_trend = crate::overview::linked_trend(&recent);
            }
            let mine: Vec<_> = jobs
                .iter()
                .filter(|j| j.job.counter_id == c.counter_id)
                .cloned()
                .collect();
            c.warnings =
                crate::overview::warnings(&c.linked_trend, &mine, &|j| self.oldest_unsent(j), now);
            c.jobs = mine
                .iter()
                .map(|j| crate::overview::job_view(j, self.is_demo()))
                .collect();
        }
        // Recently active clients first, then the rest by name.
        out.sort_by(|a, b| {
            let ta = a.last_upload.as_ref().map(|u| u.created_at.clone());
            let tb = b.last_upload.as_ref().map(|u| u.created_at.clone());
            tb.cmp(&ta)
                .then_with(|| a.counter_name.cmp(&b.counter_name))
        });
        Ok(out)
    }

    /// Writes the filtered history as CSV for Excel.
    pub fn export_history(&self, f: &HistoryFilter, path: &std::path::Path) -> Result<()> {
        // Where it could not be written, said with the path (a folder that is not there, no
        // right to write): the user's own choice, not trouble with the app's storage.
        let file = std::fs::File::create(path).map_err(|e| crate::error::unwritable(path, &e))?;
        let mut filter = filter(f)?;
        filter.limit = None;
        // Times in the zone the window shows them in: the file says what the screen said.
        self.store
            .export_csv(&filter, &zone_of(f), std::io::BufWriter::new(file))?;
        Ok(())
    }

    /// The overview's warnings not announced before, with their counter's name, for the desktop
    /// notification: each warning once, not at every refresh. A warning that clears and comes
    /// back later is announced again. The announced set lives in the history database.
    pub fn unannounced_warnings(
        &self,
        list: &[ClientOverview],
    ) -> Result<Vec<(String, OverviewWarning)>> {
        const KEY: &str = "announced_warnings";
        let key = |c: &ClientOverview, w: &OverviewWarning| {
            format!(
                "{}/{}/{}",
                c.counter_id,
                w.code,
                w.job.as_deref().unwrap_or("")
            )
        };
        let before: std::collections::BTreeSet<String> = self
            .store
            .setting(KEY)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let mut now = std::collections::BTreeSet::new();
        let mut fresh = Vec::new();
        for c in list {
            for w in &c.warnings {
                let k = key(c, w);
                if !before.contains(&k) && now.insert(k.clone()) {
                    fresh.push((c.counter_name.clone(), w.clone()));
                }
                now.insert(k);
            }
        }
        if now != before {
            let v = serde_json::to_string(&now).map_err(|e| AppError::Internal {
                detail: e.to_string(),
            })?;
            self.store.set_setting(KEY, &v)?;
        }
        Ok(fresh)
    }

    /// Whether e-mails and phones are hashed: as asked, else the app's setting «Шифровать
    /// телефоны и почту по умолчанию» (one rule for the app's sends, `mbridge upload` and
    /// `mbridge jobs add` without --hash-contacts / --no-hash-contacts).
    pub fn hash_contacts(&self, asked: Option<bool>) -> Result<bool> {
        match asked {
            Some(h) => Ok(h),
            None => Ok(self.settings()?.hash_contacts_by_default),
        }
    }

    pub fn settings(&self) -> Result<Settings> {
        let get = |k: &str, d: &str| -> Result<String> {
            Ok(self.store.setting(k)?.unwrap_or_else(|| d.to_string()))
        };
        let language = get("language", "system")?;
        Ok(Settings {
            resolved_language: crate::notices::notice_lang(&language).as_str().to_string(),
            language,
            theme: get("theme", "system")?,
            hash_contacts_by_default: get("hash_contacts_by_default", "false")? == "true",
            notify_when_processed: get("notify_when_processed", "true")? == "true",
            check_updates: get("check_updates", "true")? == "true",
        })
    }

    pub fn save_settings(&self, s: &Settings) -> Result<Settings> {
        let lang = match s.language.as_str() {
            "ru" | "en" | "system" => s.language.as_str(),
            other => {
                return Err(AppError::InvalidInput {
                    field: "language".into(),
                    reason: other.into(),
                });
            }
        };
        let theme = match s.theme.as_str() {
            "light" | "dark" | "system" => s.theme.as_str(),
            other => {
                return Err(AppError::InvalidInput {
                    field: "theme".into(),
                    reason: other.into(),
                });
            }
        };
        self.store.set_setting("language", lang)?;
        self.store.set_setting("theme", theme)?;
        for (key, on) in [
            ("hash_contacts_by_default", s.hash_contacts_by_default),
            ("notify_when_processed", s.notify_when_processed),
            ("check_updates", s.check_updates),
        ] {
            self.store
                .set_setting(key, if on { "true" } else { "false" })?;
        }
        self.settings()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(from: &str, to: &str, zone: Option<&str>) -> (Timestamp, Timestamp) {
        let f = filter(&HistoryFilter {
            from: Some(from.into()),
            to: Some(to.into()),
            time_zone: zone.map(str::to_string),
            ..HistoryFilter::default()
        })
        .unwrap();
        (f.from.unwrap(), f.to.unwrap())
    }

    #[test]
    fn days_are_whole_days_of_the_zone_the_dates_are_shown_in() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        // Moscow: 21.11.2026 runs from 20.11 21:00 UTC; the last day is included whole.
        let want = (at("2026-11-20T21:00:00Z"), at("2026-11-21T21:00:00Z"));
        assert_eq!(
            bounds("21.11.2026", "21.11.2026", Some("Europe/Moscow")),
            want
        );
        assert_eq!(
            bounds("2026-11-21", "21/11/2026", Some("Europe/Moscow")),
            want
        );
        // A day of 23 hours (Berlin's spring change): the next day's start, not +24 h.
        let (_, to) = bounds("2026-03-29", "2026-03-29", Some("Europe/Berlin"));
        assert_eq!(to, at("2026-03-29T22:00:00Z"));
        // An instant is an instant.
        let (from, _) = bounds("2026-11-21T01:30:00Z", "2026-11-22", Some("UTC"));
        assert_eq!(from, at("2026-11-21T01:30:00Z"));
    }

    #[test]
    fn a_day_that_is_not_one_is_refused_by_its_field() {
        // The window sends the days as typed: half-typed and impossible ones are refused
        // (its field is marked, the list stays), never read as some other day.
        let mut cases = vec![
            ("2026-11-21", "вчера", "to"),
            ("2026-11-21", "29.02.2025", "to"),
        ];
        for half in [
            "2",
            "20.11",
            "20.11.",
            "20.11.20",
            "21.11.26",
            "31.02.2026",
            "00.01.2026",
            "2026-13-01",
            "20..2026",
        ] {
            cases.push((half, "2026-11-22", "from"));
        }
        for (from, to, field) in cases {
            let e = filter(&HistoryFilter {
                from: Some(from.into()),
                to: Some(to.into()),
                ..HistoryFilter::default()
            })
            .unwrap_err();
            assert!(
                matches!(&e, AppError::InvalidInput { field: f, .. } if f == field),
                "{from} {to}: {e:?}"
            );
        }
        assert_eq!(
            bounds("1/2/2028", "29.02.2028", Some("UTC")),
            (
                "2028-02-01T00:00:00Z".parse().unwrap(),
                "2028-03-01T00:00:00Z".parse().unwrap()
            )
        );
        // The export writes times in the window's zone, which the header names.
        let named = |z: Option<&str>| {
            zone_of(&HistoryFilter {
                time_zone: z.map(str::to_string),
                ..HistoryFilter::default()
            })
            .iana_name()
            .map(str::to_string)
        };
        assert_eq!(named(Some("Asia/Almaty")).as_deref(), Some("Asia/Almaty"));
        assert_eq!(
            named(Some("Mars/Olympus")),
            jiff::tz::TimeZone::system().iana_name().map(str::to_string)
        );
        // A zone nobody knows does not empty the list: the computer's zone is used.
        let f = filter(&HistoryFilter {
            from: Some("2026-11-21".into()),
            time_zone: Some("Mars/Olympus".into()),
            ..HistoryFilter::default()
        })
        .unwrap();
        assert!(f.from.is_some());
    }
}
