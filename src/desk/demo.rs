//! Writing the demo book into a database, in one transaction.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::demo_book::{DemoAccount, demo_account};
use super::{Desk, DeskError, Result};
use crate::domain::{Installment, LegalCase, Money};
use crate::store::{
    self, NewAttempt, NewContactPoint, NewDebtor, NewEvent, NewInvoice, NewPayment, NewPlan, NewPromise,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub debtors: usize,
    pub invoices: usize,
    pub attempts: usize,
    pub payments: usize,
}

impl Desk {
    /// Fill an empty book with `debtors` demo accounts. Refuses a book that has data,
    /// so the demo can never mix with real accounts.
    pub fn load_demo(&mut self, debtors: usize, seed: u64) -> Result<DemoSummary> {
        self.load_demo_with_progress(debtors, seed, |_| {})
    }

    pub fn load_demo_with_progress(
        &mut self,
        debtors: usize,
        seed: u64,
        mut progress: impl FnMut(usize),
    ) -> Result<DemoSummary> {
        if !self.is_empty()? {
            return Err(DeskError::Refused(
                "this book already has debtors; the demo needs an empty database (try `dun --demo`)".into(),
            ));
        }
        let today = self.today();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let mut summary = DemoSummary { debtors, invoices: 0, attempts: 0, payments: 0 };
            for i in 0..debtors {
                let account = demo_account(seed, i, today);
                write_account(tx, &account, now, &config.currency, &mut summary)?;
                if i % 1000 == 999 {
                    progress(i + 1);
                }
            }
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "demo-book-created",
                    debtor_id: None,
                    entity: "book",
                    entity_id: None,
                    before: None,
                    after: Some(json!({ "debtors": debtors, "seed": seed, "today": today })),
                },
            )?;
            progress(debtors);
            Ok(summary)
        })
    }
}

fn write_account(
    tx: &rusqlite::Connection,
    a: &DemoAccount,
    now: chrono::DateTime<chrono::Utc>,
    currency: &str,
    summary: &mut DemoSummary,
) -> Result<()> {
    let debtor_id = store::insert_debtor(
        tx,
        &NewDebtor {
            external_ref: Some(a.external_ref.clone()),
            name: a.name.clone(),
            kind: Some(a.kind),
            region: Some(a.region.to_string()),
            postal_code: Some(a.postal_code.clone()),
            time_zone: Some(a.time_zone.to_string()),
            currency: currency.to_string(),
            flags: a.flags,
        },
        now,
    )?;
    for c in &a.contacts {
        store::insert_contact_point(
            tx,
            &NewContactPoint {
                debtor_id,
                kind: c.kind,
                label: c.label.to_string(),
                value: c.value.clone(),
                status: c.status,
                source: "demo".into(),
                is_work: c.is_work,
            },
            now,
        )?;
    }
    let mut invoice_ids = Vec::with_capacity(a.invoices.len());
    for inv in &a.invoices {
        invoice_ids.push(store::insert_invoice(
            tx,
            &NewInvoice {
                debtor_id,
                number: inv.number.clone(),
                credit_memo: inv.credit_memo,
                issued_on: Some(inv.issued_on),
                due_on: inv.due_on,
                original: inv.original,
                balance: inv.balance,
                currency: currency.to_string(),
            },
            now,
        )?);
    }
    summary.invoices += a.invoices.len();
    for p in &a.payments {
        let id = store::insert_payment(
            tx,
            &NewPayment {
                debtor_id,
                kind: "payment".into(),
                amount: p.amount,
                currency: currency.to_string(),
                received_on: p.received_on,
                method: p.method.to_string(),
                reference: p.reference.clone(),
            },
            now,
        )?;
        for (idx, amount) in &p.allocations {
            store::insert_allocation(tx, id, invoice_ids[*idx], *amount)?;
        }
    }
    summary.payments += a.payments.len();
    let mut attempt_ids = Vec::with_capacity(a.attempts.len());
    for at in &a.attempts {
        attempt_ids.push(store::insert_attempt(
            tx,
            &NewAttempt {
                debtor_id,
                at: at.at,
                channel: at.channel,
                contact_point_id: None,
                outcome: at.outcome.to_string(),
                note: at.note.clone(),
                follow_up_on: None,
            },
            at.at,
        )?);
    }
    summary.attempts += a.attempts.len();
    for p in &a.promises {
        store::insert_promise(
            tx,
            &NewPromise {
                debtor_id,
                attempt_id: attempt_ids.get(p.attempt).copied(),
                amount: p.amount,
                currency: currency.to_string(),
                promised_on: p.promised_on,
                due_on: p.due_on,
                status: p.status,
                paid: p.paid,
            },
            now,
        )?;
    }
    if let Some(plan) = &a.plan {
        store::insert_plan(
            tx,
            &NewPlan {
                debtor_id,
                total: plan.total,
                down_payment: Money::ZERO,
                currency: currency.to_string(),
                frequency: "monthly".into(),
                first_due_on: plan.first_due_on,
                grace_days: 3,
                status: plan.status.into(),
                installments: plan
                    .installments
                    .iter()
                    .enumerate()
                    .map(|(k, (due_on, amount, paid, status))| Installment {
                        seq: k as i64 + 1,
                        due_on: *due_on,
                        amount: *amount,
                        paid: *paid,
                        status: status.to_string(),
                        paid_on: None,
                    })
                    .collect(),
            },
            now,
        )?;
    }
    for (at, body) in &a.notes {
        store::insert_note(tx, debtor_id, *at, body)?;
    }
    if let Some((due, what)) = a.follow_up {
        store::schedule_follow_up(tx, debtor_id, due, what, attempt_ids.last().copied(), now)?;
    }
    if let Some((idx, reason, opened)) = a.dispute {
        store::insert_dispute(tx, debtor_id, Some(invoice_ids[idx]), None, reason, opened, now)?;
    }
    if let Some((reason, starts, ends)) = a.hold {
        store::insert_hold(tx, debtor_id, reason, starts, Some(ends), now)?;
    }
    if let Some((referred_on, attorney, court, case_number)) = &a.legal {
        store::insert_legal_case(
            tx,
            &LegalCase {
                id: 0,
                debtor_id,
                referred_on: *referred_on,
                attorney: attorney.to_string(),
                court: court.clone(),
                case_number: case_number.clone(),
                status: "referred".into(),
                costs: Money(0),
                judgment: None,
                next_court_on: next_court_date(*referred_on),
            },
            now,
        )?;
    }
    Ok(())
}

