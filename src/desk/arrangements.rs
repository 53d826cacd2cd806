//! What a collector arranges with a debtor outside a call: a promise to pay, the next
//! follow-up, a dispute, a hold. Each one transaction, each in the event log.

use chrono::NaiveDate;
use serde_json::json;

use super::{Desk, DeskError, Result, Saved};
use crate::domain::dispute::held_back;
use crate::domain::plan::{PlanTerms, schedule};
use crate::domain::promise::evaluate_promise;
use crate::domain::{Installment, Invoice, Money, Promise, PromiseStatus};
use crate::store::{self, NewEvent, NewPromise};

/// What a dispute is on: the invoice (none for the whole account), in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeScope {
    pub debtor_id: i64,
    pub invoice_id: Option<i64>,
    pub what: String,
}

impl Desk {
    pub fn make_promise(&mut self, debtor_id: i64, amount: Money, due_on: NaiveDate) -> Result<Saved> {
        if !amount.is_positive() {
            return Err(DeskError::invalid("amount", "the amount promised must be more than zero"));
        }
        let today = self.today();
        if due_on < today {
            return Err(DeskError::invalid("date", format!("{due_on} is in the past")));
        }
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let open: Money = store::open_items(&self.conn, debtor_id)?.iter().map(|i| i.balance).sum();
        if amount > open {
            return Err(DeskError::invalid(
                "amount",
                format!(
                    "{} is more than the open balance {}",
                    amount.display(&debtor.currency),
                    open.display(&debtor.currency)
                ),
            ));
        }
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_promise(
                tx,
                &NewPromise {
                    debtor_id,
                    attempt_id: None,
                    amount,
                    currency: debtor.currency.clone(),
                    promised_on: today,
                    due_on,
                    status: PromiseStatus::Pending,
                    paid: Money::ZERO,
                },
                now,
            )?;
            let replaced = open_follow_up_ids(tx, debtor_id)?;
            let follow_up = store::schedule_follow_up(tx, debtor_id, due_on, "promise due", None, now)?;
            append(
                tx,
                now,
                &config.collector,
                "promise-made",
                debtor_id,
                "promise",
                id,
                json!({"amount": amount, "due_on": due_on, "follow_up": follow_up, "replaced": replaced}),
            )?;
            Ok(Saved {
                debtor_id,
                id,
                message: format!("Promise of {} by {due_on} recorded", amount.display(&debtor.currency)),
            })
        })
    }

    pub fn schedule_follow_up(&mut self, debtor_id: i64, due_on: NaiveDate, what: &str) -> Result<Saved> {
        if due_on < self.today() {
            return Err(DeskError::invalid("date", format!("{due_on} is in the past")));
        }
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        let what = if what.trim().is_empty() { "follow up" } else { what.trim() };
        self.write(|tx, clock, config| {
            let now = clock.now();
            // One next step per account: a new follow-up replaces the open one, and says so.
            let replaced = store::open_follow_ups(tx, debtor_id)?;
            let id = store::schedule_follow_up(tx, debtor_id, due_on, what, None, now)?;
            let replaced_ids: Vec<i64> = replaced.iter().map(|f| f.id).collect();
            append(
                tx,
                now,
                &config.collector,
                "follow-up-scheduled",
                debtor_id,
                "follow_up",
                id,
                json!({"due_on": due_on, "replaced": replaced_ids}),
            )?;
            let replaced = if replaced.is_empty() {
                String::new()
            } else {
                format!(
                    " (replaces {})",
                    replaced.iter().map(|f| format!("{} {}", f.due_on, f.what)).collect::<Vec<_>>().join(", ")
                )
            };
            Ok(Saved { debtor_id, id, message: format!("Follow-up on {due_on}: {what}{replaced}") })
        })
    }

    /// Dispute one invoice (by its number), part of one (`amount`), or the whole account. The
    /// disputed part leaves the balance in collection until the dispute is resolved: no
    /// payment goes to it, it does not rank the account, and the guard warns not to collect it.
    ///
    /// An amount without an invoice is taken as on the account's only open invoice. With
    /// several open, which invoice the debtor means is not ours to guess (an upheld dispute
    /// credits that invoice, and it decides which balance stays in collection and how old it
    /// is), so it is refused with the open invoices named: the collector asks, or disputes the
    /// whole account.
    pub fn open_dispute(
        &mut self,
        debtor_id: i64,
        invoice: Option<&str>,
        amount: Option<Money>,
        reason: &str,
    ) -> Result<Saved> {
        let DisputeScope { debtor_id, invoice_id, what } = self.check_dispute(debtor_id, invoice, amount, reason)?;
        let reason = reason.trim();
        let today = self.today();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_dispute(tx, debtor_id, invoice_id, amount, reason, today, now)?;
            append(
                tx,
                now,
                &config.collector,
                "dispute-opened",
                debtor_id,
                "dispute",
                id,
                json!({"invoice_id": invoice_id, "amount": amount}),
            )?;
            Ok(Saved { debtor_id, id, message: format!("Dispute opened on {what}: collection of it pauses") })
        })
    }

    /// What `open_dispute` would open, checked without writing anything (a call that raised
    /// the dispute is logged only once the dispute is known to be valid).
    pub fn check_dispute(
        &self,
        debtor_id: i64,
        invoice: Option<&str>,
        amount: Option<Money>,
        reason: &str,
    ) -> Result<DisputeScope> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::invalid("reason", "a dispute needs a reason"));
        }
        if amount.is_some_and(|a| !a.is_positive()) {
            return Err(DeskError::invalid("amount", "the amount disputed must be more than zero"));
        }
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let debtor_id = debtor.id;
        let cur = debtor.currency.as_str();
        let invoices = store::invoices_of(&self.conn, debtor_id)?;
        let open: Vec<&Invoice> = invoices.iter().filter(|i| i.status == "open" && i.balance.is_positive()).collect();
        let target = match (invoice.map(str::trim).filter(|n| !n.is_empty()), amount) {
            (None, None) => None,
            (Some(number), _) => {
                let invoice = invoices
                    .iter()
                    .find(|i| i.number.eq_ignore_ascii_case(number))
                    .ok_or_else(|| DeskError::invalid("invoice", format!("this account has no invoice {number}")))?;
                // A paid or closed invoice owes nothing: disputing it would only stop collection.
                if invoice.status != "open" || !invoice.balance.is_positive() {
                    return Err(DeskError::invalid(
                        "invoice",
                        format!("invoice {number} has nothing left to dispute ({})", invoice.status),
                    ));
                }
                Some(invoice)
            }
            (None, Some(_)) => match open.as_slice() {
                [only] => Some(*only),
                [] => return Err(DeskError::invalid("amount", "this account has no open invoice to dispute")),
                several => {
                    let numbers: Vec<&str> = several.iter().map(|i| i.number.as_str()).collect();
                    return Err(DeskError::invalid(
                        "invoice",
                        format!(
                            "this account has {} open invoices ({}): say which one the amount is disputed on, \
                             or leave the amount out to dispute the whole account",
                            several.len(),
                            numbers.join(", ")
                        ),
                    ));
                }
            },
        };
        if let (Some(i), Some(a)) = (target, amount)
            && a > i.balance
        {
            return Err(DeskError::invalid(
                "amount",
                format!(
                    "{} is more than invoice {}'s open balance {}",
                    a.display(cur),
                    i.number,
                    i.balance.display(cur)
                ),
            ));
        }
        let invoice_id = target.map(|i| i.id);
        let disputes = store::disputes_of(&self.conn, debtor_id)?;
        if let Some(d) = disputes.iter().find(|d| d.status == "open" && d.invoice_id == invoice_id) {
            return Err(DeskError::invalid(
                "dispute",
                format!("this is already in dispute (#{}): resolve that one first", d.id),
            ));
        }
        let what = match (target, amount) {
            (None, _) => "the whole account".to_string(),
            (Some(i), Some(a)) if a < i.balance => {
                format!("{} of invoice {} ({} open)", a.display(cur), i.number, i.balance.display(cur))
            }
            (Some(i), _) => format!("invoice {}", i.number),
        };
        Ok(DisputeScope { debtor_id, invoice_id, what })
    }

    /// What a plan may cover: the balance in collection, the open balance less what open
    /// disputes hold back (D-PLAN: no plan on a disputed debt until the dispute is resolved).
    /// The CLI's default total and the desk form's pre-filled Total.
    pub fn plan_ceiling(&self, debtor_id: i64) -> Result<Money> {
        Ok(store::open_items(&self.conn, debtor_id)?.iter().map(|i| (i.balance - i.disputed).max(Money::ZERO)).sum())
    }

    /// The schedule a plan on these terms would have, checked as `make_plan` checks it (a
    /// preview refuses what saving would refuse): the total may not exceed the balance in
    /// collection, and a wholly disputed account takes no plan at all.
    pub fn plan_schedule(&self, debtor_id: i64, terms: &PlanTerms) -> Result<Vec<(NaiveDate, Money)>> {
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let items = store::open_items(&self.conn, debtor.id)?;
        let open: Money = items.iter().map(|i| i.balance).sum();
        let ceiling = self.plan_ceiling(debtor.id)?;
        let cur = &debtor.currency;
        if open.is_positive() && !ceiling.is_positive() {
            return Err(DeskError::invalid("total", "the whole balance is disputed: resolve the dispute first"));
        }
        if terms.total > open {
            return Err(DeskError::invalid(
                "total",
                format!("{} is more than the open balance {}", terms.total.display(cur), open.display(cur)),
            ));
        }
        if terms.total > ceiling {
            return Err(DeskError::invalid(
                "total",
                format!(
                    "{} is more than the balance in collection {} ({} is disputed)",
                    terms.total.display(cur),
                    ceiling.display(cur),
                    (open - ceiling).display(cur)
                ),
            ));
        }
        schedule(terms).map_err(|e| DeskError::invalid("plan", e.to_string()))
    }

    /// Agree a payment plan. An active plan is kept in history as replaced; so are promises
    /// still waiting for their date, cancelled: the plan is what the debtor now pays by.
    ///
    /// A payment counts once. While a plan is active its installments take the money (D-PLAN),
    /// so a promise made before the plan would be kept by money that already pays an
    /// installment, or broken although the debtor keeps to the plan. A promise made while the
    /// plan is active is a promise of its installments (K-PTP's `instalment_of`, typically to
    /// cure a missed one): the same money keeps it, one commitment, not a second one.
    pub fn make_plan(&mut self, debtor_id: i64, terms: &PlanTerms) -> Result<Saved> {
        let rows = self.plan_schedule(debtor_id, terms)?;
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let installments: Vec<Installment> = rows
            .iter()
            .enumerate()
            .map(|(k, (due_on, amount))| Installment {
                seq: k as i64 + 1,
                due_on: *due_on,
                amount: *amount,
                paid: Money::ZERO,
                status: "due".into(),
                paid_on: None,
            })
            .collect();
        let count = installments.len();
        let last = rows.last().map(|r| r.0);
        let today = self.today();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let replaced = store::replace_active_plans(tx, debtor.id)?;
            // A promise already past its date and grace was broken before the plan: it stays so.
            let waiting: Vec<Promise> = store::promises_of(tx, debtor.id)?
                .into_iter()
                .filter(|p| {
                    p.status.is_open()
                        && evaluate_promise(p.amount, p.due_on, p.paid, today, config.promise_grace_days).is_open()
                })
                .collect();
            for p in &waiting {
                store::update_promise(tx, p.id, PromiseStatus::Cancelled, p.paid, Some(today))?;
            }
            // The follow-up a promise set on its date goes with it: nothing is due that day now.
            let closed_follow_ups: Vec<i64> = store::open_follow_ups(tx, debtor.id)?
                .into_iter()
                .filter(|f| waiting.iter().any(|p| p.due_on == f.due_on))
                .map(|f| f.id)
                .collect();
            for f in &closed_follow_ups {
                store::set_follow_up_done(tx, *f, Some(now))?;
            }
            let id = store::insert_plan(
                tx,
                &store::NewPlan {
                    debtor_id: debtor.id,
                    total: terms.total,
                    down_payment: terms.down_payment,
                    currency: debtor.currency.clone(),
                    frequency: terms.frequency.code().into(),
                    first_due_on: terms.first_due,
                    grace_days: i64::from(terms.grace_days.unwrap_or(config.plan_grace_days)),
                    status: "active".into(),
                    installments,
                },
                now,
            )?;
            if let Some(old) = replaced {
                store::set_plan_replaces(tx, id, old)?;
            }
            let promise_ids: Vec<i64> = waiting.iter().map(|p| p.id).collect();
            let after = json!({ "total": terms.total, "installments": count, "frequency": terms.frequency.code(),
                                "replaces": replaced, "replaced_promises": promise_ids,
                                "closed_follow_ups": closed_follow_ups });
            append(tx, now, &config.collector, "plan-made", debtor.id, "plan", id, after)?;
            let mut replaces: Vec<String> = replaced.map(|_| "the earlier plan".to_string()).into_iter().collect();
            replaces.extend(
                waiting
                    .iter()
                    .map(|p| format!("the promise of {} by {}", p.amount.display(&debtor.currency), p.due_on)),
            );
            let renegotiated =
                if replaces.is_empty() { String::new() } else { format!(" (replaces {})", replaces.join(", ")) };
            Ok(Saved {
                debtor_id: debtor.id,
                id,
                message: format!(
                    "Plan of {} in {count} payment(s) {}, last on {}{renegotiated}",
                    terms.total.display(&debtor.currency),
                    terms.frequency.label(),
                    last.map(|d| d.to_string()).unwrap_or_default()
                ),
            })
        })
    }

    /// End the account's holds now.
    pub fn release_holds(&mut self, debtor_id: i64) -> Result<Saved> {
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let holds = store::unreleased_holds(tx, debtor_id)?;
            let n = store::release_holds(tx, debtor_id, now)?;
            let after = json!({ "released": n, "holds": holds });
            append(tx, now, &config.collector, "holds-released", debtor_id, "hold", 0, after)?;
            Ok(Saved { debtor_id, id: 0, message: format!("{n} hold(s) released") })
        })
    }

    /// Resolve the open dispute on an invoice (or on the whole account). Upheld: what was
    /// disputed is credited (the invoice's balance, or only the amount disputed, never more
    /// than is still owed; for the whole account, every invoice it held back). Rejected: it is
    /// back in collection.
    pub fn resolve_dispute(
        &mut self,
        debtor_id: i64,
        invoice: Option<&str>,
        upheld: bool,
        note: &str,
    ) -> Result<Saved> {
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let invoices = store::invoices_of(&self.conn, debtor.id)?;
        let invoice_id = match invoice.map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(n) => Some(
                invoices
                    .iter()
                    .find(|i| i.number.eq_ignore_ascii_case(n))
                    .ok_or_else(|| DeskError::invalid("invoice", format!("this account has no invoice {n}")))?
                    .id,
            ),
        };
        let dispute = store::disputes_of(&self.conn, debtor.id)?
            .into_iter()
            .find(|d| d.status == "open" && d.invoice_id == invoice_id)
            .ok_or_else(|| DeskError::invalid("dispute", "no open dispute there"))?;
        let today = self.today();
        let under = store::invoices_under_dispute(&self.conn, dispute.id)?;
        // What an upheld dispute credits: on each invoice it is on, what it held back.
        let credits: Vec<(i64, Money)> = invoices
            .iter()
            .filter(|i| upheld && under.contains(&i.id))
            .map(|i| (i.id, held_back(i.balance, [dispute.amount])))
            .filter(|(_, amount)| amount.is_positive())
            .collect();
        let credited: Money = credits.iter().map(|(_, amount)| *amount).sum();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let status = if upheld { "upheld" } else { "rejected" };
            store::resolve_dispute(tx, dispute.id, status, note.trim(), today)?;
            // Money that waited while these invoices were disputed now pays them.
            let (applied, paid_into) =
                if upheld { (Money::ZERO, 0) } else { super::payments::apply_unapplied(tx, debtor.id, &under, now)? };
            if credited.is_positive() {
                let payment = store::insert_payment(
                    tx,
                    &store::NewPayment {
                        debtor_id: debtor.id,
                        kind: "credit".into(),
                        amount: credited,
                        currency: debtor.currency.clone(),
                        received_on: today,
                        method: "dispute upheld".into(),
                        reference: format!("dispute #{}", dispute.id),
                    },
                    now,
                )?;
                for (invoice_id, amount) in &credits {
                    store::insert_allocation(tx, payment, *invoice_id, *amount)?;
                    store::reduce_balance(tx, *invoice_id, *amount, now)?;
                }
            }
            append(
                tx,
                now,
                &config.collector,
                "dispute-resolved",
                debtor.id,
                "dispute",
                dispute.id,
                json!({ "status": status, "credited": upheld.then_some(credited), "unapplied_applied": applied }),
            )?;
            let cur = debtor.currency.as_str();
            let what = match (upheld, dispute.invoice_id, dispute.amount) {
                (false, _, _) => "rejected: back in collection".to_string(),
                (true, Some(_), Some(_)) => format!("upheld: the invoice was credited {}", credited.display(cur)),
                (true, Some(_), None) => "upheld: the invoice was credited".to_string(),
                (true, None, _) if credits.is_empty() => "upheld: nothing was left owing to credit".to_string(),
                (true, None, _) => format!(
                    "upheld: credited {} on {} invoice{}",
                    credited.display(cur),
                    credits.len(),
                    if credits.len() == 1 { "" } else { "s" }
                ),
            };
            let mut message = format!("Dispute {what}");
            if applied.is_positive() {
                message.push_str(&format!(
                    "; {} of unapplied payments applied to {paid_into} invoice(s)",
                    applied.display(cur)
                ));
            }
            Ok(Saved { debtor_id: debtor.id, id: dispute.id, message })
        })
    }

    /// Resolve a dispute by its number (as `dun show` lists it).
    pub fn resolve_dispute_by_id(&mut self, dispute_id: i64, upheld: bool, note: &str) -> Result<Saved> {
        let debtor_id = store::dispute_debtor(&self.conn, dispute_id)?
            .ok_or_else(|| DeskError::invalid("dispute", format!("there is no dispute #{dispute_id}")))?;
        let dispute = store::disputes_of(&self.conn, debtor_id)?.into_iter().find(|d| d.id == dispute_id);
        let Some(dispute) = dispute.filter(|d| d.status == "open") else {
            return Err(DeskError::invalid("dispute", format!("dispute #{dispute_id} is already resolved")));
        };
        let number = match dispute.invoice_id {
            Some(id) => store::invoices_of(&self.conn, debtor_id)?.into_iter().find(|i| i.id == id).map(|i| i.number),
            None => None,
        };
        self.resolve_dispute(debtor_id, number.as_deref(), upheld, note)
    }

    /// Raise or lower a standing flag, with the reason recorded.
    pub fn set_flag(&mut self, debtor_id: i64, flag: &str, on: bool, reason: &str) -> Result<Saved> {
        const FLAGS: [&str; 6] =
            ["cease-contact", "attorney", "bankruptcy", "deceased", "do-not-call", "email-opt-out"];
        if !FLAGS.contains(&flag) {
            return Err(DeskError::invalid("flag", format!("'{flag}': one of {}", FLAGS.join(", "))));
        }
        if reason.trim().is_empty() {
            return Err(DeskError::invalid("reason", "changing a flag needs a reason"));
        }
        let column = flag.replace('-', "_");
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let was = flag_is_set(&store::debtor(tx, debtor_id)?.flags, &column);
            if on {
                store::set_debtor_flag(tx, debtor_id, &column, now)?;
            } else {
                store::clear_debtor_flag(tx, debtor_id, &column, now)?;
            }
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "flag-changed",
                    debtor_id: Some(debtor_id),
                    entity: "debtor",
                    entity_id: Some(debtor_id),
                    before: Some(json!({ "flag": flag, "on": was })),
                    after: Some(json!({ "flag": flag, "on": on, "reason": reason.trim() })),
                },
            )?;
            Ok(Saved { debtor_id, id: debtor_id, message: format!("{flag} {}", if on { "set" } else { "cleared" }) })
        })
    }

    /// Hold an account: it leaves the worklist for its own queue until `until` (or release).
    pub fn place_hold(&mut self, debtor_id: i64, reason: &str, until: Option<NaiveDate>) -> Result<Saved> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::invalid("reason", "a hold needs a reason"));
        }
        let today = self.today();
        if let Some(u) = until.filter(|u| *u < today) {
            return Err(DeskError::invalid("until", format!("{u} is in the past")));
        }
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_hold(tx, debtor_id, reason, today, until, now)?;
            append(tx, now, &config.collector, "hold-placed", debtor_id, "hold", id, json!({"until": until}))?;
            let end = until.map(|u| format!(" until {u}")).unwrap_or_default();
            Ok(Saved { debtor_id, id, message: format!("On hold{end}: {reason}") })
        })
    }
}

