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
