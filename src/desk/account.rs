//! One account, everything the collector needs on one screen.

use crate::domain::ladder::Recommendation;
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::Channel;
use crate::domain::compliance::Answer;
use crate::domain::plan::{PlanLife, judge_plan};
use crate::domain::{
    AgingSplit, Attempt, ContactPoint, Debtor, Dispute, FollowUp, Hold, Invoice, LegalCase, Money, Note, Payment, Plan,
    Promise, PromiseStatus, promise::evaluate_promise,
};
use crate::store;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountView {
    pub debtor: Debtor,
    pub open_balance: Money,
    pub aging: AgingSplit,
    pub contact_points: Vec<ContactPoint>,
    pub invoices: Vec<Invoice>,
    pub attempts: Vec<Attempt>,
    pub notes: Vec<Note>,
    pub promises: Vec<Promise>,
    pub plans: Vec<Plan>,
    pub payments: Vec<Payment>,
    pub disputes: Vec<Dispute>,
    pub legal_cases: Vec<LegalCase>,
    pub holds: Vec<Hold>,
    pub follow_ups: Vec<FollowUp>,
    /// Due dates moved, with the date each invoice had.
    pub extensions: Vec<crate::store::Extension>,
    /// Invoices a hold sets aside today.
    pub invoice_holds: Vec<crate::store::InvoiceHold>,
    /// What the compliance guard says about calling now.
    pub call_check: Answer,
    /// The escalation ladder's next step, with its reason.
    pub next_step: Recommendation,
}

impl AccountView {
    /// Flags and holds in words, for the header.
    pub fn flag_labels(&self) -> Vec<String> {
        let mut out: Vec<String> = self.debtor.flags.labels().into_iter().map(String::from).collect();
        out.extend(self.holds.iter().map(|h| match h.ends_on {
            Some(end) => format!("hold: {} until {end}", h.reason),
            None => format!("hold: {}", h.reason),
        }));
        if self.disputes.iter().any(|d| d.status == "open") {
            // Part of the balance only: say how much, since the rest is still to collect.
            let held: Money = self.invoices.iter().filter(|i| i.status == "open").map(|i| i.disputed_amount).sum();
            let whole_account = self.disputes.iter().any(|d| d.status == "open" && d.invoice_id.is_none());
            if !whole_account && held.is_positive() && held < self.open_balance {
                let cur = self.debtor.currency.as_str();
                out.push(format!("disputed {} of {}", held.display(cur), self.open_balance.display(cur)));
            } else {
                out.push("disputed".into());
            }
        }
        if self.legal_cases.iter().any(|c| c.status != "closed") {
            out.push("legal".into());
        }
        out
    }
}

impl AccountView {
    /// The open balance less what open disputes hold back: what a plan may cover
    /// (`Desk::plan_ceiling`), the plan form's Total.
    pub fn in_collection(&self) -> Money {
        self.invoices.iter().filter(|i| i.status == "open" && i.balance.is_positive()).map(|i| i.in_collection()).sum()
    }
}

impl Desk {
    /// The debtor's plans as they stand today: each plan's status and each installment's
    /// state by `plan::judge_plan`, the rule the plans report counts by.
    pub fn judged_plans(&self, debtor_id: i64) -> Result<Vec<Plan>> {
        let today = self.today();
        let receipts = store::plan_receipts_of(&self.conn, debtor_id)?;
        let mut plans = store::plans_of(&self.conn, debtor_id)?;
        for plan in &mut plans {
            let life = PlanLife {
                stored: &plan.status,
                grace_days: plan.grace_days,
                started_on: plan.started_on,
                ended_on: plan.ended_on,
            };
            let schedule: Vec<_> = plan.installments.iter().map(|i| (i.due_on, i.amount, i.paid)).collect();
            let judged = judge_plan(life, &schedule, &receipts, today, self.config.plan_misses_to_break);
            for (i, (state, paid_on)) in plan.installments.iter_mut().zip(judged.installments) {
                i.status = state.code().to_string();
                i.paid_on = paid_on.filter(|_| i.paid >= i.amount);
            }
            plan.status = judged.status.to_string();
        }
        Ok(plans)
    }

    pub fn account(&self, debtor_id: i64) -> Result<AccountView> {
        let conn = &self.conn;
        let today = self.today();
        let debtor = store::debtor(conn, debtor_id)?;
        let invoices = store::invoices_of(conn, debtor_id)?;
        let open: Vec<&Invoice> = invoices.iter().filter(|i| i.status == "open").collect();
        let aging = AgingSplit::of(open.iter().map(|i| (i.due_on, i.balance)), today);
        let open_balance = open.iter().map(|i| i.balance).sum();
        // Pending promises past their grace read as broken even before a write records it.
        let grace = self.config.promise_grace_days;
        let promises = store::promises_of(conn, debtor_id)?
            .into_iter()
            .map(|mut p| {
                if p.status == PromiseStatus::Pending {
                    p.status = evaluate_promise(p.amount, p.due_on, p.paid, today, grace);
                }
                p
            })
            .collect();
        let mut view = AccountView {
            open_balance,
            aging,
            contact_points: store::contact_points(conn, debtor_id)?,
            invoices,
            attempts: store::attempts_of(conn, debtor_id)?,
            notes: store::notes_of(conn, debtor_id)?,
            promises,
            plans: self.judged_plans(debtor_id)?,
            payments: store::payments_of(conn, debtor_id)?,
            disputes: store::disputes_of(conn, debtor_id)?,
            legal_cases: store::legal_cases_of(conn, debtor_id)?,
            holds: store::active_holds(conn, debtor_id, today)?,
            extensions: store::extensions_of(conn, debtor_id)?,
            invoice_holds: store::invoice_holds_of(conn, debtor_id, today)?,
            follow_ups: store::open_follow_ups(conn, debtor_id)?,
            call_check: self.check_contact(debtor_id, Channel::CallOut, None)?,
            debtor,
            next_step: Recommendation { step: None, reason: String::new() },
        };
        view.next_step = self.next_step(&view);
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn account_balance_is_the_sum_of_its_aging_buckets() {
        let desk = demo_desk(40);
        for row in desk.worklist().unwrap().iter().take(20) {
            let view = desk.account(row.id).unwrap();
            assert_eq!(view.open_balance, row.balance);
            assert_eq!(view.aging.total(), view.open_balance);
        }
    }
}
