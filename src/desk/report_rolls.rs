//! Roll rates and cure rates by month (K-ROLL): the invoices in each aging bucket at one month
//! end, followed to the next month end to see where their balance went.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::kpi::{self, Ratio};
use crate::domain::{Bucket, Money, days_past_due};
use crate::store;

pub const ROLL_FORMULA: &str =
    "amount in bucket b at the end of month t−1 that is in bucket b+1 at the end of t / amount in b at the end of t−1";
pub const CURE_FORMULA: &str =
    "amount in b at the end of t−1 that is current or paid at the end of t / amount in b at the end of t−1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketAmount {
    pub bucket: Bucket,
    pub amount: Money,
}

/// Where one bucket's balance at a month end stood a month later: the same invoices followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollLine {
    pub from: Bucket,
    pub to: Bucket,
    /// The balance in `from` at the earlier month end.
    pub cohort: Money,
    /// What was left of it at the later month end, by the bucket it had reached.
    pub at_month_end: Vec<BucketAmount>,
    /// Taken off by payments, settlements and ledger payments.
    pub paid: Money,
    /// Taken off by write-offs and credits: neither rolled nor cured.
    pub written_off: Money,
    /// The part in `to` at the later month end.
    pub rolled: Money,
    /// The part current or paid at the later month end.
    pub cured: Money,
    /// `rolled / cohort`, "—" without a cohort.
    pub roll_rate: String,
    /// `cured / cohort`.
    pub cure_rate: String,
}

impl RollLine {
    fn new(from: Bucket) -> RollLine {
        RollLine {
            from,
            to: Bucket::ALL[from.index() + 1],
            cohort: Money::ZERO,
            at_month_end: Bucket::ALL.iter().map(|&bucket| BucketAmount { bucket, amount: Money::ZERO }).collect(),
            paid: Money::ZERO,
            written_off: Money::ZERO,
            rolled: Money::ZERO,
            cured: Money::ZERO,
            roll_rate: String::new(),
            cure_rate: String::new(),
        }
    }

    fn add(&mut self, o: &RollLine) {
        self.cohort += o.cohort;
        for (a, b) in self.at_month_end.iter_mut().zip(&o.at_month_end) {
            a.amount += b.amount;
        }
        self.paid += o.paid;
        self.written_off += o.written_off;
    }

    fn finish(&mut self) {
        self.rolled = self.at_month_end[self.to.index()].amount;
        self.cured = self.at_month_end[Bucket::Current.index()].amount + self.paid;
        let text = |r: Option<Ratio>| r.map_or_else(|| "—".to_string(), Ratio::percent_text);
        self.roll_rate = text(kpi::roll_rate(self.rolled, self.cohort));
        self.cure_rate = text(kpi::cure_rate(self.cured, self.cohort));
    }
}

/// One month: from the end of the month before to the end of this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollMonth {
    pub previous_end: NaiveDate,
    pub month_end: NaiveDate,
    /// One line per bucket that has a next one (current … 91-120).
    pub lines: Vec<RollLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollRateReport {
    pub as_of: NaiveDate,
    /// In the book's currency only.
    pub currency: String,
    pub roll_formula: &'static str,
    pub cure_formula: &'static str,
    /// Oldest first.
    pub months: Vec<RollMonth>,
    /// All the months together: each bucket's cohorts and where they went, summed.
    pub overall: Vec<RollLine>,
}

/// The last day of `day`'s month.
fn month_end(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    let next = first + Months::new(1);
    next.pred_opt().unwrap_or(next)
}

/// The last `n` month ends on or before `as_of` and the one before them, newest first.
pub fn month_ends(as_of: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let first = as_of.with_day(1).unwrap_or(as_of);
    let latest = if month_end(as_of) == as_of { first } else { first - Months::new(1) };
    (0..=n).map(|k| month_end(latest - Months::new(k))).collect()
}

/// An open invoice at a month end: its due date and positive balance.
type Snapshot = HashMap<i64, (NaiveDate, Money)>;

