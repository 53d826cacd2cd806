//! Days past due and aging buckets (domain-rules §5.1): edges inclusive as listed,
//! an invoice due today is current.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Money;

/// Days past due on `today` of something due on `due`; zero or less means current.
pub fn days_past_due(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Bucket {
    #[serde(rename = "current")]
    Current,
    #[serde(rename = "1-30")]
    Days1To30,
    #[serde(rename = "31-60")]
    Days31To60,
    #[serde(rename = "61-90")]
    Days61To90,
    #[serde(rename = "91-120")]
    Days91To120,
    #[serde(rename = "120+")]
    Over120,
}

impl Bucket {
    pub const ALL: [Bucket; 6] = [
        Bucket::Current,
        Bucket::Days1To30,
        Bucket::Days31To60,
        Bucket::Days61To90,
        Bucket::Days91To120,
        Bucket::Over120,
    ];

    pub fn for_days_past_due(dpd: i64) -> Bucket {
        match dpd {
            i64::MIN..=0 => Bucket::Current,
            1..=30 => Bucket::Days1To30,
            31..=60 => Bucket::Days31To60,
            61..=90 => Bucket::Days61To90,
            91..=120 => Bucket::Days91To120,
            _ => Bucket::Over120,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bucket::Current => "current",
            Bucket::Days1To30 => "1-30",
            Bucket::Days31To60 => "31-60",
            Bucket::Days61To90 => "61-90",
            Bucket::Days91To120 => "91-120",
            Bucket::Over120 => "120+",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Open balance split by bucket, in `Bucket::ALL` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AgingSplit(pub [Money; 6]);

impl AgingSplit {
    pub fn of<I>(open_items: I, today: NaiveDate) -> AgingSplit
    where
        I: IntoIterator<Item = (NaiveDate, Money)>,
    {
        let mut split = AgingSplit::default();
        for (due, balance) in open_items {
            split.0[Bucket::for_days_past_due(days_past_due(due, today)).index()] += balance;
        }
        split
    }

    pub fn get(&self, bucket: Bucket) -> Money {
        self.0[bucket.index()]
    }

    pub fn total(&self) -> Money {
        self.0.iter().copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn bucket_edges_are_inclusive_as_listed() {
        let cases = [
            (-5, Bucket::Current),
            (0, Bucket::Current),
            (1, Bucket::Days1To30),
            (30, Bucket::Days1To30),
            (31, Bucket::Days31To60),
            (60, Bucket::Days31To60),
            (61, Bucket::Days61To90),
            (90, Bucket::Days61To90),
            (91, Bucket::Days91To120),
            (120, Bucket::Days91To120),
            (121, Bucket::Over120),
        ];
        for (dpd, bucket) in cases {
            assert_eq!(Bucket::for_days_past_due(dpd), bucket, "dpd {dpd}");
        }
    }

    #[test]
    fn due_today_is_current() {
        assert_eq!(days_past_due(d("2026-11-22"), d("2026-11-22")), 0);
        assert_eq!(days_past_due(d("2026-10-23"), d("2026-11-22")), 30);
    }

    #[test]
    fn split_sums_to_the_open_balance() {
        let today = d("2026-11-22");
        let split = AgingSplit::of(
            [(d("2026-12-01"), Money(100)), (d("2026-11-01"), Money(200)), (d("2026-01-01"), Money(300))],
            today,
        );
        assert_eq!(split.get(Bucket::Current), Money(100));
        assert_eq!(split.get(Bucket::Days1To30), Money(200));
        assert_eq!(split.get(Bucket::Over120), Money(300));
        assert_eq!(split.total(), Money(600));
    }

    proptest! {
        #[test]
        fn buckets_are_monotonic(a in -400i64..400, b in -400i64..400) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(Bucket::for_days_past_due(lo) <= Bucket::for_days_past_due(hi));
        }
    }
}
