//! Recording a payment: allocate it (D-ALLOC), then let promises and plan
//! installments it satisfies turn kept or paid, all in one transaction.

use chrono::NaiveDate;
use serde_json::json;

use super::{Desk, DeskError, Result, Saved};
use crate::domain::allocation::allocate;
use crate::domain::promise::evaluate_promise;
use crate::domain::{Money, PromiseStatus};
use crate::store::{self, NewEvent, NewPayment};

#[derive(Debug, Clone)]
pub struct RecordPayment {
    pub debtor_id: i64,
    pub amount: Money,
    /// The day the money arrived; today when not given.
    pub received_on: Option<NaiveDate>,
    pub method: String,
    pub reference: String,
    /// The invoice the remittance names: paid first; the rest goes oldest first.
    pub invoice: Option<String>,
}

impl Desk {
    pub fn record_payment(&mut self, input: RecordPayment) -> Result<Saved> {
        if !input.amount.is_positive() {
            return Err(DeskError::invalid("amount", "a payment must be more than zero"));
        }
        let today = self.today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(DeskError::invalid("date", format!("{received_on} is in the future")));
        }
        let debtor = store::debtor(&self.conn, input.debtor_id)?;
        let first_invoice =
            store::invoices_of(&self.conn, debtor.id)?.iter().filter_map(|i| i.issued_on.or(Some(i.due_on))).min();
        if let Some(first) = first_invoice.filter(|f| received_on < *f) {
            return Err(DeskError::invalid(
                "date",
                format!("{received_on} is before this account's first invoice ({first})"),
            ));
        }
        self.write(|tx, clock, config| {
            let now = clock.now();
            let (payment_id, plan, kept) =
                post_payment(tx, &debtor, &input, received_on, (now, today), config.promise_grace_days)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "payment-recorded",
                    debtor_id: Some(debtor.id),
                    entity: "payment",
                    entity_id: Some(payment_id),
                    before: None,
                    after: Some(json!({
                        "amount": input.amount, "received_on": received_on,
                        "allocations": plan.allocations.iter()
                            .map(|a| json!({"invoice_id": a.invoice_id, "amount": a.amount})).collect::<Vec<_>>(),
                        "unapplied": plan.unapplied,
                    })),
                },
            )?;
            let mut message = format!(
                "Payment {} applied to {} invoice(s)",
                input.amount.display(&debtor.currency),
                plan.allocations.len()
            );
            if plan.unapplied.is_positive() {
                message.push_str(&format!(", {} unapplied", plan.unapplied.display(&debtor.currency)));
            }
            if kept > 0 {
                message.push_str(&format!(", {kept} promise(s) kept"));
            }
            Ok(Saved { debtor_id: debtor.id, id: payment_id, message })
        })
    }
}

/// Record money received and apply it: allocated by D-ALLOC, then the promises and plan
/// installments it satisfies. (The id, the allocation plan, how many promises it kept.)
pub(super) fn post_payment(
    tx: &rusqlite::Connection,
    debtor: &crate::domain::Debtor,
    input: &RecordPayment,
    received_on: NaiveDate,
    (now, today): (chrono::DateTime<chrono::Utc>, NaiveDate),
    grace: u32,
) -> Result<(i64, crate::domain::allocation::AllocationPlan, usize)> {
    let items = store::open_items(tx, debtor.id)?;
    let directed = match input.invoice.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(number) => {
            let invoice = store::invoices_of(tx, debtor.id)?
                .into_iter()
                .find(|i| i.number.eq_ignore_ascii_case(number))
                .ok_or_else(|| DeskError::invalid("invoice", format!("this account has no invoice {number}")))?;
            // A partly disputed invoice takes money up to its undisputed part (D-ALLOC).
            if !items.iter().any(|i| i.invoice_id == invoice.id && i.payable().is_positive()) {
                return Err(DeskError::invalid(
                    "invoice",
                    format!("invoice {number} is not open for payment (paid, closed or disputed)"),
                ));
            }
            Some(invoice.id)
        }
    };
    let plan = allocate(input.amount, &items, directed);
    let payment_id = store::insert_payment(
        tx,
        &NewPayment {
            debtor_id: debtor.id,
            kind: "payment".into(),
            amount: input.amount,
            currency: debtor.currency.clone(),
            received_on,
            method: input.method.trim().to_string(),
            reference: input.reference.trim().to_string(),
        },
        now,
    )?;
    for a in &plan.allocations {
        store::insert_allocation(tx, payment_id, a.invoice_id, a.amount)?;
        store::reduce_balance(tx, a.invoice_id, a.amount, now)?;
    }
    let kept = settle_promises(tx, debtor.id, today, grace)?;
    apply_to_installments(tx, debtor.id, input.amount)?;
    Ok((payment_id, plan, kept))
}

