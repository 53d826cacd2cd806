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

/// An installment's state on `today`: paid, due, or missed once its grace has run out.
pub fn installment_status(
    due: NaiveDate,
    amount: Money,
    paid: Money,
    today: NaiveDate,
    grace_days: u32,
) -> &'static str {
    if paid >= amount {
        "paid"
    } else if today > due.checked_add_days(Days::new(grace_days.into())).unwrap_or(due) {
        "missed"
    } else {
        "due"
    }
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

/// Judge an installment on `today`. `paid_on` is the day it was paid in full when known; a
/// paid installment whose day is unknown counts as on time (nothing says it was late).
pub fn timeliness(
    due: NaiveDate,
    amount: Money,
    paid: Money,
    paid_on: Option<NaiveDate>,
    today: NaiveDate,
    grace_days: u32,
) -> Timeliness {
    let last_day = due.checked_add_days(Days::new(grace_days.into())).unwrap_or(due);
    if due > today {
        Timeliness::NotYetDue
    } else if paid >= amount {
        if paid_on.is_some_and(|on| on > last_day) { Timeliness::Late } else { Timeliness::OnTime }
    } else if today > last_day {
        Timeliness::Missed
    } else {
        Timeliness::InGrace
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

/// A plan's status as the desk shows it: an active plan with `misses_to_break` missed
/// installments is broken, whether or not a write has recorded it yet.
pub fn plan_state(stored: &str, missed: u32, misses_to_break: u32) -> &str {
    if stored == "active" && missed >= misses_to_break { "broken" } else { stored }
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
    fn installments_turn_missed_after_grace() {
        let due = d("2026-11-10");
        assert_eq!(installment_status(due, Money(100), Money(100), d("2026-12-01"), 3), "paid");
        assert_eq!(installment_status(due, Money(100), Money(50), d("2026-11-13"), 3), "due");
        assert_eq!(installment_status(due, Money(100), Money(50), d("2026-11-14"), 3), "missed");
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

    #[test]
    fn installments_on_time_late_missed_in_grace() {
        let due = d("2026-11-10");
        let today = d("2026-11-22");
        let t = |paid: i64, on: Option<&str>, today: NaiveDate| {
            timeliness(due, Money(100), Money(paid), on.map(d), today, 5)
        };
        assert_eq!(t(100, Some("2026-11-15"), today), Timeliness::OnTime, "the last day of grace is on time");
        assert_eq!(t(100, Some("2026-11-16"), today), Timeliness::Late);
        assert_eq!(t(100, None, today), Timeliness::OnTime);
        assert_eq!(t(60, None, today), Timeliness::Missed);
        assert_eq!(t(0, None, d("2026-11-15")), Timeliness::InGrace);
        assert_eq!(t(100, Some("2026-11-01"), d("2026-11-09")), Timeliness::NotYetDue);
        assert_eq!(plan_state("active", 2, 2), "broken");
        assert_eq!(plan_state("active", 1, 2), "active");
        assert_eq!(plan_state("replaced", 5, 2), "replaced");
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
            };
            if let Ok(s) = schedule(&t) {
                prop_assert_eq!(s.iter().map(|x| x.1).sum::<Money>(), Money(total));
                prop_assert!(s.iter().all(|x| x.1.is_positive()));
                prop_assert!(s.windows(2).all(|w| w[0].0 <= w[1].0));
            }
        }
    }
}
