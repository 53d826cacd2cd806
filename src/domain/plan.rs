//! Payment plans (D-PLAN): a schedule that sums exactly to the planned total, the last
//! installment taking the rounding, on weekly, every-two-weeks, twice-a-month or monthly dates.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    Weekly,
    Biweekly,
    Semimonthly,
    Monthly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] =
        [Frequency::Weekly, Frequency::Biweekly, Frequency::Semimonthly, Frequency::Monthly];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "biweekly",
            Frequency::Semimonthly => "semimonthly",
            Frequency::Monthly => "monthly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Weekly => "every week",
            Frequency::Biweekly => "every two weeks",
            Frequency::Semimonthly => "twice a month",
            Frequency::Monthly => "every month",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        let s = s.trim().to_ascii_lowercase();
        // The short forms the CLI documents: week, 2weeks, semimonth, month.
        let s = match s.as_str() {
            "week" => "weekly",
            "2weeks" | "2-weeks" | "fortnight" => "biweekly",
            "semimonth" => "semimonthly",
            "month" => "monthly",
            other => other,
        };
        Frequency::ALL.into_iter().find(|f| f.code() == s || f.label() == s)
    }

    /// The `k`-th due date (0-based) from `first`.
    pub fn nth(self, first: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Frequency::Weekly => first.checked_add_days(Days::new(7 * u64::from(k))),
            Frequency::Biweekly => first.checked_add_days(Days::new(14 * u64::from(k))),
            // The first date and fifteen days later, then the same a month on.
            Frequency::Semimonthly => {
                let month = first.checked_add_months(Months::new(k / 2))?;
                if k.is_multiple_of(2) { Some(month) } else { month.checked_add_days(Days::new(15)) }
            }
            Frequency::Monthly => first.checked_add_months(Months::new(k)),
        }
    }
}

/// How the rest after the down payment is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// This many equal installments.
    Count(u32),
    /// Installments of this amount, the last one smaller.
    Amount(Money),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTerms {
    pub total: Money,
    pub down_payment: Money,
    pub split: Split,
    pub frequency: Frequency,
    /// The down payment is due on `start`; installments from `first_due`.
    pub start: NaiveDate,
    pub first_due: NaiveDate,
    /// Days after each date before an unpaid installment counts as missed; `None`: the
    /// book's `plan_grace_days`.
    pub grace_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the plan's total must be more than zero")]
    NoTotal,
    #[error("the down payment is more than the total")]
    DownTooLarge,
    #[error("give a number of installments (1–120) or an installment amount")]
    NoSplit,
    #[error("that makes more than 120 installments")]
    TooMany,
    #[error("the first installment is before the plan starts")]
    FirstTooEarly,
}

/// The schedule: (due date, amount), the down payment first when there is one.
pub fn schedule(t: &PlanTerms) -> Result<Vec<(NaiveDate, Money)>, PlanError> {
    if !t.total.is_positive() {
        return Err(PlanError::NoTotal);
    }
    if t.down_payment > t.total || t.down_payment.is_negative() {
        return Err(PlanError::DownTooLarge);
    }
    if t.first_due < t.start {
        return Err(PlanError::FirstTooEarly);
    }
    let rest = t.total - t.down_payment;
    let amounts: Vec<Money> = match t.split {
        _ if rest == Money::ZERO => Vec::new(),
        Split::Count(n) if (1..=120).contains(&n) => rest.split_even(n),
        Split::Count(0) => return Err(PlanError::NoSplit),
        Split::Count(_) => return Err(PlanError::TooMany),
        Split::Amount(a) if a.is_positive() => {
            let full = rest.cents() / a.cents();
            let tail = rest.cents() % a.cents();
            let n = full + i64::from(tail > 0);
            if n > 120 {
                return Err(PlanError::TooMany);
            }
            let mut v = vec![a; full as usize];
            if tail > 0 {
                v.push(Money(tail));
            }
            v
        }
        Split::Amount(_) => return Err(PlanError::NoSplit),
    };
    let mut out = Vec::with_capacity(amounts.len() + 1);
    if t.down_payment.is_positive() {
        out.push((t.start, t.down_payment));
    }
    for (k, amount) in amounts.into_iter().enumerate() {
        let due = t.frequency.nth(t.first_due, k as u32).ok_or(PlanError::TooMany)?;
        out.push((due, amount));
    }
    Ok(out)
}