impl Desk {
    /// Roll and cure rates for each of the `months` month ends on or before `as_of`.
    pub fn roll_rate_report(&self, as_of: NaiveDate, months: u32) -> Result<RollRateReport> {
        let currency = self.config.currency.clone();
        let ends = month_ends(as_of, months);
        let mut snapshots: Vec<Snapshot> = Vec::with_capacity(ends.len());
        for end in &ends {
            let items = store::balances_as_of(&self.conn, *end)?;
            snapshots.push(
                items
                    .into_iter()
                    .filter(|i| i.currency == currency && i.balance.is_positive())
                    .map(|i| (i.invoice_id, (i.due_on, i.balance)))
                    .collect(),
            );
        }
        let mut out = Vec::new();
        let mut overall: Vec<RollLine> = Bucket::ALL[..5].iter().map(|&b| RollLine::new(b)).collect();
        for k in (0..ends.len().saturating_sub(1)).rev() {
            let (previous_end, month_end) = (ends[k + 1], ends[k]);
            let written_off = store::written_off_between(&self.conn, previous_end, month_end)?;
            let lines = roll(&snapshots[k + 1], previous_end, &snapshots[k], month_end, &written_off);
            for (total, line) in overall.iter_mut().zip(&lines) {
                total.add(line);
            }
            out.push(RollMonth { previous_end, month_end, lines });
        }
        for line in &mut overall {
            line.finish();
        }
        Ok(RollRateReport {
            as_of,
            currency,
            roll_formula: ROLL_FORMULA,
            cure_formula: CURE_FORMULA,
            months: out,
            overall,
        })
    }
}

