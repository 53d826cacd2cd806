//! One action on many accounts (the desk's selection): hold, follow-up or note, all in one
//! transaction, so a refusal on one account leaves every account as it was.

use chrono::NaiveDate;

use super::{Desk, DeskError, NewNote, Result, Saved};

#[derive(Debug, Clone)]
pub enum BulkAction {
    Hold { reason: String, until: Option<NaiveDate> },
    FollowUp { due_on: NaiveDate, what: String },
    Note { body: String },
}

impl Desk {
    pub fn bulk(&mut self, debtor_ids: &[i64], action: &BulkAction) -> Result<Saved> {
        if debtor_ids.is_empty() {
            return Err(DeskError::invalid("selection", "no account is selected"));
        }
        let done = self.batch(|desk| {
            for &id in debtor_ids {
                let saved = match action {
                    BulkAction::Hold { reason, until } => desk.place_hold(id, reason, *until),
                    BulkAction::FollowUp { due_on, what } => desk.schedule_follow_up(id, *due_on, what),
                    BulkAction::Note { body } => desk.add_note(NewNote { debtor_id: id, body: body.clone() }),
                };
                // Name the account a refusal is about: the whole batch is undone because of it.
                saved.map_err(|e| DeskError::invalid("selection", format!("account #{id}: {e}; nothing was saved")))?;
            }
            Ok(debtor_ids.len())
        })?;
        let what = match action {
            BulkAction::Hold { .. } => "Hold placed on",
            BulkAction::FollowUp { due_on, .. } => &format!("Follow-up on {due_on} for"),
            BulkAction::Note { .. } => "Note added to",
        };
        Ok(Saved { debtor_id: debtor_ids[0], id: 0, message: format!("{what} {done} accounts") })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn a_bulk_action_lands_on_every_account_or_on_none() {
        let mut desk = demo_desk(30);
        let saved = desk.bulk(&[3, 4, 5], &BulkAction::Note { body: "sent to the agency list".into() }).unwrap();
        assert_eq!(saved.message, "Note added to 3 accounts");
        for id in [3, 4, 5] {
            assert!(desk.account(id).unwrap().notes.iter().any(|n| n.body == "sent to the agency list"));
        }
        let holds_before: usize = (1..=30).map(|id| desk.account(id).unwrap().holds.len()).sum();
        // The second account does not exist: the first one's hold is rolled back too.
        let err = desk.bulk(&[6, 999_999, 7], &BulkAction::Hold { reason: "review".into(), until: None }).unwrap_err();
        assert!(err.to_string().contains("account #999999") && err.to_string().contains("nothing was saved"), "{err}");
        let holds_after: usize = (1..=30).map(|id| desk.account(id).unwrap().holds.len()).sum();
        assert_eq!(holds_after, holds_before);
        // The desk writes normally again afterwards.
        desk.bulk(&[6, 7], &BulkAction::FollowUp { due_on: today(), what: "call".into() }).unwrap();
        assert_eq!(desk.account(7).unwrap().follow_ups[0].due_on, today());
    }
}
