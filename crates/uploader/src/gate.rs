//! What keeps a checked file from going: the one ladder every front end shows.
//!
//! The check gives, for each step that offers to go on (the Check step's «Далее», the
//! review's «Отправить»), every stop that applies in the order a person meets them, and which
//! of their answers lift each one. A front end shows the first stop its answers do not lift
//! ([`first`]), in its own words; it decides nothing else. The send itself refuses the same
//! way (the core's test `the_gate_says_what_the_send_does` holds the two together).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use mb_import::report::SendBlock;

/// One reason the file cannot go yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SendStop {
    /// The account may only view the counter.
    NoAccess,
    /// The counter takes offline data only from a day still ahead
    /// (`ValidationSummary::window_opens_on`).
    WindowNotOpen,
    /// Errors in the file itself (a column missing, the file unreadable as a table).
    FileErrors,
    /// Not one row can go.
    NoValidRows,
    /// Some rows have errors: lifted by sending the others ([`SendAnswer::SkipInvalid`]).
    RowErrors,
    /// An earlier send of this file was cut off and Metrica may have it: it goes again only
    /// from History's resend, which asks Metrica first.
    DuplicateCutOff,
    /// The file holds calls of a cut-off send Metrica does not list yet: nothing that could
    /// repeat them goes before the time `ValidationSummary::cut_off_unsettled` names.
    CutOffUnsettled,
    /// The file was sent before: the person says what to do with it first.
    Duplicate,
}

/// An answer the person gives on the way, which lifts some stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SendAnswer {
    /// «Отправить строки без ошибок».
    SkipInvalid,
    /// The duplicate question answered (only the new rows, or everything again).
    Duplicate,
    /// «Только новые строки» chosen: only rows Metrica lacks go, so a file it accepted before
    /// needs no question.
    OnlyNew,
}

/// A stop and the answers that lift it (any one of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GateStop {
    pub stop: SendStop,
    pub lifted_by: Vec<SendAnswer>,
}

/// Every stop on the way, per step, in the order they are met.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SendGate {
    /// Before leaving the Check step. Rows with errors do not stop it (the review offers to
    /// leave them out); the duplicate question is answered there.
    pub check: Vec<GateStop>,
    /// Before «Отправить».
    pub review: Vec<GateStop>,
    /// «Только новые строки» would send nothing: every valid row is one Metrica holds (the
    /// review says so calmly instead of offering a send, when no stop comes first).
    #[serde(default)]
    pub nothing_new: bool,
}

/// What the gate is made of: the check's facts.
#[derive(Debug, Clone, Copy, Default)]
pub struct GateFacts {
    pub can_upload: bool,
    pub window_closed: bool,
    pub send_block: Option<SendBlock>,
    pub valid_rows: u32,
    pub new_rows: u32,
    pub duplicate: bool,
    /// Metrica accepted that earlier send.
    pub duplicate_accepted: bool,
    pub duplicate_cut_off: bool,
    /// The send would repeat calls of a cut-off send Metrica does not list yet.
    pub unsettled: bool,
    /// That cut-off send is this file's earlier one.
    pub unsettled_is_duplicate: bool,
}

impl SendGate {
    pub fn of(f: &GateFacts) -> SendGate {
        use SendAnswer as A;
        use SendStop as S;
        let stop = |stop, lifted_by: &[A]| GateStop {
            stop,
            lifted_by: lifted_by.to_vec(),
        };
        let mut first = Vec::new();
        if !f.can_upload {
            first.push(stop(S::NoAccess, &[]));
        }
        if f.window_closed {
            first.push(stop(S::WindowNotOpen, &[]));
        }
        match f.send_block {
            Some(SendBlock::FileErrors) => first.push(stop(S::FileErrors, &[])),
            Some(SendBlock::NoValidRows) => first.push(stop(S::NoValidRows, &[])),
            _ if f.valid_rows == 0 => first.push(stop(S::NoValidRows, &[])),
            _ => {}
        }
        let mut check = first.clone();
        let mut review = first;
        // The send asks about an earlier send of the file before it reads the rows. A cut-off
        // one goes again only from History; an accepted one lets the new rows go unasked.
        if f.unsettled_is_duplicate {
            check.push(stop(S::CutOffUnsettled, &[]));
            review.push(stop(S::CutOffUnsettled, &[]));
        } else if f.duplicate_cut_off {
            check.push(stop(S::DuplicateCutOff, &[]));
            review.push(stop(S::DuplicateCutOff, &[]));
        } else if f.duplicate {
            check.push(stop(S::Duplicate, &[A::Duplicate]));
            let lifted: &[A] = if f.duplicate_accepted {
                &[A::Duplicate, A::OnlyNew]
            } else {
                &[A::Duplicate]
            };
            review.push(stop(S::Duplicate, lifted));
        }
        if f.send_block == Some(SendBlock::RowErrors) {
            review.push(stop(S::RowErrors, &[A::SkipInvalid]));
        }
        // Found once the rows are read and filtered, as the send finds it.
        if f.unsettled && !f.unsettled_is_duplicate {
            check.push(stop(S::CutOffUnsettled, &[]));
            review.push(stop(S::CutOffUnsettled, &[]));
        }
        SendGate {
            check,
            review,
            nothing_new: f.valid_rows > 0 && f.new_rows == 0,
        }
    }
}

