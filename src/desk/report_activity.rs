//! The activity report: per day, week or month, what the desk did (attempts, right-party
//! contacts, promises) and what came in.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::{Money, outcome};
use crate::store;

/// The length of one row of the activity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grain {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
}

impl Grain {
    /// Days for a month or less, weeks up to half a year, months beyond.
    pub fn for_range(from: NaiveDate, to: NaiveDate) -> Grain {
        match (to - from).num_days() + 1 {
            ..=31 => Grain::Day,
            32..=183 => Grain::Week,
            _ => Grain::Month,
        }
    }

    /// The first day of the period holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => day,
            Grain::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Grain::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The last day of the period starting on `start`.
    pub fn end(self, start: NaiveDate) -> NaiveDate {
        let next = match self {
            Grain::Day => start + Days::new(1),
            Grain::Week => start + Days::new(7),
            Grain::Month => start + Months::new(1),
        };
        next.pred_opt().unwrap_or(next)
    }

    /// "2026-11-22", "2026-W47" (the ISO year and week), "2026-11".
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Grain::Day => start.to_string(),
            Grain::Week => format!("{}-W{:02}", start.iso_week().year(), start.iso_week().week()),
            Grain::Month => start.format("%Y-%m").to_string(),
        }
    }
}

/// One period's activity (or the total of the range).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityRow {
    pub period: String,
    /// The days of the period inside the report's range.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// Every attempt logged, any channel.
    pub attempts: u64,
    /// Attempts whose outcome is a right-party contact (D-OUTCOME).
    pub right_party_contacts: u64,
    pub promises_made: u64,
    /// The amount of the promises made.
    pub promised: Money,
    /// Promises falling due in the period …
    pub promises_due: u64,
    /// … of which kept in full (K-PTP: partly kept is not kept) …
    pub promises_kept: u64,
    /// … bringing in this much.
    pub kept_amount: Money,
    /// Payments, settlements and ledger payments less reversals.
    pub collected: Money,
}

impl ActivityRow {
    fn add(&mut self, o: &ActivityRow) {
        self.attempts += o.attempts;
        self.right_party_contacts += o.right_party_contacts;
        self.promises_made += o.promises_made;
        self.promised += o.promised;
        self.promises_due += o.promises_due;
        self.promises_kept += o.promises_kept;
        self.kept_amount += o.kept_amount;
        self.collected += o.collected;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: Grain,
    /// Money and promises in this currency only.
    pub currency: String,
    /// Every period of the range, quiet ones included, oldest first.
    pub rows: Vec<ActivityRow>,
    pub total: ActivityRow,
}

impl Desk {
    /// Activity over `from..=to` by `by` (by default: days for a month or less, weeks up to
    /// half a year, else months), with a total.
    pub fn activity_report(&self, from: NaiveDate, to: NaiveDate, by: Option<Grain>) -> Result<ActivityReport> {
        let by = by.unwrap_or_else(|| Grain::for_range(from, to));
        let currency = self.config.currency.clone();
        let mut rows: BTreeMap<NaiveDate, ActivityRow> = BTreeMap::new();
        let mut start = by.start(from);
        while start <= to {
            let row = ActivityRow {
                period: by.label(start),
                first_day: Some(start.max(from)),
                last_day: Some(by.end(start).min(to)),
                ..Default::default()
            };
            rows.insert(start, row);
            start = by.end(start) + Days::new(1);
        }
        for day in store::activity_by_day(&self.conn, from, to, &currency)? {
            let Some(row) = rows.get_mut(&by.start(day.day)) else { continue };
            for (code, n) in &day.outcomes {
                row.attempts += n;
                if outcome(code).is_some_and(|o| o.right_party) {
                    row.right_party_contacts += n;
                }
            }
            row.promises_made += day.promises_made;
            row.promised += day.promised;
            row.promises_due += day.promises_due;
            row.promises_kept += day.promises_kept;
            row.kept_amount += day.kept_amount;
            row.collected += day.collected;
        }
        let rows: Vec<ActivityRow> = rows.into_values().collect();
        let mut total =
            ActivityRow { period: "Total".into(), first_day: Some(from), last_day: Some(to), ..Default::default() };
        for row in &rows {
            total.add(row);
        }
        Ok(ActivityReport { from, to, by, currency, rows, total })
    }
}

#[cfg(test)]
mod tests {
    use super::super::report_book::{Book, d};
    use super::*;
    use crate::domain::{Channel, PromiseStatus};

    #[test]
    fn the_grain_follows_the_length_of_the_range() {
        assert_eq!(Grain::for_range(d("2026-11-01"), d("2026-12-01")), Grain::Day, "31 days");
        assert_eq!(Grain::for_range(d("2026-11-01"), d("2026-12-02")), Grain::Week, "32 days");
        assert_eq!(Grain::for_range(d("2026-01-01"), d("2026-07-02")), Grain::Week, "183 days");
        assert_eq!(Grain::for_range(d("2026-01-01"), d("2026-07-03")), Grain::Month, "184 days");
        // 22 Nov 2026 is a Sunday: its ISO week began on Monday 16 Nov.
        assert_eq!(Grain::Week.start(d("2026-11-22")), d("2026-11-16"));
        assert_eq!(Grain::Week.end(d("2026-11-16")), d("2026-11-22"));
        assert_eq!(Grain::Week.label(d("2026-11-16")), "2026-W47");
        // 29 Dec 2025 starts week 1 of ISO year 2026.
        assert_eq!(Grain::Week.label(d("2025-12-29")), "2026-W01");
        assert_eq!(Grain::Month.end(d("2026-02-01")), d("2026-02-28"));
    }