/// Follow every invoice of `before` (a bucket with a next one) to `after`.
fn roll(
    before: &Snapshot,
    before_on: NaiveDate,
    after: &Snapshot,
    after_on: NaiveDate,
    written_off: &HashMap<i64, Money>,
) -> Vec<RollLine> {
    let mut lines: Vec<RollLine> = Bucket::ALL[..5].iter().map(|&b| RollLine::new(b)).collect();
    for (id, (due, was)) in before {
        let from = Bucket::for_days_past_due(days_past_due(*due, before_on));
        let Some(line) = lines.get_mut(from.index()) else { continue };
        line.cohort += *was;
        // What is left of this cohort's amount (a balance that grew counts only up to what it was).
        let left = after.get(id).map_or(Money::ZERO, |(_, b)| *b).max(Money::ZERO).min(*was);
        if left.is_positive() {
            let now = Bucket::for_days_past_due(days_past_due(*due, after_on));
            line.at_month_end[now.index()].amount += left;
        }
        let gone = *was - left;
        let not_cash = written_off.get(id).copied().unwrap_or(Money::ZERO).max(Money::ZERO).min(gone);
        line.written_off += not_cash;
        line.paid += gone - not_cash;
    }
    for line in &mut lines {
        line.finish();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::report_book::{Book, d};
    use super::*;

    #[test]
    fn month_ends_before_a_date() {
        assert_eq!(month_ends(d("2026-07-01"), 2), vec![d("2026-06-30"), d("2026-05-31"), d("2026-04-30")]);
        assert_eq!(month_ends(d("2026-03-31"), 1), vec![d("2026-03-31"), d("2026-02-28")]);
    }

    /// K-ROLL's worked example, as invoices: at 31 May the 1-30 bucket holds 40,000 (invoices
    /// due 20 May); by 30 Jun 28,000 is paid and 12,000 is 41 days past due, in 31-60.
    /// Beside it: a current cohort (10,000 due 15 Jun rolls to 1-30, 5,000 due 15 Jul stays
    /// current; 3,000 issued in June is no cohort), and a 61-90 one (8,000 written off on 20 Jun,
    /// 2,000 with 500 paid whose 1,500 rolls to 91-120).
    fn june() -> Book {
        let mut b = Book::new("2026-07-01");
        let acme = b.debtor("Acme");
        let bolt = b.debtor("Bolt");
        let cole = b.debtor("Cole");
        let dale = b.debtor("Dale");
        let eden = b.debtor("Eden");
        let fay = b.debtor("Fay");
        b.invoice(acme, "A", "2026-04-20", "2026-05-20", 2_800_000);
        b.invoice(bolt, "B", "2026-04-20", "2026-05-20", 1_200_000);
        b.invoice(cole, "C", "2026-05-16", "2026-06-15", 1_000_000);
        b.invoice(cole, "D", "2026-05-16", "2026-07-15", 500_000);
        b.invoice(cole, "E", "2026-06-05", "2026-07-05", 300_000);
        b.invoice(dale, "F", "2026-02-13", "2026-03-15", 800_000);
        b.invoice(eden, "G", "2026-02-14", "2026-03-15", 200_000);
        // A 120+ invoice has no next bucket and no line.
        b.invoice(fay, "H", "2025-12-01", "2026-01-01", 100_000);
        b.pay(eden, "2026-06-05", 50_000);
        b.pay(acme, "2026-06-10", 2_800_000);
        b.write_off(dale, "F", "2026-06-20");
        b
    }

    fn line(r: &RollRateReport, month: usize, from: Bucket) -> &RollLine {
        &r.months[month].lines[from.index()]
    }

    #[test]
    fn the_worked_example_thirty_percent_rolled_seventy_cured() {
        let b = june();
        let r = b.desk.roll_rate_report(d("2026-07-01"), 1).unwrap();
        assert_eq!(r.months.len(), 1);
        assert_eq!((r.months[0].previous_end, r.months[0].month_end), (d("2026-05-31"), d("2026-06-30")));
        let l = line(&r, 0, Bucket::Days1To30);
        assert_eq!((l.from, l.to), (Bucket::Days1To30, Bucket::Days31To60));
        assert_eq!(
            (l.cohort, l.rolled, l.paid, l.cured),
            (Money(4_000_000), Money(1_200_000), Money(2_800_000), Money(2_800_000))
        );
        assert_eq!((l.roll_rate.as_str(), l.cure_rate.as_str()), ("30.0%", "70.0%"));

        // Current: 15,000; 10,000 rolled (66.7%), 5,000 still current (33.3% cured).
        let l = line(&r, 0, Bucket::Current);
        assert_eq!((l.cohort, l.rolled, l.cured), (Money(1_500_000), Money(1_000_000), Money(500_000)));
        assert_eq!((l.roll_rate.as_str(), l.cure_rate.as_str()), ("66.7%", "33.3%"));

        // 61-90: 10,000; 1,500 rolled (15.0%), 500 paid (5.0% cured); the 8,000 written off
        // is neither rolled nor cured.
        let l = line(&r, 0, Bucket::Days61To90);
        assert_eq!(
            (l.cohort, l.rolled, l.paid, l.written_off),
            (Money(1_000_000), Money(150_000), Money(50_000), Money(800_000))
        );
        assert_eq!((l.roll_rate.as_str(), l.cure_rate.as_str()), ("15.0%", "5.0%"));
        // H was 120+ on 31 May: there is no line for it.
        assert_eq!(r.months[0].lines.len(), 5);
        // Buckets with no cohort have no rate.
        assert_eq!(line(&r, 0, Bucket::Days31To60).roll_rate, "—");
    }

    #[test]
    fn two_months_and_their_sum() {
        let b = june();
        let r = b.desk.roll_rate_report(d("2026-06-30"), 2).unwrap();
        assert_eq!(r.months.len(), 2);
        // April to May: A and B were current on 30 Apr and 1-30 on 31 May: all 40,000 rolled.
        let may = line(&r, 0, Bucket::Current);
        assert_eq!((may.cohort, may.rolled, may.roll_rate.as_str()), (Money(4_000_000), Money(4_000_000), "100.0%"));
        // F and G (31-60 on 30 Apr) were 61-90 on 31 May.
        assert_eq!(line(&r, 0, Bucket::Days31To60).roll_rate, "100.0%");
        // The sum: current cohorts 40,000 + 15,000, rolled 40,000 + 10,000 = 50,000 / 55,000.
        let all = &r.overall[Bucket::Current.index()];
        assert_eq!((all.cohort, all.rolled, all.roll_rate.as_str()), (Money(5_500_000), Money(5_000_000), "90.9%"));
    }
}