/// The first of `stops` that none of `answers` lifts: what the step says, and why it offers no
/// way on (the front ends' `firstStop` is this, line for line).
pub fn first(stops: &[GateStop], answers: &[SendAnswer]) -> Option<SendStop> {
    stops
        .iter()
        .find(|s| !s.lifted_by.iter().any(|a| answers.contains(a)))
        .map(|s| s.stop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SendAnswer as A;
    use SendStop as S;

    fn facts() -> GateFacts {
        GateFacts {
            can_upload: true,
            valid_rows: 5,
            new_rows: 5,
            ..GateFacts::default()
        }
    }

    #[test]
    fn a_clean_file_goes_from_both_steps() {
        let g = SendGate::of(&facts());
        assert_eq!(g, SendGate::default());
    }

    #[test]
    fn what_nothing_lifts_comes_first_in_both_steps() {
        let g = SendGate::of(&GateFacts {
            can_upload: false,
            window_closed: true,
            send_block: Some(SendBlock::RowErrors),
            duplicate: true,
            ..facts()
        });
        let all = [A::SkipInvalid, A::Duplicate, A::OnlyNew];
        assert_eq!(first(&g.check, &all), Some(S::NoAccess));
        assert_eq!(first(&g.review, &all), Some(S::NoAccess));
        assert_eq!(g.review[1].stop, S::WindowNotOpen);
    }

    #[test]
    fn rows_with_errors_stop_only_the_send_until_skipped() {
        let g = SendGate::of(&GateFacts {
            send_block: Some(SendBlock::RowErrors),
            ..facts()
        });
        assert_eq!(first(&g.check, &[]), None);
        assert_eq!(first(&g.review, &[]), Some(S::RowErrors));
        assert_eq!(first(&g.review, &[A::SkipInvalid]), None);
    }

    #[test]
    fn a_file_sent_before_waits_for_the_answer_and_a_cut_off_one_for_history() {
        let g = SendGate::of(&GateFacts {
            duplicate: true,
            ..facts()
        });
        assert_eq!(first(&g.check, &[]), Some(S::Duplicate));
        assert_eq!(first(&g.check, &[A::Duplicate]), None);
        assert_eq!(first(&g.review, &[A::Duplicate]), None);
        assert_eq!(first(&g.review, &[A::OnlyNew]), Some(S::Duplicate));
        let g = SendGate::of(&GateFacts {
            duplicate: true,
            duplicate_cut_off: true,
            ..facts()
        });
        assert_eq!(first(&g.check, &[A::Duplicate]), Some(S::DuplicateCutOff));
        let all = [A::SkipInvalid, A::Duplicate, A::OnlyNew];
        assert_eq!(first(&g.review, &all), Some(S::DuplicateCutOff));
    }

    #[test]
    fn only_the_new_rows_of_a_file_metrica_accepted_go_unasked_from_the_review() {
        let g = SendGate::of(&GateFacts {
            send_block: Some(SendBlock::RowErrors),
            duplicate: true,
            duplicate_accepted: true,
            ..facts()
        });
        assert_eq!(first(&g.review, &[A::OnlyNew]), Some(S::RowErrors));
        assert_eq!(first(&g.review, &[A::OnlyNew, A::SkipInvalid]), None);
        assert_eq!(first(&g.review, &[]), Some(S::Duplicate));
        // The check step asks about the duplicate whatever the review will send.
        assert_eq!(first(&g.check, &[A::OnlyNew]), Some(S::Duplicate));
    }

    #[test]
    fn no_valid_row_is_said_once_whatever_the_block() {
        for block in [None, Some(SendBlock::NoValidRows)] {
            let g = SendGate::of(&GateFacts {
                send_block: block,
                valid_rows: 0,
                new_rows: 0,
                ..facts()
            });
            assert_eq!(g.check, g.review);
            assert_eq!(first(&g.review, &[A::OnlyNew]), Some(S::NoValidRows));
        }
    }
}
