//! Terms on one invoice: a hold sets it aside (it stays owed but leaves collection) until a
//! date; an extension moves its due date, with the reason. Both end by themselves: the hold
//! on its date, the extension when the new due date passes.

use chrono::NaiveDate;
use serde_json::json;

use super::arrangements::append;
use super::{Desk, DeskError, Result, Saved};
use crate::domain::Invoice;
use crate::store::{self, Extension, NewEvent};

impl Desk {
    fn open_invoice(&self, debtor_id: i64, number: &str) -> Result<Invoice> {
        let number = number.trim();
        store::invoices_of(&self.conn, debtor_id)?
            .into_iter()
            .find(|i| i.number.eq_ignore_ascii_case(number) && i.status == "open")
            .ok_or_else(|| DeskError::invalid("invoice", format!("this account has no open invoice {number}")))
    }

    pub fn hold_invoice(
        &mut self,
        debtor_id: i64,
        number: &str,
        reason: &str,
        until: Option<NaiveDate>,
    ) -> Result<Saved> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(DeskError::invalid("reason", "a hold needs a reason"));
        }
        let today = self.today();
        if let Some(u) = until.filter(|u| *u < today) {
            return Err(DeskError::invalid("until", format!("{u} is in the past")));
        }
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        let invoice = self.open_invoice(debtor_id, number)?;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_invoice_hold(tx, debtor_id, invoice.id, &reason, (today, until), now)?;
            let after = json!({"until": until, "invoice": invoice.number});
            append(tx, now, &config.collector, "hold-placed", debtor_id, "hold", id, after)?;
            let end = until.map(|u| format!(" until {u}")).unwrap_or_default();
            Ok(Saved { debtor_id, id, message: format!("Invoice {} set aside{end}: {reason}", invoice.number) })
        })
    }

    /// Move an open invoice's due date later, with the reason.
    pub fn extend_invoice(&mut self, debtor_id: i64, number: &str, to: NaiveDate, reason: &str) -> Result<Saved> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(DeskError::invalid("reason", "an extension needs a reason"));
        }
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        let invoice = self.open_invoice(debtor_id, number)?;
        if to <= invoice.due_on {
            return Err(DeskError::invalid(
                "to",
                format!("{to} is not later than the invoice's due date {}", invoice.due_on),
            ));
        }
        self.write(|tx, clock, config| {
            let now = clock.now();
            let e = Extension {
                id: 0,
                invoice_id: invoice.id,
                from_due_on: invoice.due_on,
                to_due_on: to,
                reason: reason.clone(),
            };
            let id = store::insert_extension(tx, debtor_id, &e, now)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "due-date-extended",
                    debtor_id: Some(debtor_id),
                    entity: "invoice",
                    entity_id: Some(invoice.id),
                    before: Some(json!({"due_on": invoice.due_on})),
                    after: Some(json!({"due_on": to, "reason": reason, "extension": id})),
                },
            )?;
            Ok(Saved {
                debtor_id,
                id,
                message: format!("Invoice {} now due {to} (was {}): {reason}", invoice.number, invoice.due_on),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use chrono::Days;

    fn past_due_invoice(desk: &Desk) -> (i64, Invoice) {
        (1..=60)
            .find_map(|id| {
                let v = desk.account(id).ok()?;
                let i = v.invoices.into_iter().find(|i| i.status == "open" && i.due_on < today() && !i.disputed)?;
                Some((id, i))
            })
            .unwrap()
    }

    #[test]
    fn a_held_invoice_leaves_the_worklist_figures_until_the_hold_ends() {
        let mut desk = demo_desk(60);
        let (id, invoice) = past_due_invoice(&desk);
        let before = desk.worklist().unwrap().into_iter().find(|r| r.id == id).unwrap();
        let until = today() + Days::new(10);
        desk.hold_invoice(id, &invoice.number, "customer checking the delivery", Some(until)).unwrap();
        let after = desk.worklist().unwrap().into_iter().find(|r| r.id == id).unwrap();
        assert!(after.facts.dollar_days_cents < before.facts.dollar_days_cents, "the held invoice no longer counts");
        assert_eq!(after.balance, before.balance, "it is still owed");
        assert!(after.reason.ends_with(&format!("1 invoice(s) set aside until {until}")), "{}", after.reason);
        // Eleven days on, the hold has ended by itself.
        desk.set_clock(crate::clock::Clock::fixed(until + Days::new(1)));
        let back = desk.worklist().unwrap().into_iter().find(|r| r.id == id).unwrap();
        assert!(back.facts.dollar_days_cents >= before.facts.dollar_days_cents);
        assert!(desk.hold_invoice(id, "NOPE-1", "x", None).is_err());
    }

    #[test]
    fn an_extension_moves_the_due_date_later_with_its_reason() {
        let mut desk = demo_desk(60);
        let (id, invoice) = past_due_invoice(&desk);
        let to = today() + Days::new(30);
        let saved = desk.extend_invoice(id, &invoice.number, to, "cash-flow gap, agreed by phone").unwrap();
        assert!(saved.message.contains(&format!("now due {to}")), "{}", saved.message);
        let row = desk.worklist().unwrap().into_iter().find(|r| r.id == id).unwrap();
        assert!(row.reason.contains(&format!("due date extended to {to}")), "{}", row.reason);
        let view = desk.account(id).unwrap();
        assert_eq!(view.invoices.iter().find(|i| i.id == invoice.id).unwrap().due_on, to);
        assert_eq!(view.extensions[0].from_due_on, invoice.due_on);
        let err = desk.extend_invoice(id, &invoice.number, to - Days::new(1), "sooner").unwrap_err();
        assert!(err.to_string().contains("not later"), "{err}");
        assert!(desk.extend_invoice(id, &invoice.number, to + Days::new(5), " ").is_err());
        // Undo puts the due date back; redo moves it again.
        assert!(desk.undo().unwrap().message.contains("extension of a due date"));
        let due = |desk: &Desk| desk.account(id).unwrap().invoices.iter().find(|i| i.id == invoice.id).unwrap().due_on;
        assert_eq!(due(&desk), invoice.due_on);
        assert!(desk.account(id).unwrap().extensions.is_empty());
        desk.redo().unwrap();
        assert_eq!(due(&desk), to);
    }
}
