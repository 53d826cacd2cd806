//! The collector's calendar: follow-ups, promises and installments due, as iCalendar.

use chrono::NaiveDate;

use super::{Desk, Result};
use crate::domain::calendar::{CalendarEntry, to_ics};
use crate::store::{self, DueKind};

impl Desk {
    /// Every open follow-up, pending promise and installment due from `from` on, as an
    /// iCalendar document, and how many events it holds.
    pub fn calendar(&self, from: NaiveDate) -> Result<(String, usize)> {
        let cancelled = self.cancelled_installments()?;
        let entries: Vec<CalendarEntry> = store::due_items(&self.conn, Some(from), None)?
            .into_iter()
            .filter(|item| item.kind != DueKind::HoldEnds)
            // A broken plan's installments after the break no longer fall due.
            .filter(|item| item.kind != DueKind::Installment || !cancelled.contains(&item.id))
            .map(|item| {
                let amount = item.amount.map(|m| m.display(&item.currency)).unwrap_or_default();
                let (prefix, summary) = match item.kind {
                    DueKind::FollowUp => ("follow-up", format!("Follow up: {}", item.debtor_name)),
                    DueKind::Promise => ("promise", format!("Promise due: {} {amount}", item.debtor_name)),
                    DueKind::Installment | DueKind::HoldEnds => {
                        ("installment", format!("Installment {} due: {} {amount}", item.detail, item.debtor_name))
                    }
                };
                let mut description = format!("Account {} in dun (dun show {}).", item.debtor_id, item.debtor_id);
                if item.kind == DueKind::FollowUp && !item.detail.is_empty() {
                    description = format!("{}\n{description}", item.detail);
                }
                CalendarEntry { uid: format!("{prefix}-{}@dun", item.id), on: item.due_on, summary, description }
            })
            .collect();
        Ok((to_ics(&entries, self.clock.now()), entries.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_demo_calendar_holds_follow_ups_promises_and_installments() {
        let desk = demo_desk(60);
        let (ics, events) = desk.calendar(today()).unwrap();
        assert!(events > 0);
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), events);
        assert!(ics.contains("SUMMARY:Follow up: "), "{ics}");
        assert!(ics.contains("SUMMARY:Promise due: "), "{ics}");
        assert!(ics.contains("SUMMARY:Installment "), "{ics}");
        // Nothing before the day asked for.
        for line in ics.lines().filter(|l| l.starts_with("DTSTART")) {
            assert!(line["DTSTART;VALUE=DATE:".len()..] >= *"20261122", "{line}");
        }
        // Exporting again gives the same events (stable UIDs), so a calendar updates in place.
        assert_eq!(desk.calendar(today()).unwrap().0, ics);
    }
}
