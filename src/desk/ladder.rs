//! The escalation ladder applied to one account: what has been done since it fell due.

use super::{AccountView, Desk, Result, WorklistRow};
use crate::domain::ladder::{LadderFacts, Recommendation, Step, recommend};
use chrono::NaiveDate;

use crate::domain::{Channel, Money, PromiseStatus, days_past_due};
use crate::store;

impl Desk {
    pub fn next_step(&self, v: &AccountView) -> Recommendation {
        let today = self.today();
        // The ladder works what is in collection: a partial dispute leaves the rest to demand.
        let open: Vec<_> = v.invoices.iter().filter(|i| i.status == "open" && i.balance.is_positive()).collect();
        let in_collection: Money = open.iter().map(|i| i.in_collection()).sum();
        let oldest = open
            .iter()
            .filter(|i| i.in_collection().is_positive())
            .map(|i| i.due_on)
            .min()
            .or_else(|| open.iter().map(|i| i.due_on).min());
        let Some(oldest) = oldest else {
            return recommend(&LadderFacts::default(), &self.config.ladder);
        };
        let account_disputed = v.disputes.iter().any(|d| d.status == "open" && d.invoice_id.is_none());
        let since = v.attempts.iter().filter(|a| a.at.date_naive() > oldest);
        let (done, last) =
            done_steps(since.map(|a| (a.channel, a.note.split(' ').next().unwrap_or(""), a.at.date_naive())));
        let flags = &v.debtor.flags;
        let facts = LadderFacts {
            days_past_due: days_past_due(oldest, today),
            balance: in_collection,
            done,
            days_since_last_step: last.map(|d| (today - d).num_days()),
            stopped_by: stopping_flag(flags.cease_contact, flags.bankruptcy, flags.deceased),
            disputed: account_disputed || !in_collection.is_positive(),
            // Flags (cease, attorney…) are the guard's to answer, so a batch names the rule.
            on_hold: !v.holds.is_empty(),
            pending_promise: v.promises.iter().filter(|p| p.status == PromiseStatus::Pending).map(|p| p.due_on).min(),
            active_plan: v.plans.iter().any(|p| p.status == "active"),
            referred: v.legal_cases.iter().any(|c| c.status != "closed"),
        };
        recommend(&facts, &self.config.ladder)
    }

    /// The same recommendation from a worklist row and a few indexed queries, for the
    /// worklist's column (the full account view is too much per row).
    pub fn next_step_of_row(&self, row: &WorklistRow) -> Result<Recommendation> {
        let today = self.today();
        let history = store::ladder_history(&self.conn, row.id, today)?;
        let Some(oldest) = history.oldest_due_on else {
            return Ok(recommend(&LadderFacts::default(), &self.config.ladder));
        };
        let (done, last) = done_steps(history.marks.iter().map(|(c, w, on)| (*c, w.as_str(), *on)));
        let flag = |label: &str| row.flags.contains(&label);
        let facts = LadderFacts {
            days_past_due: days_past_due(oldest, today),
            balance: history.in_collection,
            done,
            days_since_last_step: last.map(|d| (today - d).num_days()),
            stopped_by: stopping_flag(flag("cease contact"), flag("bankruptcy"), flag("deceased")),
            disputed: history.disputed,
            on_hold: history.on_hold,
            pending_promise: row.facts.promise_due_on,
            active_plan: history.active_plan,
            referred: history.referred,
        };
        Ok(recommend(&facts, &self.config.ladder))
    }
}

/// Cease contact, bankruptcy and death stop demands (what may still be sent is the guard's call).
fn stopping_flag(cease: bool, bankruptcy: bool, deceased: bool) -> Option<&'static str> {
    [(cease, "cease contact"), (bankruptcy, "bankruptcy"), (deceased, "deceased")]
        .into_iter()
        .find_map(|(on, label)| on.then_some(label))
}

/// The rungs carried out, from outbound calls, letters and emails (channel, the note's first
/// word — `send_letter` and `email_letter` note "<template> letter|email…" — and the day),
/// and the day of the latest.
fn done_steps<'a>(marks: impl Iterator<Item = (Channel, &'a str, NaiveDate)>) -> (Vec<Step>, Option<NaiveDate>) {
    let mut done = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for (channel, first_word, on) in marks {
        let before = done.len();
        if channel == Channel::CallOut {
            done.push(Step::Call);
        }
        if matches!(channel, Channel::Letter | Channel::Email) {
            let step = [Step::FirstNotice, Step::SecondNotice, Step::FinalDemand, Step::PreLegal]
                .into_iter()
                .find(|s| s.template() == Some(first_word));
            // A letter sent by hand counts as the first notice; an ordinary email does not.
            done.extend(step.or((channel == Channel::Letter).then_some(Step::FirstNotice)));
        }
        if done.len() > before {
            last = Some(last.map_or(on, |l| l.max(on)));
        }
    }
    (done, last)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn sending_the_recommended_letter_moves_the_account_up_the_ladder() {
        let mut desk = demo_desk(80);
        desk.config.creditor.name = "Northwind Supply Co.".into();
        let worklist = desk.worklist().unwrap();
        let (id, step) = worklist
            .iter()
            .find_map(|r| {
                let step = desk.account(r.id).unwrap().next_step.step?;
                step.template().is_some().then_some((r.id, step))
            })
            .expect("a demo account whose next step is a letter");
        let letter = desk.compose_letter(id, step.template().unwrap(), None, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        desk.send_letter(&letter, dir.path(), None).unwrap();
        let after = desk.account(id).unwrap().next_step;
        assert_ne!(after.step, Some(step), "{}", after.reason);
    }

    #[test]
    fn the_worklist_row_and_the_account_view_recommend_the_same_step() {
        let desk = demo_desk(150);
        let rows = desk.worklist().unwrap();
        assert!(rows.len() > 100);
        for row in &rows {
            let view = desk.account(row.id).unwrap();
            assert_eq!(desk.next_step_of_row(row).unwrap(), view.next_step, "account {}", row.id);
        }
    }
}