fn next_court_date(referred: NaiveDate) -> Option<NaiveDate> {
    referred.checked_add_days(chrono::Days::new(45))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::domain::Bucket;
    use std::collections::HashSet;

    #[test]
    fn demo_book_is_deterministic_and_covers_every_bucket() {
        let a = demo_desk(250);
        let b = demo_desk(250);
        let (wa, wb) = (a.worklist().unwrap(), b.worklist().unwrap());
        assert_eq!(wa, wb);
        let buckets: HashSet<Bucket> = wa.iter().map(|r| r.bucket).collect();
        for bucket in Bucket::ALL {
            assert!(buckets.contains(&bucket) || bucket == Bucket::Current, "no account in {bucket:?}");
        }
        let conn = a.connection();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert!(count("SELECT count(*) FROM invoice WHERE kind = 'credit-memo'") > 0);
        assert!(
            count(
                "SELECT count(*) FROM invoice WHERE status = 'open' AND balance_cents < original_cents AND balance_cents > 0"
            ) > 0
        );
        for status in ["pending", "kept", "broken"] {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM promise WHERE status = ?1", [status], |r| r.get(0)).unwrap();
            assert!(n > 0, "{status}");
        }
        assert!(count("SELECT count(*) FROM plan") > 0);
        assert!(count("SELECT count(*) FROM dispute") > 0);
        assert_eq!(count("SELECT count(*) FROM legal_case"), 1);
        assert!(count("SELECT count(DISTINCT time_zone) FROM debtor") >= 4);
        assert!(count("SELECT count(*) FROM debtor WHERE kind = 'person'") > 0);
        assert!(count("SELECT count(*) FROM debtor WHERE kind = 'business'") > 0);
        // Every invoice's paid part is accounted for by allocations.
        assert_eq!(
            count(
                "SELECT count(*) FROM invoice i WHERE i.kind = 'invoice' AND i.original_cents - i.balance_cents <>
                 (SELECT coalesce(sum(amount_cents), 0) FROM allocation a WHERE a.invoice_id = i.id)"
            ),
            0
        );
        let invoices_in_buckets: HashSet<Bucket> = {
            let mut stmt =
                conn.prepare("SELECT due_on FROM invoice WHERE status = 'open' AND balance_cents > 0").unwrap();
            stmt.query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(|d| {
                    Bucket::for_days_past_due((today() - d.unwrap().parse::<chrono::NaiveDate>().unwrap()).num_days())
                })
                .collect()
        };
        assert_eq!(invoices_in_buckets.len(), 6);
    }

    #[test]
    fn demo_refuses_a_book_with_data() {
        let mut desk = demo_desk(3);
        assert!(desk.load_demo(3, 1).is_err());
    }
}
