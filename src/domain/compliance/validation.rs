//! F-VAL: the validation notice is due within 5 days of the initial communication, and
//! the validation period ends 30 days after the debtor is assumed to receive it
//! (5 business days after it is provided, skipping weekends and federal holidays).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The nth `weekday` of a month (n from 1), or the last one when `n` is 0.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }?;
        let mut d = next.pred_opt()?;
        while d.weekday() != weekday {
            d = d.pred_opt()?;
        }
        return Some(d);
    }
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8)
}

/// Legal public holidays of 5 U.S.C. 6103(a), with their observed Friday or Monday
/// when they fall on a weekend (skipping the observed day too is the safe direction).
pub fn is_federal_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let fixed = [(1, 1), (6, 19), (7, 4), (11, 11), (12, 25)];
    let mut days: Vec<NaiveDate> = Vec::new();
    for (m, day) in fixed {
        if let Some(h) = NaiveDate::from_ymd_opt(y, m, day) {
            days.push(h);
            match h.weekday() {
                Weekday::Sat => days.extend(h.pred_opt()),
                Weekday::Sun => days.extend(h.succ_opt()),
                _ => {}
            }
        }
    }
    // New Year's Day of next year observed on this year's Friday 31 December.
    if let Some(ny) = NaiveDate::from_ymd_opt(y + 1, 1, 1).filter(|n| n.weekday() == Weekday::Sat) {
        days.extend(ny.pred_opt());
    }
    let floating = [
        (1, Weekday::Mon, 3),
        (2, Weekday::Mon, 3),
        (5, Weekday::Mon, 0),
        (9, Weekday::Mon, 1),
        (10, Weekday::Mon, 2),
        (11, Weekday::Thu, 4),
    ];
    days.extend(floating.iter().filter_map(|(m, wd, n)| nth_weekday(y, *m, *wd, *n)));
    days.contains(&d)
}

fn is_business_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_federal_holiday(d)
}

/// The day the debtor is assumed to receive a notice provided on `provided`.
pub fn assumed_receipt(provided: NaiveDate) -> NaiveDate {
    let mut d = provided;
    let mut counted = 0;
    while counted < 5 {
        d = d.succ_opt().unwrap_or(d);
        if is_business_day(d) {
            counted += 1;
        }
    }
    d
}

/// The last day of the validation period for a notice provided on `provided`.
pub fn period_end(provided: NaiveDate) -> NaiveDate {
    let receipt = assumed_receipt(provided);
    receipt.checked_add_days(Days::new(30)).unwrap_or(receipt)
}

/// The day the notice is due: 5 calendar days after the initial communication.
pub fn notice_due(initial: NaiveDate) -> NaiveDate {
    initial.checked_add_days(Days::new(5)).unwrap_or(initial)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The F-VAL-2 vectors.
    #[test]
    fn validation_period_vectors() {
        assert_eq!((assumed_receipt(d("2025-03-03")), period_end(d("2025-03-03"))), (d("2025-03-10"), d("2025-04-09")));
        assert_eq!((assumed_receipt(d("2025-11-26")), period_end(d("2025-11-26"))), (d("2025-12-04"), d("2026-01-03")));
        assert_eq!((assumed_receipt(d("2025-07-04")), period_end(d("2025-07-04"))), (d("2025-07-11"), d("2025-08-10")));
    }

    #[test]
    fn holidays() {
        for h in [
            "2025-01-01",
            "2025-01-20",
            "2025-02-17",
            "2025-05-26",
            "2025-06-19",
            "2025-09-01",
            "2025-10-13",
            "2025-11-27",
        ] {
            assert!(is_federal_holiday(d(h)), "{h}");
        }
        assert!(is_federal_holiday(d("2026-07-03")), "4 July 2026 is a Saturday, observed Friday");
        assert!(!is_federal_holiday(d("2025-11-28")));
    }
}
