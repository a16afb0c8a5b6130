//! Progress of long work as the front ends show it: one constructor for the events and a meter
//! that adds the rate and the time left, so the app and the CLI never compute them twice.
//!
//! The rate is measured over a sliding window of the last seconds of the current stage (an
//! upload's first bytes fill socket buffers at once; a whole-stage average would promise too
//! much). The time left is the remaining bytes at that rate.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::dto::{Progress, Stage};

/// Progress callback shared with the front end.
pub type ProgressSink = Arc<dyn Fn(Progress) + Send + Sync>;

pub fn no_progress_sink() -> ProgressSink {
    Arc::new(|_| {})
}

/// A progress event without rate or time left (the meter fills them).
pub fn progress(job_id: &str, stage: Stage, done: u64, total: Option<u64>, rows: u64) -> Progress {
    Progress {
        job_id: job_id.to_string(),
        stage,
        done,
        total,
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
        total_rows: None,
        bytes_per_sec: None,
        rows_per_sec: None,
        eta_secs: None,
    }
}

/// How far back the rate looks.
const WINDOW: Duration = Duration::from_secs(5);
/// No rate before this much of a stage has been seen.
const MIN_SPAN: Duration = Duration::from_secs(1);

/// Rate and time left for one stream of progress events. Pure over the instants it is given,
/// so it is tested without sleeping.
#[derive(Debug, Default)]
pub struct Meter {
    stage: Option<Stage>,
    samples: VecDeque<(Instant, u64, u32)>,
}

impl Meter {
    /// Fills `bytes_per_sec`, `rows_per_sec` and `eta_secs` of `p` as seen at `now`.
    pub fn observe(&mut self, mut p: Progress, now: Instant) -> Progress {
        if self.stage != Some(p.stage)
            || self
                .samples
                .back()
                .is_some_and(|(_, done, _)| p.done < *done)
        {
            // A new stage (or a new part) starts its own measurement.
            self.stage = Some(p.stage);
            self.samples.clear();
        }
        self.samples.push_back((now, p.done, p.rows));
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(t, _, _)| now.duration_since(*t) >= WINDOW)
        {
            self.samples.pop_front();
        }
        let Some(&(t0, done0, rows0)) = self.samples.front() else {
            return p;
        };
        let span = now.duration_since(t0);
        if span < MIN_SPAN || matches!(p.stage, Stage::Done) {
            return p;
        }
        let secs = span.as_secs_f64();
        let bytes_rate = p.done.saturating_sub(done0) as f64 / secs;
        if bytes_rate > 0.0 {
            p.bytes_per_sec = Some(bytes_rate);
            if let Some(total) = p.total {
                let left = total.saturating_sub(p.done) as f64 / bytes_rate;
                p.eta_secs = Some(left.ceil() as u64);
            }
        }
        let rows_rate = f64::from(p.rows.saturating_sub(rows0)) / secs;
        if rows_rate > 0.0 {
            p.rows_per_sec = Some(rows_rate);
        }
        p
    }
}

/// Wraps a sink so every event carries its rate and time left.
pub fn metered(sink: ProgressSink) -> ProgressSink {
    let meter = Mutex::new(Meter::default());
    Arc::new(move |p| {
        let p = meter
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .observe(p, Instant::now());
        sink(p);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(meter: &mut Meter, t0: Instant, ms: u64, stage: Stage, done: u64, rows: u64) -> Progress {
        meter.observe(
            progress("j", stage, done, Some(100 << 20), rows),
            t0 + Duration::from_millis(ms),
        )
    }

    #[test]
    fn rate_and_time_left_come_after_a_second_and_follow_the_recent_pace() {
        let t0 = Instant::now();
        let mut m = Meter::default();
        let first = at(&mut m, t0, 0, Stage::Validating, 0, 0);
        assert_eq!((first.bytes_per_sec, first.eta_secs), (None, None));
        let early = at(&mut m, t0, 500, Stage::Validating, 1 << 20, 1000);
        assert_eq!(early.eta_secs, None, "no promise in the first second");
        // 1 MiB/s and 2 000 rows/s over two seconds: 98 MiB left → 98 s.
        let p = at(&mut m, t0, 2000, Stage::Validating, 2 << 20, 4000);
        assert_eq!(p.bytes_per_sec, Some(f64::from(1 << 20)));
        assert_eq!(p.rows_per_sec, Some(2000.0));
        assert_eq!(p.eta_secs, Some(98));
        // The pace doubles for longer than the window: the estimate follows it.
        let mut last = p;
        for s in 3..=12u64 {
            last = at(
                &mut m,
                t0,
                s * 1000,
                Stage::Validating,
                (2 + (s - 2) * 2) << 20,
                0,
            );
        }
        assert_eq!(last.bytes_per_sec, Some(f64::from(2 << 20)));
        assert_eq!(last.eta_secs, Some((100 - 22) / 2));
    }

    #[test]
    fn a_new_stage_or_part_starts_measuring_again() {
        let t0 = Instant::now();
        let mut m = Meter::default();
        at(&mut m, t0, 0, Stage::Validating, 0, 0);
        let p = at(&mut m, t0, 3000, Stage::Validating, 90 << 20, 0);
        assert!(p.eta_secs.is_some());
        let sending = at(&mut m, t0, 3100, Stage::Uploading, 1 << 20, 0);
        assert_eq!(sending.eta_secs, None);
        let part_two = at(&mut m, t0, 5000, Stage::Uploading, 0, 0);
        assert_eq!(part_two.bytes_per_sec, None, "bytes went down: a new part");
        let done = at(&mut m, t0, 9000, Stage::Done, 0, 0);
        assert_eq!(done.eta_secs, None);
    }

    #[test]
    fn rows_beyond_u32_are_clamped_not_wrapped() {
        assert_eq!(
            progress("j", Stage::Validating, 0, None, 1 << 33).rows,
            u32::MAX
        );
    }
}