/// Money received while nothing undisputed was open waits unapplied; when a dispute ends
/// without a credit, apply it to the invoices the dispute freed (`freed`): each payment, oldest
/// first, to those invoices oldest first (D-ALLOC). Promises and installments counted the
/// money when it arrived, so only the invoices move. (The amount applied, invoices paid into.)
pub(super) fn apply_unapplied(
    tx: &rusqlite::Connection,
    debtor_id: i64,
    freed: &[i64],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Money, usize)> {
    let mut items: Vec<_> =
        store::open_items(tx, debtor_id)?.into_iter().filter(|i| freed.contains(&i.invoice_id)).collect();
    let (mut applied, mut paid_into) = (Money::ZERO, std::collections::BTreeSet::new());
    for (payment, left) in store::unapplied_payments(tx, debtor_id)? {
        for a in allocate(left, &items, None).allocations {
            store::insert_allocation(tx, payment, a.invoice_id, a.amount)?;
            store::reduce_balance(tx, a.invoice_id, a.amount, now)?;
            if let Some(item) = items.iter_mut().find(|i| i.invoice_id == a.invoice_id) {
                item.balance -= a.amount;
            }
            applied += a.amount;
            paid_into.insert(a.invoice_id);
        }
    }
    Ok((applied, paid_into.len()))
}

/// Re-evaluate the debtor's pending promises against money received since each was made.
pub(super) fn settle_promises(
    tx: &rusqlite::Connection,
    debtor_id: i64,
    today: NaiveDate,
    grace: u32,
) -> Result<usize> {
    let mut kept = 0;
    for p in store::promises_of(tx, debtor_id)?.into_iter().filter(|p| p.status.is_open()) {
        let paid = store::paid_since(tx, debtor_id, p.promised_on)?.min(p.amount);
        let status = evaluate_promise(p.amount, p.due_on, paid, today, grace);
        if status != p.status || paid != p.paid {
            let resolved = (status != PromiseStatus::Pending).then_some(today);
            store::update_promise(tx, p.id, status, paid, resolved)?;
            if status == PromiseStatus::Kept {
                kept += 1;
            }
        }
    }
    Ok(kept)
}

/// Money received pays plan installments in due order. (Late and missed
/// installments are judged against due dates when the plan is read.)
pub(super) fn apply_to_installments(tx: &rusqlite::Connection, debtor_id: i64, amount: Money) -> Result<()> {
    let mut left = amount;
    for inst in store::open_installments(tx, debtor_id)? {
        if !left.is_positive() {
            break;
        }
        let take = (inst.amount - inst.paid).min(left);
        left -= take;
        let paid = inst.paid + take;
        store::update_installment(tx, inst.id, paid, if paid < inst.amount { "due" } else { "paid" })?;
    }
    store::complete_paid_plans(tx, debtor_id)?;
    Ok(())
}

