//! The escalation ladder applied to one account: what has been done since it fell due.

use super::{AccountView, Desk};
use crate::domain::ladder::{LadderFacts, Recommendation, Step, recommend};
use crate::domain::{Channel, PromiseStatus, days_past_due};

impl Desk {
    pub fn next_step(&self, v: &AccountView) -> Recommendation {
        let today = self.today();
        let oldest =
            v.invoices.iter().filter(|i| i.status == "open" && i.balance.is_positive()).map(|i| i.due_on).min();
        let Some(oldest) = oldest else {
            return recommend(&LadderFacts::default(), &self.config.ladder);
        };
        let since = v.attempts.iter().filter(|a| a.at.date_naive() > oldest);
        let mut done = Vec::new();
        for a in since {
            if a.channel == Channel::CallOut {
                done.push(Step::Call);
            }
            if matches!(a.channel, Channel::Letter | Channel::Email) {
                // `send_letter` and `email_letter` note "<template> letter|email, archived as …".
                let template = a.note.split(' ').next().unwrap_or("");
                let step = [Step::FirstNotice, Step::SecondNotice, Step::FinalDemand, Step::PreLegal]
                    .into_iter()
                    .find(|s| s.template() == Some(template));
                // A letter sent by hand counts as the first notice; an ordinary email does not.
                done.extend(step.or((a.channel == Channel::Letter).then_some(Step::FirstNotice)));
            }
        }
        let facts = LadderFacts {
            days_past_due: days_past_due(oldest, today),
            balance: v.open_balance,
            done,
            disputed: v.disputes.iter().any(|d| d.status == "open"),
            on_hold: !v.holds.is_empty(),
            pending_promise: v.promises.iter().filter(|p| p.status == PromiseStatus::Pending).map(|p| p.due_on).min(),
            active_plan: v.plans.iter().any(|p| p.status == "active"),
            referred: v.legal_cases.iter().any(|c| c.status != "closed"),
        };
        recommend(&facts, &self.config.ladder)
    }
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
}