/// How an installment due by the report day went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timeliness {
    /// Paid in full by its date plus the grace days.
    OnTime,
    /// Paid in full, but after its grace ran out.
    Late,
    /// Not paid in full and the grace has run out.
    Missed,
    /// Due, not paid in full, still within its grace.
    InGrace,
    /// Not due yet.
    NotYetDue,
}

impl Timeliness {
    pub fn label(self) -> &'static str {
        match self {
            Timeliness::OnTime => "paid on time",
            Timeliness::Late => "paid late",
            Timeliness::Missed => "missed",
            Timeliness::InGrace => "due, in grace",
            Timeliness::NotYetDue => "not yet due",
        }
    }
}

/// The day each installment (`amounts`, in due order) was paid in full, replaying `receipts`
/// (in the order received; reversals negative) the way money is applied: to the earliest
/// installment still open, the surplus to the next. A reversal unpays the newest first.
pub fn paid_dates(amounts: &[Money], receipts: &[(NaiveDate, Money)]) -> Vec<Option<NaiveDate>> {
    let mut out = vec![None; amounts.len()];
    // The running total each installment needs to be paid in full.
    let targets: Vec<i64> = amounts
        .iter()
        .scan(0i64, |sum, a| {
            *sum += a.cents();
            Some(*sum)
        })
        .collect();
    let mut received = 0i64;
    let mut paid = 0usize;
    for (on, amount) in receipts {
        received += amount.cents();
        while paid < targets.len() && received >= targets[paid] {
            out[paid] = Some(*on);
            paid += 1;
        }
        while paid > 0 && received < targets[paid - 1] {
            paid -= 1;
            out[paid] = None;
        }
    }
    out
}

/// What an installment is, in every view (`show`, `--json`, the desk, the plans report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstallmentState {
    /// Paid in full by its date plus the grace days (or before it was due).
    Paid,
    /// Paid in full, after its grace ran out.
    PaidLate,
    /// Not paid in full; not due yet, or still within its grace.
    Due,
    /// Not paid in full when its grace ran out while the plan was live.
    Missed,
    /// Still open when a renegotiated plan replaced this one: it no longer falls due.
    Replaced,
    /// Still open when the plan broke (or was cancelled): it no longer falls due.
    Cancelled,
}

impl InstallmentState {
    pub fn code(self) -> &'static str {
        match self {
            InstallmentState::Paid => "paid",
            InstallmentState::PaidLate => "paid-late",
            InstallmentState::Due => "due",
            InstallmentState::Missed => "missed",
            InstallmentState::Replaced => "replaced",
            InstallmentState::Cancelled => "cancelled",
        }
    }

    /// In the collector's words.
    pub fn label(self) -> &'static str {
        match self {
            InstallmentState::PaidLate => "paid late",
            other => other.code(),
        }
    }

    /// The words for a stored or judged state code (`paid-late` → `paid late`).
    pub fn label_of(code: &str) -> &str {
        match code {
            "paid-late" => "paid late",
            other => other,
        }
    }

    /// How the plans report counts it on `today`; `None`: it never fell due under the plan.
    pub fn timeliness(self, due: NaiveDate, today: NaiveDate) -> Option<Timeliness> {
        match self {
            _ if due > today && matches!(self, InstallmentState::Paid | InstallmentState::Due) => {
                Some(Timeliness::NotYetDue)
            }
            InstallmentState::Paid => Some(Timeliness::OnTime),
            InstallmentState::PaidLate => Some(Timeliness::Late),
            InstallmentState::Due => Some(Timeliness::InGrace),
            InstallmentState::Missed => Some(Timeliness::Missed),
            InstallmentState::Replaced | InstallmentState::Cancelled => None,
        }
    }
}