    /// Two debtors over two weeks of November 2026, worked by hand:
    /// - Mon 9 Nov: a call, no answer; a call, right party (RPC); a promise of 100.00 made, due 13 Nov.
    /// - Fri 13 Nov: the 100.00 arrives and keeps the promise; a voicemail.
    /// - Mon 16 Nov: PTP call (right party); promise of 50.00 made due 20 Nov; a letter sent.
    /// - Fri 20 Nov: the 50.00 promise comes due unpaid (broken); 30.00 paid by the other debtor.
    /// - A promise in EUR and a payment in EUR are in another currency and left out.
    fn two_weeks() -> Book {
        let mut b = Book::new("2026-11-22");
        let acme = b.debtor("Acme");
        let bolt = b.debtor("Bolt");
        let euro = b.debtor_in("Euro GmbH", "EUR");
        b.invoice(acme, "A1", "2026-09-01", "2026-10-01", 100_000);
        b.invoice(bolt, "B1", "2026-09-01", "2026-10-01", 20_000);
        b.invoice(euro, "E1", "2026-09-01", "2026-10-01", 90_000);
        b.attempt(acme, "2026-11-09", Channel::CallOut, "NA");
        b.attempt(acme, "2026-11-09", Channel::CallOut, "RPC");
        b.promise(acme, "2026-11-09", "2026-11-13", 10_000, PromiseStatus::Kept);
        b.pay(acme, "2026-11-13", 10_000);
        b.attempt(bolt, "2026-11-13", Channel::CallOut, "VM");
        b.attempt(bolt, "2026-11-16", Channel::CallOut, "PTP");
        b.promise(bolt, "2026-11-16", "2026-11-20", 5_000, PromiseStatus::Broken);
        b.attempt(acme, "2026-11-16", Channel::Letter, "SENT");
        b.pay(acme, "2026-11-20", 3_000);
        b.promise(euro, "2026-11-16", "2026-11-20", 7_000, PromiseStatus::Kept);
        b.pay(euro, "2026-11-20", 7_000);
        b
    }

    #[test]
    fn by_week_two_iso_weeks_and_a_total() {
        let b = two_weeks();
        let r = b.desk.activity_report(d("2026-11-09"), d("2026-11-22"), Some(Grain::Week)).unwrap();
        assert_eq!(r.rows.len(), 2);
        let (w46, w47) = (&r.rows[0], &r.rows[1]);
        assert_eq!(w46.period, "2026-W46");
        assert_eq!((w46.first_day, w46.last_day), (Some(d("2026-11-09")), Some(d("2026-11-15"))));
        assert_eq!((w46.attempts, w46.right_party_contacts), (3, 1));
        assert_eq!((w46.promises_made, w46.promised), (1, Money(10_000)));
        assert_eq!((w46.promises_due, w46.promises_kept, w46.kept_amount), (1, 1, Money(10_000)));
        assert_eq!(w46.collected, Money(10_000));
        assert_eq!((w47.attempts, w47.right_party_contacts), (2, 1), "a letter is an attempt, not a contact");
        assert_eq!((w47.promises_made, w47.promised), (1, Money(5_000)));
        assert_eq!((w47.promises_due, w47.promises_kept, w47.kept_amount), (1, 0, Money::ZERO));
        assert_eq!(w47.collected, Money(3_000));
        let t = &r.total;
        assert_eq!((t.attempts, t.right_party_contacts, t.promises_made, t.promises_kept), (5, 2, 2, 1));
        assert_eq!((t.promised, t.kept_amount, t.collected), (Money(15_000), Money(10_000), Money(13_000)));
    }

    #[test]
    fn by_day_every_day_is_a_row_and_the_default_grain_is_days() {
        let b = two_weeks();
        let r = b.desk.activity_report(d("2026-11-09"), d("2026-11-22"), None).unwrap();
        assert_eq!(r.by, Grain::Day);
        assert_eq!(r.rows.len(), 14, "quiet days are rows too");
        let day = |s: &str| r.rows.iter().find(|row| row.period == s).unwrap();
        assert_eq!(day("2026-11-09").attempts, 2);
        assert_eq!(day("2026-11-10").attempts, 0);
        assert_eq!(day("2026-11-20").collected, Money(3_000));
        assert_eq!(r.total.collected, Money(13_000));
    }

    #[test]
    fn by_month_periods_are_cut_to_the_range() {
        let b = two_weeks();
        let r = b.desk.activity_report(d("2026-10-15"), d("2026-11-10"), Some(Grain::Month)).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].period, "2026-10");
        assert_eq!(r.rows[0].first_day, Some(d("2026-10-15")));
        assert_eq!(r.rows[1].last_day, Some(d("2026-11-10")));
        // Only the 9 Nov work falls inside; the 13 Nov payment does not.
        assert_eq!((r.total.attempts, r.total.promises_made, r.total.collected), (2, 1, Money::ZERO));
    }
}
