//! The escalation ladder (D-LETTERS): what to do next with an account, from how far past due it
//! is and what has been done since it fell due. A recommendation, with its reason; the
//! collector decides.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::Money;

/// The rungs, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    FirstNotice,
    Call,
    SecondNotice,
    FinalDemand,
    PreLegal,
    Refer,
    WriteOff,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::FirstNotice => "send the first notice",
            Step::Call => "call",
            Step::SecondNotice => "send the second notice",
            Step::FinalDemand => "send the final demand",
            Step::PreLegal => "send the pre-legal notice",
            Step::Refer => "refer to an agency or attorney",
            Step::WriteOff => "write off the small balance",
        }
    }

    /// At most ten characters, for the worklist's column.
    pub fn short(self) -> &'static str {
        match self {
            Step::FirstNotice => "1st notice",
            Step::Call => "call",
            Step::SecondNotice => "2nd notice",
            Step::FinalDemand => "final dmd",
            Step::PreLegal => "pre-legal",
            Step::Refer => "refer",
            Step::WriteOff => "write off",
        }
    }

    /// The letter template that carries out this step, if it is a letter.
    pub fn template(self) -> Option<&'static str> {
        match self {
            Step::FirstNotice => Some("first-notice"),
            Step::SecondNotice => Some("second-notice"),
            Step::FinalDemand => Some("final-demand"),
            Step::PreLegal => Some("pre-legal"),
            _ => None,
        }
    }
}

/// Days past due at which each rung becomes due (config.toml `[ladder]`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LadderDays {
    pub first_notice: i64,
    pub call: i64,
    pub second_notice: i64,
    pub final_demand: i64,
    pub pre_legal: i64,
    pub refer: i64,
    /// At the referral rung, a balance below this (minor units) is written off instead.
    pub small_balance_cents: i64,
    /// Days between two steps, so a notice has time to work before the next one comes due.
    pub gap_days: i64,
}

impl Default for LadderDays {
    fn default() -> Self {
        LadderDays {
            first_notice: 1,
            call: 8,
            second_notice: 20,
            final_demand: 45,
            pre_legal: 60,
            refer: 90,
            small_balance_cents: 5_000,
            gap_days: 10,
        }
    }
}

/// What has happened on the account, as the ladder needs it.
#[derive(Debug, Clone, Default)]
pub struct LadderFacts {
    pub days_past_due: i64,
    pub balance: Money,
    /// Rungs already carried out since the oldest open invoice fell due.
    pub done: Vec<Step>,
    /// Nothing is left to demand: the whole account, or all of what is owed, is in dispute.
    /// (`balance` is then what is in collection: the open balance less what disputes hold back.)
    pub disputed: bool,
    pub on_hold: bool,
    pub pending_promise: Option<NaiveDate>,
    pub active_plan: bool,
    pub referred: bool,
    /// A standing flag that forbids demands (cease contact, bankruptcy, deceased).
    pub stopped_by: Option<&'static str>,
    /// Days since the last step was carried out (a call, a notice).
    pub days_since_last_step: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub step: Option<Step>,
    pub reason: String,
}

fn wait(reason: String) -> Recommendation {
    Recommendation { step: None, reason }
}

