//! Promise-to-pay evaluation (D-PLAN, K-PTP): a promise is kept when the promised
//! amount arrives by its date plus the grace days, partly kept when some of it did.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromiseStatus {
    Pending,
    Kept,
    PartlyKept,
    Broken,
    Cancelled,
}

impl PromiseStatus {
    pub fn code(self) -> &'static str {
        match self {
            PromiseStatus::Pending => "pending",
            PromiseStatus::Kept => "kept",
            PromiseStatus::PartlyKept => "partly-kept",
            PromiseStatus::Broken => "broken",
            PromiseStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<PromiseStatus> {
        [Self::Pending, Self::Kept, Self::PartlyKept, Self::Broken, Self::Cancelled].into_iter().find(|p| p.code() == s)
    }
    pub fn is_open(self) -> bool {
        self == PromiseStatus::Pending
    }
}

/// Status of a promise of `amount` due `due_on`, given what was `paid` toward it so far.
pub fn evaluate_promise(
    amount: Money,
    due_on: NaiveDate,
    paid: Money,
    today: NaiveDate,
    grace_days: u32,
) -> PromiseStatus {
    if paid >= amount {
        return PromiseStatus::Kept;
    }
    let last_day = due_on.checked_add_days(Days::new(grace_days.into())).unwrap_or(due_on);
    if today <= last_day {
        PromiseStatus::Pending
    } else if paid.is_positive() {
        PromiseStatus::PartlyKept
    } else {
        PromiseStatus::Broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn kept_partly_kept_broken_and_grace() {
        let due = d("2026-11-20");
        assert_eq!(evaluate_promise(Money(100), due, Money(100), d("2026-11-19"), 3), PromiseStatus::Kept);
        assert_eq!(evaluate_promise(Money(100), due, Money(0), d("2026-11-23"), 3), PromiseStatus::Pending);
        assert_eq!(evaluate_promise(Money(100), due, Money(0), d("2026-11-24"), 3), PromiseStatus::Broken);
        assert_eq!(evaluate_promise(Money(100), due, Money(40), d("2026-11-24"), 3), PromiseStatus::PartlyKept);
        assert_eq!(evaluate_promise(Money(100), due, Money(0), d("2026-11-21"), 0), PromiseStatus::Broken);
    }
}