/// Judge every promise again against money received between its making and its date plus
/// grace: after a reversal a kept promise may be broken after all.
pub(super) fn recheck_promises(tx: &rusqlite::Connection, debtor_id: i64, today: NaiveDate, grace: u32) -> Result<()> {
    for p in store::promises_of(tx, debtor_id)?.into_iter().filter(|p| p.status != PromiseStatus::Cancelled) {
        let until = p.due_on.checked_add_days(chrono::Days::new(grace.into())).unwrap_or(p.due_on);
        let paid = store::paid_between(tx, debtor_id, p.promised_on, until)?.max(Money::ZERO).min(p.amount);
        let status = evaluate_promise(p.amount, p.due_on, paid, today, grace);
        if status != p.status || paid != p.paid {
            let resolved = (status != PromiseStatus::Pending).then_some(today);
            store::update_promise(tx, p.id, status, paid, resolved)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::report_book::{Book, d};
    use super::super::testing::*;
    use super::*;
    use crate::domain::Invoice;
    use crate::domain::plan::{Frequency, PlanTerms, Split};

    #[test]
    fn payment_is_allocated_oldest_first_and_reduces_the_balance() {
        let mut desk = demo_desk(30);
        let row = desk.worklist().unwrap().into_iter().find(|r| r.balance.cents() > 10_000).unwrap();
        let before = desk.account(row.id).unwrap();
        let saved = desk
            .record_payment(RecordPayment {
                debtor_id: row.id,
                amount: Money(10_000),
                received_on: None,
                method: "check".into(),
                reference: "1042".into(),
                invoice: None,
            })
            .unwrap();
        let after = desk.account(row.id).unwrap();
        assert_eq!(after.open_balance, before.open_balance - Money(10_000));
        let payment = &after.payments[0];
        assert_eq!(payment.id, saved.id);
        assert_eq!(payment.reference, "1042");
        let applied: Money = payment.allocations.iter().map(|a| a.amount).sum();
        assert_eq!(applied + payment.unapplied, Money(10_000));
        // Oldest undisputed open invoice got money first.
        let oldest: &Invoice = before
            .invoices
            .iter()
            .filter(|i| i.status == "open" && i.in_collection().is_positive())
            .min_by_key(|i| (i.due_on, i.issued_on, i.number.clone()))
            .unwrap();
        assert_eq!(payment.allocations[0].invoice_id, oldest.id);
        let row_after = desk.worklist().unwrap().into_iter().find(|r| r.id == row.id);
        assert_eq!(row_after.map(|r| r.balance), Some(before.open_balance - Money(10_000)).filter(|b| b.is_positive()));
    }

    #[test]
    fn refuses_zero_and_future_payments() {
        let mut desk = demo_desk(3);
        let id = desk.worklist().unwrap()[0].id;
        let pay = |amount, on: Option<&str>| RecordPayment {
            debtor_id: id,
            amount: Money(amount),
            received_on: on.map(|d| d.parse().unwrap()),
            method: String::new(),
            reference: String::new(),
            invoice: None,
        };
        assert!(desk.record_payment(pay(0, None)).is_err());
        assert!(desk.record_payment(pay(100, Some("2026-12-01"))).is_err());
        assert!(desk.account(id).unwrap().payments.iter().all(|p| p.reference.is_empty() || p.amount != Money(100)));
    }

    #[test]
    fn a_payment_keeps_a_pending_promise() {
        let mut desk = demo_desk(2);
        let id = desk.worklist().unwrap()[0].id;
        let today = desk.today();
        store::insert_promise(
            desk.connection(),
            &store::NewPromise {
                debtor_id: id,
                attempt_id: None,
                amount: Money(5_000),
                currency: "USD".into(),
                promised_on: today,
                due_on: today,
                status: PromiseStatus::Pending,
                paid: Money::ZERO,
            },
            desk.clock().now(),
        )
        .unwrap();
        let saved = desk
            .record_payment(RecordPayment {
                debtor_id: id,
                amount: Money(5_000),
                received_on: None,
                method: "ach".into(),
                reference: String::new(),
                invoice: None,
            })
            .unwrap();
        assert!(saved.message.contains("1 promise(s) kept"), "{}", saved.message);
        let view = desk.account(id).unwrap();
        assert!(view.promises.iter().any(|p| p.status == PromiseStatus::Kept && p.due_on == today));
    }

    /// Acme owes A1 (900.00); today is 22 Nov. A plan of 3 × 300.00 monthly from 1 Dec.
    fn acme_on_a_plan(promise_first: bool) -> (Book, i64, Saved) {
        let mut b = Book::new("2026-11-22");
        let acme = b.debtor("Acme Hardware");
        b.invoice(acme, "A1", "2026-08-01", "2026-09-01", 90_000);
        if promise_first {
            b.desk.make_promise(acme, Money(50_000), d("2026-12-05")).unwrap();
        }
        let terms = PlanTerms {
            total: Money(90_000),
            down_payment: Money::ZERO,
            split: Split::Count(3),
            frequency: Frequency::Monthly,
            start: d("2026-11-22"),
            first_due: d("2026-12-01"),
            grace_days: None,
        };
        let saved = b.desk.make_plan(acme, &terms).unwrap();
        (b, acme, saved)
    }

    /// What the installments and the promises were credited, beside the money received.
    fn credited(b: &Book, acme: i64) -> (Money, Money, Money) {
        let view = b.desk.account(acme).unwrap();
        let plans: Money = view.plans.iter().flat_map(|p| &p.installments).map(|i| i.paid).sum();
        let promises: Money = view.promises.iter().map(|p| p.paid).sum();
        let received: Money = view.payments.iter().filter(|p| p.kind == "payment").map(|p| p.amount).sum();
        (plans, promises, received)
    }

    /// The bug: a payment that kept a pending promise was also applied to a plan installment,
    /// so 300.00 received counted 600.00 toward what the debtor had undertaken to pay.
    #[test]
    fn a_payment_counts_once_a_plan_replaces_the_promise_before_it() {
        let (mut b, acme, saved) = acme_on_a_plan(true);
        assert!(saved.message.ends_with("(replaces the promise of $500.00 by 2026-12-05)"), "{}", saved.message);
        b.set_today("2026-12-01");
        let paid = b.pay(acme, "2026-12-01", 30_000);
        assert_eq!(credited(&b, acme), (Money(30_000), Money::ZERO, Money(30_000)), "payment #{paid}");
        let view = b.desk.account(acme).unwrap();
        assert_eq!(view.promises[0].status, PromiseStatus::Cancelled);
        assert_eq!(view.plans[0].installments[0].status, "paid");
        // 500.00 on the promise's old date: the plan's next installments take it, nothing else.
        b.set_today("2026-12-05");
        b.pay(acme, "2026-12-05", 50_000);
        assert_eq!(credited(&b, acme), (Money(80_000), Money::ZERO, Money(80_000)));
    }

    /// A promise made on a plan (to cure a missed installment) is kept by the money that pays
    /// the installment: one undertaking, the money counted once, toward the plan.
    #[test]
    fn a_promise_made_on_a_plan_is_kept_by_its_installment() {
        let (mut b, acme, _) = acme_on_a_plan(false);
        b.set_today("2026-12-10");
        b.desk.make_promise(acme, Money(30_000), d("2026-12-15")).unwrap();
        b.set_today("2026-12-12");
        let input = RecordPayment {
            debtor_id: acme,
            amount: Money(30_000),
            received_on: None,
            method: "ach".into(),
            reference: String::new(),
            invoice: None,
        };
        let saved = b.desk.record_payment(input).unwrap();
        assert!(saved.message.ends_with("1 promise(s) kept"), "{}", saved.message);
        let view = b.desk.account(acme).unwrap();
        assert_eq!(view.plans[0].installments[0].paid, Money(30_000));
        assert_eq!((view.promises[0].status, view.promises[0].paid), (PromiseStatus::Kept, Money(30_000)));
        assert_eq!(credited(&b, acme).0, Money(30_000), "the plan was credited what was received, once");
    }

    #[test]
    fn undoing_the_plan_puts_back_the_promise_it_replaced() {
        let (mut b, acme, _) = acme_on_a_plan(true);
        b.desk.undo().unwrap();
        let view = b.desk.account(acme).unwrap();
        assert_eq!((view.promises[0].status, view.plans[0].status.as_str()), (PromiseStatus::Pending, "cancelled"));
        b.desk.redo().unwrap();
        assert_eq!(b.desk.account(acme).unwrap().promises[0].status, PromiseStatus::Cancelled);
    }
}
