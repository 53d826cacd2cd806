//! Settling for less, writing off, and reversing a payment that bounced (D-SETTLE,
//! D-WRITEOFF): ledger entries, never deletions, each one transaction.

use chrono::NaiveDate;
use serde_json::json;

use super::payments::{apply_to_installments, recheck_promises};
use super::{Desk, DeskError, Result, Saved};
use crate::domain::Money;
use crate::domain::allocation::allocate;
use crate::store::{self, NewPayment};

/// Why a balance may be written off (D-WRITEOFF).
pub const WRITE_OFF_REASONS: &[&str] = &[
    "uncollectible",
    "bankruptcy",
    "deceased",
    "small-balance",
    "settlement-remainder",
    "sol-expired",
    "dispute-credit",
];

impl Desk {
    /// Accept `amount` in full settlement: it is applied oldest first and the rest of the
    /// open balance is written off as the settlement's remainder.
    pub fn settle(
        &mut self,
        debtor_id: i64,
        amount: Money,
        received_on: Option<NaiveDate>,
        reference: &str,
    ) -> Result<Saved> {
        if !amount.is_positive() {
            return Err(DeskError::invalid("amount", "a settlement must be more than zero"));
        }
        let today = self.today();
        let on = received_on.unwrap_or(today);
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let items = store::open_items(&self.conn, debtor.id)?;
        // What is in dispute is neither settled nor written off: it waits for its resolution.
        let open: Money = items.iter().map(|i| i.payable()).sum();
        if amount > open {
            return Err(DeskError::invalid("amount", "that is the whole balance or more: record it as a payment"));
        }
        self.write(|tx, clock, config| {
            let now = clock.now();
            let plan = allocate(amount, &items, None);
            let pay = |kind: &str, amt: Money, method: &str, reference: String| -> Result<i64> {
                Ok(store::insert_payment(
                    tx,
                    &NewPayment {
                        debtor_id: debtor.id,
                        kind: kind.into(),
                        amount: amt,
                        currency: debtor.currency.clone(),
                        received_on: on,
                        method: method.into(),
                        reference,
                    },
                    now,
                )?)
            };
            let settlement = pay("settlement", amount, "settlement", reference.trim().to_string())?;
            let mut left: std::collections::HashMap<i64, Money> =
                items.iter().map(|i| (i.invoice_id, i.balance)).collect();
            for a in &plan.allocations {
                store::insert_allocation(tx, settlement, a.invoice_id, a.amount)?;
                store::reduce_balance(tx, a.invoice_id, a.amount, now)?;
                *left.entry(a.invoice_id).or_default() -= a.amount;
            }
            // Each invoice's undisputed part not paid by the settlement.
            let rest = |i: &crate::domain::allocation::OpenItem| (left[&i.invoice_id] - i.disputed).max(Money::ZERO);
            let remainder: Money = items.iter().map(rest).sum();
            if remainder.is_positive() {
                let write_off =
                    pay("write-off", remainder, "settlement-remainder", format!("settlement #{settlement}"))?;
                for i in items.iter().filter(|i| rest(i).is_positive()) {
                    store::insert_allocation(tx, write_off, i.invoice_id, rest(i))?;
                    store::reduce_balance(tx, i.invoice_id, rest(i), now)?;
                }
            }
            recheck_promises(tx, debtor.id, today, config.promise_grace_days)?;
            apply_to_installments(tx, debtor.id, amount)?;
            event(
                tx,
                now,
                &config.collector,
                "settled",
                debtor.id,
                settlement,
                json!({"amount": amount, "written_off": remainder}),
            )?;
            Ok(Saved {
                debtor_id: debtor.id,
                id: settlement,
                message: format!(
                    "Settled for {}; {} written off as the settlement's remainder",
                    amount.display(&debtor.currency),
                    remainder.display(&debtor.currency)
                ),
            })
        })
    }

