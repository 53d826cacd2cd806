//! Disputes by reason: how many, how much they held back, how they ended and how long that took.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::Money;
use crate::domain::kpi::Ratio;
use crate::store;

/// The disputes opened for one reason (or all of them, in the total).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DisputeLine {
    pub reason: String,
    pub disputes: u64,
    /// What they held back (see `store::DisputeFacts::amount`).
    pub amount: Money,
    pub open: u64,
    pub upheld: u64,
    pub rejected: u64,
    pub withdrawn: u64,
    /// Mean days from opening to resolution over the resolved ones ("6.5"); none resolved, none.
    pub average_days_to_resolve: Option<String>,
    #[serde(skip)]
    days_to_resolve: i64,
    #[serde(skip)]
    resolved: i64,
}

impl DisputeLine {
    fn count(&mut self, d: &store::DisputeFacts) {
        self.disputes += 1;
        self.amount += d.amount;
        match d.status.as_str() {
            "open" => self.open += 1,
            "upheld" => self.upheld += 1,
            "rejected" => self.rejected += 1,
            _ => self.withdrawn += 1,
        }
        if let (Some(resolved), true) = (d.resolved_on, d.status != "open") {
            self.days_to_resolve += (resolved - d.opened_on).num_days();
            self.resolved += 1;
        }
    }

    fn finish(&mut self) {
        self.average_days_to_resolve =
            Ratio::new(self.days_to_resolve.into(), self.resolved.into()).map(Ratio::days_text);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Disputes of debtors billed in the book's currency only.
    pub currency: String,
    /// By reason, the most disputes first.
    pub reasons: Vec<DisputeLine>,
    pub total: DisputeLine,
}

impl Desk {
    /// Disputes opened in `from..=to`, by reason (as typed, compared without case).
    pub fn dispute_report(&self, from: NaiveDate, to: NaiveDate) -> Result<DisputeReport> {
        let currency = self.config.currency.clone();
        let disputes = store::disputes_opened_between(&self.conn, from, to, &currency)?;
        let mut by_reason: BTreeMap<String, DisputeLine> = BTreeMap::new();
        let mut total = DisputeLine { reason: "Total".into(), ..Default::default() };
        for d in &disputes {
            let reason = d.reason.trim();
            by_reason
                .entry(reason.to_lowercase())
                .or_insert_with(|| DisputeLine { reason: reason.to_string(), ..Default::default() })
                .count(d);
            total.count(d);
        }
        let mut reasons: Vec<DisputeLine> = by_reason.into_values().collect();
        for line in &mut reasons {
            line.finish();
        }
        total.finish();
        reasons.sort_by(|a, b| b.disputes.cmp(&a.disputes).then(b.amount.cmp(&a.amount)).then(a.reason.cmp(&b.reason)));
        Ok(DisputeReport { from, to, currency, reasons, total })
    }
}

#[cfg(test)]
mod tests {
    use super::super::report_book::{Book, d};
    use super::*;

    /// November 2026:
    /// - Acme disputes invoice A1 (300.00, 100.00 of it paid on 2 Nov) "Goods damaged" on 5 Nov:
    ///   200.00 held back; upheld on 15 Nov (10 days), which credits it to zero.
    /// - Bolt disputes its whole account (B1 500.00 + B2 250.00) "Never ordered" on 8 Nov;
    ///   rejected on 11 Nov (3 days).
    /// - Cole disputes C1 (400.00) "goods damaged " on 18 Nov, still open.
    /// - Dale disputed in October (left out) and a EUR debtor in November (another currency).
    fn november() -> Book {
        let mut b = Book::new("2026-11-22");
        let acme = b.debtor("Acme");
        let bolt = b.debtor("Bolt");
        let cole = b.debtor("Cole");
        let dale = b.debtor("Dale");
        let euro = b.debtor_in("Euro GmbH", "EUR");
        let a1 = b.invoice(acme, "A1", "2026-09-01", "2026-10-01", 30_000);
        b.pay(acme, "2026-11-02", 10_000);
        b.invoice(bolt, "B1", "2026-09-01", "2026-10-01", 50_000);
        b.invoice(bolt, "B2", "2026-10-01", "2026-10-31", 25_000);
        // Issued after the dispute: not part of what it held back.
        b.invoice(bolt, "B3", "2026-11-20", "2026-12-20", 99_900);
        let c1 = b.invoice(cole, "C1", "2026-10-01", "2026-10-31", 40_000);
        let d1 = b.invoice(dale, "D1", "2026-09-01", "2026-10-01", 10_000);
        let e1 = b.invoice(euro, "E1", "2026-09-01", "2026-10-01", 10_000);
        b.dispute(acme, Some(a1), "Goods damaged", "2026-11-05");
        b.dispute(bolt, None, "Never ordered", "2026-11-08");
        b.set_today("2026-11-11");
        b.desk.resolve_dispute(bolt, None, false, "signed order on file").unwrap();
        b.set_today("2026-11-15");
        b.desk.resolve_dispute(acme, Some("A1"), true, "photos check out").unwrap();
        b.set_today("2026-11-22");
        b.dispute(cole, Some(c1), "goods damaged ", "2026-11-18");
        b.dispute(dale, Some(d1), "Goods damaged", "2026-10-20");
        b.dispute(euro, Some(e1), "Goods damaged", "2026-11-10");
        b
    }

    #[test]
    fn by_reason_with_amounts_outcomes_and_days() {
        let b = november();
        let r = b.desk.dispute_report(d("2026-11-01"), d("2026-11-30")).unwrap();
        assert_eq!(r.reasons.len(), 2);
        let damaged = &r.reasons[0];
        assert_eq!(damaged.reason, "Goods damaged", "reasons differing in case and spaces are one");
        assert_eq!((damaged.disputes, damaged.amount), (2, Money(60_000)));
        assert_eq!((damaged.open, damaged.upheld, damaged.rejected), (1, 1, 0));
        assert_eq!(damaged.average_days_to_resolve.as_deref(), Some("10.0"));
        let never = &r.reasons[1];
        assert_eq!((never.disputes, never.amount, never.rejected), (1, Money(75_000), 1));
        assert_eq!(never.average_days_to_resolve.as_deref(), Some("3.0"));
        let t = &r.total;
        assert_eq!((t.disputes, t.amount, t.open, t.upheld, t.rejected), (3, Money(135_000), 1, 1, 1));
        // (10 + 3) / 2 = 6.5 days.
        assert_eq!(t.average_days_to_resolve.as_deref(), Some("6.5"));
    }

    #[test]
    fn nothing_resolved_has_no_average() {
        let b = november();
        let r = b.desk.dispute_report(d("2026-11-16"), d("2026-11-30")).unwrap();
        assert_eq!(r.total.disputes, 1);
        assert_eq!(r.total.average_days_to_resolve, None);
    }
}