/// A plan as stored, with the days money could go to it.
#[derive(Debug, Clone, Copy)]
pub struct PlanLife<'a> {
    /// active, completed, broken, replaced or cancelled.
    pub stored: &'a str,
    pub grace_days: u32,
    /// The day it was agreed (or its first due date, if earlier).
    pub started_on: NaiveDate,
    /// The day a renegotiated plan replaced it.
    pub ended_on: Option<NaiveDate>,
}

/// A plan judged on one day: its status and each installment's state and the day it was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanJudgment {
    pub status: &'static str,
    pub installments: Vec<(InstallmentState, Option<NaiveDate>)>,
}

/// Judge a plan on `today`: the one rule the account view and the plans report share.
/// `installments` are (due, amount, paid) in due order; `receipts` the debtor's money in the
/// order received (reversals negative), of which only what came while the plan ran counts.
///
/// Installments age only while the plan is live. Once it is replaced, breaks
/// (`misses_to_break` missed) or ends otherwise, what was still open is judged on the plan's
/// last day: missed if its grace had run out by then, else replaced or cancelled, never
/// missed later. A cancelled (undone) plan never bound the debtor: nothing in it is missed.
pub fn judge_plan(
    plan: PlanLife<'_>,
    installments: &[(NaiveDate, Money, Money)],
    receipts: &[(NaiveDate, Money)],
    today: NaiveDate,
    misses_to_break: u32,
) -> PlanJudgment {
    let received: Vec<(NaiveDate, Money)> = receipts
        .iter()
        .filter(|(on, _)| *on >= plan.started_on && plan.ended_on.is_none_or(|end| *on < end))
        .copied()
        .collect();
    let amounts: Vec<Money> = installments.iter().map(|i| i.1).collect();
    let paid_on = paid_dates(&amounts, &received);
    let last_day = |due: NaiveDate| due.checked_add_days(Days::new(plan.grace_days.into())).unwrap_or(due);
    // The plan's last live day, when known: the day before its replacement was agreed.
    let mut last_live = plan.ended_on.and_then(|e| e.pred_opt());
    let mut status: &'static str = match plan.stored {
        "completed" => "completed",
        "broken" => "broken",
        "replaced" => "replaced",
        "cancelled" => "cancelled",
        _ => "active",
    };
    let broke_on = broken_on(plan.grace_days, installments, today, misses_to_break);
    match (status, broke_on) {
        ("active", Some(day)) => {
            status = "broken";
            last_live = Some(day);
        }
        // Recorded as broken: what the rule says ended it, if it says; else judged today.
        ("broken", Some(day)) => last_live = last_live.or(Some(day)),
        _ => {}
    }
    let closed = if status == "replaced" { InstallmentState::Replaced } else { InstallmentState::Cancelled };
    let judged = installments
        .iter()
        .zip(paid_on)
        .map(|(&(due, amount, paid), paid_on)| {
            let state = if paid >= amount {
                // A paid installment whose day is unknown counts as on time (nothing says late).
                if paid_on.is_some_and(|on| on > last_day(due)) {
                    InstallmentState::PaidLate
                } else {
                    InstallmentState::Paid
                }
            } else if status == "active" {
                if today > last_day(due) { InstallmentState::Missed } else { InstallmentState::Due }
            } else if status == "cancelled" {
                // Cancelled in error (an undone plan): it never bound the debtor, so nothing
                // in it was ever missed.
                InstallmentState::Cancelled
            } else {
                // Judged on its last live day, or today when the store does not say when it ended.
                let on = last_live.map_or(today, |d| d.min(today));
                if on > last_day(due) { InstallmentState::Missed } else { closed }
            };
            (state, paid_on)
        })
        .collect();
    PlanJudgment { status, installments: judged }
}