    /// Write off an invoice's open balance (or every open invoice's) for a stated reason.
    /// A later receipt still posts as a recovery. Like a settlement, it leaves what is in
    /// dispute to the dispute's resolution: only the undisputed rest is written off.
    pub fn write_off(&mut self, debtor_id: i64, invoice: Option<&str>, reason: &str) -> Result<Saved> {
        if !WRITE_OFF_REASONS.contains(&reason) {
            return Err(DeskError::invalid("reason", format!("'{reason}': one of {}", WRITE_OFF_REASONS.join(", "))));
        }
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let cur = debtor.currency.as_str();
        let items: Vec<_> = store::open_items(&self.conn, debtor.id)?
            .into_iter()
            .filter(|i| invoice.is_none_or(|n| i.number.eq_ignore_ascii_case(n.trim())))
            .collect();
        if items.is_empty() {
            return Err(DeskError::invalid("invoice", "nothing open to write off there"));
        }
        let total: Money = items.iter().map(|i| i.payable()).sum();
        let disputed: Money = items.iter().map(|i| i.balance - i.payable()).sum();
        if !total.is_positive() {
            return Err(DeskError::invalid(
                "invoice",
                format!(
                    "all of it ({}) is in dispute: resolve the dispute (upheld credits it) before writing anything off",
                    disputed.display(cur)
                ),
            ));
        }
        let today = self.today();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_payment(
                tx,
                &NewPayment {
                    debtor_id: debtor.id,
                    kind: "write-off".into(),
                    amount: total,
                    currency: debtor.currency.clone(),
                    received_on: today,
                    method: reason.into(),
                    reference: String::new(),
                },
                now,
            )?;
            for i in items.iter().filter(|i| i.payable().is_positive()) {
                store::insert_allocation(tx, id, i.invoice_id, i.payable())?;
                store::reduce_balance(tx, i.invoice_id, i.payable(), now)?;
            }
            event(
                tx,
                now,
                &config.collector,
                "written-off",
                debtor.id,
                id,
                json!({"amount": total, "reason": reason, "left_in_dispute": disputed}),
            )?;
            let mut message = format!("Wrote off {} ({reason})", total.display(cur));
            if disputed.is_positive() {
                message.push_str(&format!("; the disputed {} is left to its dispute", disputed.display(cur)));
            }
            Ok(Saved { debtor_id: debtor.id, id, message })
        })
    }

    /// A payment bounced: reopen what it paid, record the reversal, and let the promises
    /// and installments it had kept be judged again.
    pub fn reverse_payment(&mut self, payment_id: i64, reason: &str) -> Result<Saved> {
        if reason.trim().is_empty() {
            return Err(DeskError::invalid("reason", "a reversal needs a reason (e.g. returned NSF)"));
        }
        let (debtor_id, kind, amount, reversed) = store::payment_facts(&self.conn, payment_id)?
            .ok_or_else(|| DeskError::invalid("payment", format!("no payment #{payment_id}")))?;
        if kind != "payment" && kind != "settlement" {
            return Err(DeskError::invalid("payment", format!("#{payment_id} is a {kind}, not money received")));
        }
        if reversed {
            return Err(DeskError::invalid("payment", format!("#{payment_id} was already reversed")));
        }
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let today = self.today();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = reverse_in(
                tx,
                (payment_id, amount),
                &debtor,
                today,
                reason.trim(),
                (now, today),
                config.promise_grace_days,
            )?;
            // A settlement that bounced was never a settlement: its remainder is owed again.
            let mut reopened = Money::ZERO;
            if kind == "settlement"
                && let Some((write_off, remainder)) = store::settlement_remainder(tx, payment_id)?
            {
                let back = store::insert_write_off_reversal(
                    tx,
                    write_off,
                    debtor_id,
                    (remainder, &debtor.currency),
                    today,
                    reason.trim(),
                    now,
                )?;
                for (invoice_id, applied) in store::allocations_of(tx, write_off)? {
                    store::insert_allocation(tx, back, invoice_id, -applied)?;
                    store::reopen_balance(tx, invoice_id, applied, now)?;
                }
                recheck_promises(tx, debtor_id, today, config.promise_grace_days)?;
                reopened = remainder;
            }
            event(
                tx,
                now,
                &config.collector,
                "payment-reversed",
                debtor_id,
                id,
                json!({"reverses": payment_id, "amount": amount}),
            )?;
            Ok(Saved {
                debtor_id,
                id,
                message: if reopened.is_positive() {
                    format!(
                        "Reversed settlement #{payment_id} of {}: its invoices and the {} written off are owed again",
                        amount.display(&debtor.currency),
                        reopened.display(&debtor.currency)
                    )
                } else {
                    format!(
                        "Reversed payment #{payment_id} of {}: its invoices are open again",
                        amount.display(&debtor.currency)
                    )
                },
            })
        })
    }
}

/// Reverse `payment` (its id and amount), dated `on`: a reversal row, its invoices reopened,
/// installments unpaid and every promise judged again. The reversal's id.
pub(super) fn reverse_in(
    tx: &rusqlite::Connection,
    (payment_id, amount): (i64, Money),
    debtor: &crate::domain::Debtor,
    on: NaiveDate,
    reason: &str,
    (now, today): (chrono::DateTime<chrono::Utc>, NaiveDate),
    grace: u32,
) -> Result<i64> {
    let id = store::insert_reversal(tx, payment_id, debtor.id, -amount, &debtor.currency, on, reason, now)?;
    for (invoice_id, applied) in store::allocations_of(tx, payment_id)? {
        store::insert_allocation(tx, id, invoice_id, -applied)?;
        store::reopen_balance(tx, invoice_id, applied, now)?;
    }
    store::unpay_installments(tx, debtor.id, amount)?;
    recheck_promises(tx, debtor.id, today, grace)?;
    Ok(id)
}

/// A payment-side event: settlements, write-offs and reversals are all payment rows.
fn event(
    tx: &rusqlite::Connection,
    at: chrono::DateTime<chrono::Utc>,
    actor: &str,
    kind: &'static str,
    debtor_id: i64,
    id: i64,
    after: serde_json::Value,
) -> Result<()> {
    super::arrangements::append(tx, at, actor, kind, debtor_id, "payment", id, after)
}