/// The open follow-ups a new one is about to replace (undo reopens them).
pub(super) fn open_follow_up_ids(tx: &rusqlite::Connection, debtor_id: i64) -> Result<Vec<i64>> {
    Ok(store::open_follow_ups(tx, debtor_id)?.iter().map(|f| f.id).collect())
}

/// Whether a standing flag (by its column name, `do_not_call`) is set.
pub(super) fn flag_is_set(flags: &crate::domain::DebtorFlags, column: &str) -> bool {
    match column {
        "cease_contact" => flags.cease_contact,
        "attorney" => flags.attorney,
        "bankruptcy" => flags.bankruptcy,
        "deceased" => flags.deceased,
        "do_not_call" => flags.do_not_call,
        "email_opt_out" => flags.email_opt_out,
        _ => false,
    }
}

/// Record one change in the event log: the after-image of a new row, no before-image.
#[allow(clippy::too_many_arguments)]
pub(super) fn append(
    tx: &rusqlite::Connection,
    at: chrono::DateTime<chrono::Utc>,
    actor: &str,
    kind: &'static str,
    debtor_id: i64,
    entity: &'static str,
    id: i64,
    after: serde_json::Value,
) -> Result<()> {
    store::append_event(
        tx,
        &NewEvent {
            at,
            actor,
            kind,
            debtor_id: Some(debtor_id),
            entity,
            entity_id: Some(id),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "dispute_tests.rs"]
mod tests;