/// The day the break rule (D-PLAN: `misses_to_break` installments missed) broke a plan, when
/// it has by `today`: the day after the grace of the installment that made the misses too
/// many ran out. `installments` are (due, amount, paid) in due order. Every
/// view that asks whether a plan is broken (the account, the plans report, the worklist, the
/// agenda, the calendar) asks this, through `judge_plan`.
pub fn broken_on(
    grace_days: u32,
    installments: &[(NaiveDate, Money, Money)],
    today: NaiveDate,
    misses_to_break: u32,
) -> Option<NaiveDate> {
    if misses_to_break == 0 {
        return None;
    }
    let last_day = |due: NaiveDate| due.checked_add_days(Days::new(grace_days.into())).unwrap_or(due);
    installments
        .iter()
        .filter(|(due, amount, paid)| paid < amount && today > last_day(*due))
        .map(|(due, _, _)| last_day(*due))
        .nth(misses_to_break as usize - 1)
        .map(|day| day.succ_opt().unwrap_or(day))
}

/// A debtor's missed installments for the worklist, judged as `judge_plan` judges them:
/// how many, the earliest one's due date and the last day of grace of the latest one.
/// Only a live or broken plan's count: a replaced, completed or cancelled plan is history.
pub fn missed_for_worklist(
    plan: PlanLife<'_>,
    installments: &[(NaiveDate, Money, Money)],
    today: NaiveDate,
    misses_to_break: u32,
) -> Option<(u32, NaiveDate, NaiveDate)> {
    // Receipts only tell paid from paid late; what was missed needs none.
    let judged = judge_plan(plan, installments, &[], today, misses_to_break);
    if !matches!(judged.status, "active" | "broken") {
        return None;
    }
    let missed: Vec<NaiveDate> = installments
        .iter()
        .zip(&judged.installments)
        .filter(|(_, (state, _))| *state == InstallmentState::Missed)
        .map(|(i, _)| i.0)
        .collect();
    let first = *missed.first()?;
    let last = *missed.last()?;
    let last_grace = last.checked_add_days(Days::new(plan.grace_days.into())).unwrap_or(last);
    Some((missed.len() as u32, first, last_grace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn terms(split: Split, frequency: Frequency) -> PlanTerms {
        PlanTerms {
            total: Money(100_000),
            down_payment: Money(10_000),
            split,
            frequency,
            start: d("2026-11-22"),
            first_due: d("2026-12-01"),
            grace_days: None,
        }
    }

    #[test]
    fn count_split_with_the_rounding_last() {
        let s = schedule(&terms(Split::Count(7), Frequency::Monthly)).unwrap();
        assert_eq!(s[0], (d("2026-11-22"), Money(10_000)), "the down payment first");
        assert_eq!(s.len(), 8);
        assert_eq!(s[1], (d("2026-12-01"), Money(12_857)));
        assert_eq!(s[7], (d("2027-06-01"), Money(12_858)));
        assert_eq!(s.iter().map(|x| x.1).sum::<Money>(), Money(100_000));
    }

    #[test]
    fn amount_split_and_every_frequency() {
        let s = schedule(&terms(Split::Amount(Money(25_000)), Frequency::Weekly)).unwrap();
        let amounts: Vec<i64> = s.iter().map(|x| x.1.cents()).collect();
        assert_eq!(amounts, vec![10_000, 25_000, 25_000, 25_000, 15_000]);
        assert_eq!(s[2].0, d("2026-12-08"));
        assert_eq!(Frequency::Biweekly.nth(d("2026-12-01"), 2), Some(d("2026-12-29")));
        assert_eq!(Frequency::Semimonthly.nth(d("2026-12-01"), 1), Some(d("2026-12-16")));
        assert_eq!(Frequency::Semimonthly.nth(d("2026-12-01"), 2), Some(d("2027-01-01")));
        assert_eq!(Frequency::Monthly.nth(d("2027-01-31"), 1), Some(d("2027-02-28")), "month ends are kept");
    }

    #[test]
    fn refusals() {
        let mut t = terms(Split::Count(0), Frequency::Monthly);
        assert_eq!(schedule(&t), Err(PlanError::NoSplit));
        t.split = Split::Count(121);
        assert_eq!(schedule(&t), Err(PlanError::TooMany));
        t.split = Split::Count(3);
        t.down_payment = Money(200_000);
        assert_eq!(schedule(&t), Err(PlanError::DownTooLarge));
        t.down_payment = Money::ZERO;
        t.first_due = d("2026-11-01");
        assert_eq!(schedule(&t), Err(PlanError::FirstTooEarly));
    }

    #[test]
    fn paid_dates_replay_receipts_in_due_order() {
        let amounts = [Money(100), Money(100), Money(100)];
        // 150 pays the first and half the second; 50 more finishes it; 100 pays the third.
        let receipts = [(d("2026-01-05"), Money(150)), (d("2026-02-10"), Money(50)), (d("2026-03-01"), Money(100))];
        assert_eq!(
            paid_dates(&amounts, &receipts),
            vec![Some(d("2026-01-05")), Some(d("2026-02-10")), Some(d("2026-03-01"))]
        );
        // A reversal of the last 100 unpays the third; nothing pays the second twice.
        let reversed = [receipts[0], receipts[1], receipts[2], (d("2026-03-05"), Money(-100))];
        assert_eq!(paid_dates(&amounts, &reversed)[2], None);
        assert_eq!(paid_dates(&amounts, &[]), vec![None, None, None]);
    }

    fn life<'a>(stored: &'a str, ended_on: Option<&str>) -> PlanLife<'a> {
        PlanLife { stored, grace_days: 5, started_on: d("2026-11-01"), ended_on: ended_on.map(d) }
    }

    #[test]
    fn installments_paid_on_time_late_missed_in_grace() {
        let due = d("2026-11-10");
        let one = [(due, Money(100), Money(100))];
        let state = |receipts: &[(NaiveDate, Money)], today: &str| {
            judge_plan(life("active", None), &one, receipts, d(today), 2).installments[0].0
        };
        assert_eq!(state(&[(d("2026-11-15"), Money(100))], "2026-11-22"), InstallmentState::Paid, "last day of grace");
        assert_eq!(state(&[(d("2026-11-16"), Money(100))], "2026-11-22"), InstallmentState::PaidLate);
        assert_eq!(state(&[], "2026-11-22"), InstallmentState::Paid, "paid on an unknown day: not late");
        let unpaid = [(due, Money(100), Money(60))];
        let open = |today: &str| judge_plan(life("active", None), &unpaid, &[], d(today), 2).installments[0].0;
        assert_eq!(open("2026-11-15"), InstallmentState::Due, "in grace");
        assert_eq!(open("2026-11-16"), InstallmentState::Missed);
        assert_eq!(InstallmentState::PaidLate.label(), "paid late");
        assert_eq!(InstallmentState::PaidLate.timeliness(due, d("2026-11-22")), Some(Timeliness::Late));
        assert_eq!(InstallmentState::Paid.timeliness(due, d("2026-11-01")), Some(Timeliness::NotYetDue));
        assert_eq!(InstallmentState::Replaced.timeliness(due, d("2026-11-22")), None);
    }

    /// Defect 2: due 1 Dec, missed by 7 Dec (grace 5), paid 11 Dec: paid late, not paid.
    #[test]
    fn an_installment_paid_after_it_was_missed_is_paid_late() {
        let plan = [(d("2026-11-22"), Money(10_000), Money(10_000)), (d("2026-12-01"), Money(48_066), Money(48_066))];
        let receipts = [(d("2026-11-22"), Money(10_000)), (d("2026-12-11"), Money(48_066))];
        let j = judge_plan(life("active", None), &plan, &receipts, d("2026-12-12"), 2);
        assert_eq!(j.installments[0], (InstallmentState::Paid, Some(d("2026-11-22"))));
        assert_eq!(j.installments[1], (InstallmentState::PaidLate, Some(d("2026-12-11"))));
        assert_eq!(j.status, "active");
    }

    /// Defect 3: a plan that ended stops aging; what was open shows replaced or cancelled.
    #[test]
    fn an_ended_plan_stops_aging() {
        let plan = [
            (d("2026-11-01"), Money(100), Money(0)),
            (d("2026-12-01"), Money(100), Money(0)),
            (d("2027-01-01"), Money(100), Money(0)),
        ];
        let states = |j: PlanJudgment| j.installments.iter().map(|x| x.0.code()).collect::<Vec<_>>();
        // Replaced on 22 Nov: the 1 Nov one was already missed; the rest never fall due.
        let replaced = judge_plan(life("replaced", Some("2026-11-22")), &plan, &[], d("2027-03-01"), 2);
        assert_eq!(states(replaced), ["missed", "replaced", "replaced"]);
        // Broken by its second miss (grace out on 6 Dec): the third is cancelled, not missed.
        let broken = judge_plan(life("active", None), &plan, &[], d("2027-03-01"), 2);
        assert_eq!(broken.status, "broken");
        assert_eq!(states(broken), ["missed", "missed", "cancelled"]);
        let one_miss = judge_plan(life("active", None), &plan, &[], d("2026-12-01"), 2);
        assert_eq!((one_miss.status, states(one_miss)), ("active", vec!["missed", "due", "due"]));
        let cancelled = judge_plan(life("cancelled", None), &plan, &[], d("2026-11-02"), 2);
        assert_eq!(states(cancelled), ["cancelled", "cancelled", "cancelled"]);
    }

    /// Review 1: six monthly from 15 Dec, nothing paid, read on 21 Mar: broken by the second
    /// miss (grace out 20 Jan); the worklist counts those two, never the cancelled ones after.
    #[test]
    fn a_broken_plan_counts_only_what_was_missed_before_the_break() {
        let plan: Vec<_> =
            (0..6).map(|k| (Frequency::Monthly.nth(d("2026-12-15"), k).unwrap(), Money(39_733), Money::ZERO)).collect();
        let today = d("2027-03-21");
        assert_eq!(broken_on(5, &plan, today, 2), Some(d("2027-01-21")));
        let live = PlanLife { stored: "active", grace_days: 5, started_on: d("2026-11-22"), ended_on: None };
        assert_eq!(missed_for_worklist(live, &plan, today, 2), Some((2, d("2026-12-15"), d("2027-01-20"))));
        // Recorded as broken: judged on the day the rule broke it, not today.
        let recorded = PlanLife { stored: "broken", ..live };
        let states: Vec<_> = judge_plan(recorded, &plan, &[], today, 2).installments.iter().map(|x| x.0).collect();
        assert_eq!(states[1..3], [InstallmentState::Missed, InstallmentState::Cancelled]);
        assert_eq!(missed_for_worklist(recorded, &plan, today, 2).map(|m| m.0), Some(2));
    }

    /// Review 2: an undone plan (stored cancelled) never bound the debtor: nothing in it is
    /// missed, however long ago it fell due.
    #[test]
    fn an_undone_plans_installments_are_never_missed() {
        let plan = [(d("2026-12-10"), Money(59_600), Money::ZERO), (d("2027-01-10"), Money(59_600), Money::ZERO)];
        let undone = PlanLife { stored: "cancelled", grace_days: 5, started_on: d("2026-11-22"), ended_on: None };
        let j = judge_plan(undone, &plan, &[], d("2027-01-20"), 2);
        assert!(j.installments.iter().all(|x| x.0 == InstallmentState::Cancelled), "{j:?}");
        assert_eq!(missed_for_worklist(undone, &plan, d("2027-01-20"), 2), None);
    }

    proptest! {
        #[test]
        fn a_schedule_always_sums_to_the_total(
            total in 1i64..10_000_000, down in 0i64..10_000_000, n in 1u32..60, amount in 1i64..1_000_000, by_count in any::<bool>()
        ) {
            let t = PlanTerms {
                total: Money(total),
                down_payment: Money(down.min(total)),
                split: if by_count { Split::Count(n) } else { Split::Amount(Money(amount)) },
                frequency: Frequency::Monthly,
                start: d("2026-11-22"),
                first_due: d("2026-12-01"),
                grace_days: None,
            };
            if let Ok(s) = schedule(&t) {
                prop_assert_eq!(s.iter().map(|x| x.1).sum::<Money>(), Money(total));
                prop_assert!(s.iter().all(|x| x.1.is_positive()));
                prop_assert!(s.windows(2).all(|w| w[0].0 <= w[1].0));
            }
        }
    }
}
