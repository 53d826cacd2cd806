//! The agenda: what is due today or overdue, and what comes in the next days: follow-ups,
//! promises to pay, plan installments and holds that end.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::Money;
use crate::domain::plan::{InstallmentState, judge_plan};
use crate::store::{self, DueKind};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaItem {
    /// follow-up, promise, installment, hold-ends
    pub kind: &'static str,
    pub due_on: NaiveDate,
    /// Days past its date (0 today, negative ahead).
    pub days_late: i64,
    pub debtor_id: i64,
    pub debtor_name: String,
    pub amount: Option<Money>,
    pub currency: String,
    pub detail: String,
}

impl AgendaItem {
    /// What to do, in the collector's words.
    pub fn what(&self) -> String {
        let amount = self.amount.map(|m| format!(" {}", m.display(&self.currency))).unwrap_or_default();
        match self.kind {
            "follow-up" => format!("follow up: {}", if self.detail.is_empty() { "call back" } else { &self.detail }),
            "promise" => format!("promise{amount} due: check it was paid"),
            "installment" => format!("installment {}{amount} due", self.detail),
            _ => format!("hold ends: {}", self.detail),
        }
    }
}

impl Desk {
    /// Everything open due up to `days` days from today, by date, the overdue first. Overdue
    /// promises and installments are those still inside their grace days.
    pub fn agenda(&self, days: u64) -> Result<Vec<AgendaItem>> {
        let today = self.today();
        let to = today.checked_add_days(Days::new(days)).unwrap_or(today);
        let items = store::due_items(&self.conn, None, Some(to))?;
        let cancelled = self.cancelled_installments()?;
        // Past their grace days a promise is broken and an installment missed: the worklist
        // ranks those; the agenda lists what is still to do or to expect.
        let grace = |days: u32| today.checked_sub_days(Days::new(u64::from(days))).unwrap_or(today);
        let (promise_from, installment_from) =
            (grace(self.config.promise_grace_days), grace(self.config.plan_grace_days));
        Ok(items
            .into_iter()
            .filter(|i| match i.kind {
                DueKind::FollowUp => true,
                DueKind::Promise => i.due_on >= promise_from,
                DueKind::Installment => i.due_on >= installment_from && !cancelled.contains(&i.id),
                // A hold that ended before today is no longer news.
                DueKind::HoldEnds => i.due_on >= today,
            })
            .map(|i| AgendaItem {
                kind: match i.kind {
                    DueKind::FollowUp => "follow-up",
                    DueKind::Promise => "promise",
                    DueKind::Installment => "installment",
                    DueKind::HoldEnds => "hold-ends",
                },
                due_on: i.due_on,
                days_late: (today - i.due_on).num_days(),
                debtor_id: i.debtor_id,
                debtor_name: i.debtor_name,
                amount: i.amount,
                currency: i.currency,
                detail: i.detail,
            })
            .collect())
    }
}

impl Desk {
    /// The installments of live plans that no longer fall due: a plan the break rule broke
    /// (`judge_plan`, the rule the account view and the plans report use) is still stored
    /// active until someone records otherwise, and its open installments are cancelled.
    pub(crate) fn cancelled_installments(&self) -> Result<HashSet<i64>> {
        let today = self.today();
        let mut out = HashSet::new();
        for plan in store::live_plans(&self.conn)? {
            let judged = judge_plan(plan.life(), &plan.schedule(), &[], today, self.config.plan_misses_to_break);
            for (i, (state, _)) in plan.installments.iter().zip(judged.installments) {
                if state == InstallmentState::Cancelled {
                    out.insert(i.0);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn the_agenda_holds_todays_overdue_and_coming_items_in_date_order() {
        let mut desk = demo_desk(150);
        let soon = today() + Days::new(3);
        desk.schedule_follow_up(7, today(), "ask for the remittance").unwrap();
        desk.place_hold(8, "waiting for the PO", Some(soon)).unwrap();
        let agenda = desk.agenda(7).unwrap();
        assert!(agenda.windows(2).all(|w| w[0].due_on <= w[1].due_on), "by date");
        assert!(agenda.iter().all(|i| i.due_on <= today() + Days::new(7)));
        let kinds: std::collections::BTreeSet<&str> = agenda.iter().map(|i| i.kind).collect();
        for kind in ["follow-up", "promise", "installment", "hold-ends"] {
            assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
        }
        let mine = agenda.iter().find(|i| i.debtor_id == 7 && i.kind == "follow-up").unwrap();
        assert_eq!((mine.days_late, mine.what().as_str()), (0, "follow up: ask for the remittance"));
        let hold = agenda.iter().find(|i| i.debtor_id == 8 && i.kind == "hold-ends").unwrap();
        assert_eq!((hold.due_on, hold.days_late), (soon, -3));
        assert!(agenda.iter().any(|i| i.days_late > 0), "the demo has overdue items");
        // Tomorrow's agenda no longer lists today's follow-up once it is done.
        assert!(desk.agenda(0).unwrap().iter().all(|i| i.due_on <= today()));
    }
}
