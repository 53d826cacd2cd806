//! The escalation ladder applied to one account: what has been done since it fell due.

use super::{AccountView, Desk, Result, WorklistRow};
use crate::domain::ladder::{LadderFacts, Recommendation, Step, recommend};
use crate::domain::{Channel, PromiseStatus, days_past_due};
use crate::store;

impl Desk {
    pub fn next_step(&self, v: &AccountView) -> Recommendation {
        let today = self.today();
        let oldest =
            v.invoices.iter().filter(|i| i.status == "open" && i.balance.is_positive()).map(|i| i.due_on).min();
        let Some(oldest) = oldest else {
            return recommend(&LadderFacts::default(), &self.config.ladder);
        };
        let since = v.attempts.iter().filter(|a| a.at.date_naive() > oldest);
        let facts = LadderFacts {
            days_past_due: days_past_due(oldest, today),
            balance: v.open_balance,
            done: done_steps(since.map(|a| (a.channel, a.note.split(' ').next().unwrap_or("")))),
            disputed: v.disputes.iter().any(|d| d.status == "open"),
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
        let facts = LadderFacts {
            days_past_due: days_past_due(oldest, today),
            balance: row.balance,
            done: done_steps(history.marks.iter().map(|(c, w)| (*c, w.as_str()))),
            disputed: history.disputed,
            on_hold: history.on_hold,
            pending_promise: row.facts.promise_due_on,
            active_plan: history.active_plan,
            referred: history.referred,
        };
        Ok(recommend(&facts, &self.config.ladder))
    }
}

/// The rungs carried out, from outbound calls, letters and emails (channel and the note's
/// first word: `send_letter` and `email_letter` note "<template> letter|email…").
fn done_steps<'a>(marks: impl Iterator<Item = (Channel, &'a str)>) -> Vec<Step> {
    let mut done = Vec::new();
    for (channel, first_word) in marks {
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
    }
    done
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