/// The lowest rung that is due and not yet done; nothing while the account is disputed, held,
/// promised, on a plan or already referred.
pub fn recommend(f: &LadderFacts, days: &LadderDays) -> Recommendation {
    // Only a dispute of everything owed stops the ladder. With part of it disputed the rest is
    // still collected (F-DISP: "or any disputed portion thereof"): `balance` and the days past
    // due are then of what is in collection, and the letters demand only that.
    if f.disputed {
        return wait("disputed: no demand until the dispute is resolved".into());
    }
    if !f.balance.is_positive() || f.days_past_due < days.first_notice {
        return wait("nothing past due".into());
    }
    if f.on_hold {
        return wait("on hold".into());
    }
    if let Some(on) = f.pending_promise {
        return wait(format!("promised to pay by {on}"));
    }
    if f.active_plan {
        return wait("paying on a plan".into());
    }
    if f.referred {
        return wait("referred: the legal file leads".into());
    }
    if let Some(flag) = f.stopped_by {
        return wait(format!("{flag}: no demands"));
    }
    let last = if f.balance.cents() < days.small_balance_cents { Step::WriteOff } else { Step::Refer };
    let rungs = [
        (Step::FirstNotice, days.first_notice),
        (Step::Call, days.call),
        (Step::SecondNotice, days.second_notice),
        (Step::FinalDemand, days.final_demand),
        (Step::PreLegal, days.pre_legal),
        (last, days.refer),
    ];
    let due = rungs.iter().filter(|(_, at)| f.days_past_due >= *at);
    match due.clone().find(|(step, _)| !f.done.contains(step)) {
        Some((step, _)) if f.days_since_last_step.is_some_and(|d| d < days.gap_days) => {
            let since = f.days_since_last_step.unwrap_or_default();
            wait(format!("last step {since} day(s) ago; {} after {} days", step.label(), days.gap_days))
        }
        Some((step, at)) => Recommendation {
            step: Some(*step),
            reason: format!("{} days past due; this step from day {at}", f.days_past_due),
        },
        None => {
            let next = rungs.iter().find(|(_, at)| f.days_past_due < *at);
            wait(match next {
                Some((step, at)) => format!("done so far; {} from day {at}", step.label()),
                None => "every step taken".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(dpd: i64, done: &[Step]) -> LadderFacts {
        LadderFacts { days_past_due: dpd, balance: Money(100_000), done: done.to_vec(), ..Default::default() }
    }

    #[test]
    fn steps_are_spaced_and_standing_flags_stop_demands() {
        let d = LadderDays::default();
        let f = LadderFacts { days_since_last_step: Some(0), ..facts(70, &[Step::FirstNotice]) };
        let r = recommend(&f, &d);
        assert_eq!(r.step, None, "the same day as the first notice: {}", r.reason);
        assert!(r.reason.contains("after 10 days"), "{}", r.reason);
        let f = LadderFacts { days_since_last_step: Some(10), ..f };
        assert_eq!(recommend(&f, &d).step, Some(Step::Call));
        let f = LadderFacts { stopped_by: Some("cease contact"), ..facts(70, &[]) };
        assert_eq!(recommend(&f, &d).reason, "cease contact: no demands");
    }

    #[test]
    fn each_rung_comes_due_at_its_day() {
        let d = LadderDays::default();
        assert_eq!(recommend(&facts(0, &[]), &d).step, None);
        assert_eq!(recommend(&facts(3, &[]), &d).step, Some(Step::FirstNotice));
        assert_eq!(recommend(&facts(10, &[Step::FirstNotice]), &d).step, Some(Step::Call));
        let early = [Step::FirstNotice, Step::Call];
        assert_eq!(recommend(&facts(25, &early), &d).step, Some(Step::SecondNotice));
        assert_eq!(
            recommend(&facts(50, &[Step::FirstNotice, Step::Call, Step::SecondNotice]), &d).step,
            Some(Step::FinalDemand)
        );
        let all = [Step::FirstNotice, Step::Call, Step::SecondNotice, Step::FinalDemand, Step::PreLegal];
        assert_eq!(recommend(&facts(95, &all), &d).step, Some(Step::Refer));
    }

    #[test]
    fn a_skipped_rung_is_recommended_first_and_the_reason_says_why() {
        let r = recommend(&facts(70, &[]), &LadderDays::default());
        assert_eq!(r.step, Some(Step::FirstNotice));
        assert_eq!(r.reason, "70 days past due; this step from day 1");
    }

    #[test]
    fn small_balances_are_written_off_not_referred() {
        let all = [Step::FirstNotice, Step::Call, Step::SecondNotice, Step::FinalDemand, Step::PreLegal];
        let f = LadderFacts { balance: Money(4_000), ..facts(120, &all) };
        assert_eq!(recommend(&f, &LadderDays::default()).step, Some(Step::WriteOff));
    }

    #[test]
    fn disputes_holds_promises_and_plans_pause_the_ladder() {
        let d = LadderDays::default();
        let base = facts(50, &[]);
        for f in [
            LadderFacts { disputed: true, ..base.clone() },
            LadderFacts { on_hold: true, ..base.clone() },
            LadderFacts { pending_promise: "2026-12-01".parse().ok(), ..base.clone() },
            LadderFacts { active_plan: true, ..base.clone() },
            LadderFacts { referred: true, ..base.clone() },
        ] {
            let r = recommend(&f, &d);
            assert_eq!(r.step, None, "{}", r.reason);
        }
    }

    #[test]
    fn between_rungs_it_says_what_comes_next() {
        let r = recommend(&facts(12, &[Step::FirstNotice, Step::Call]), &LadderDays::default());
        assert_eq!(r.step, None);
        assert_eq!(r.reason, "done so far; send the second notice from day 20");
    }
}
