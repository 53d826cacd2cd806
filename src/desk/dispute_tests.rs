//! A dispute on an amount, through the desk: only the disputed part leaves collection, takes no
//! payment and is credited when upheld; the rest is collected as before.

use super::super::report_book::{Book, d};
use super::super::{DeskError, RecordPayment};
use crate::domain::compliance::Level;
use crate::domain::priority::dollar_days_cents;
use crate::domain::{Channel, Money};

/// Acme owes A1 (450.00, due 1 Sep) and A2 (300.00, due 15 Oct); today is 22 Nov.
fn acme_book() -> (Book, i64) {
    let mut b = Book::new("2026-11-22");
    let acme = b.debtor("Acme Hardware");
    b.invoice(acme, "A1", "2026-08-01", "2026-09-01", 45_000);
    b.invoice(acme, "A2", "2026-09-15", "2026-10-15", 30_000);
    (b, acme)
}

fn invalid(r: super::Result<super::Saved>) -> String {
    match r {
        Err(DeskError::Invalid { field, reason }) => format!("{field}: {reason}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn pay(b: &mut Book, debtor_id: i64, cents: i64, invoice: Option<&str>) -> super::Result<super::Saved> {
    b.desk.record_payment(RecordPayment {
        debtor_id,
        amount: Money(cents),
        received_on: None,
        method: "check".into(),
        reference: String::new(),
        invoice: invoice.map(str::to_string),
    })
}

fn a1(b: &Book, debtor_id: i64) -> crate::domain::Invoice {
    b.desk.account(debtor_id).unwrap().invoices.into_iter().find(|i| i.number == "A1").unwrap()
}

#[test]
fn an_amount_must_fit_its_invoice_and_name_it_when_there_are_several() {
    let (mut b, acme) = acme_book();
    let why = invalid(b.desk.open_dispute(acme, None, Some(Money(12_000)), "short delivery"));
    assert_eq!(
        why,
        "invoice: this account has 2 open invoices (A1, A2): say which one the amount is disputed on, \
         or leave the amount out to dispute the whole account"
    );
    let why = invalid(b.desk.open_dispute(acme, Some("A1"), Some(Money(45_001)), "short delivery"));
    assert_eq!(why, "amount: $450.01 is more than invoice A1's open balance $450.00");
    let why = invalid(b.desk.open_dispute(acme, Some("A1"), Some(Money::ZERO), "short delivery"));
    assert_eq!(why, "amount: the amount disputed must be more than zero");
    assert!(b.desk.account(acme).unwrap().disputes.is_empty(), "nothing refused was written");

    let saved = b.desk.open_dispute(acme, Some("a1"), Some(Money(12_000)), "short delivery").unwrap();
    assert_eq!(saved.message, "Dispute opened on $120.00 of invoice A1 ($450.00 open): collection of it pauses");
    let why = invalid(b.desk.open_dispute(acme, Some("A1"), Some(Money(1_000)), "and more"));
    assert_eq!(why, format!("dispute: this is already in dispute (#{}): resolve that one first", saved.id));

    // With one open invoice, the amount is on that one.
    let mut b = Book::new("2026-11-22");
    let solo = b.debtor("Solo Ltd");
    b.invoice(solo, "S1", "2026-09-01", "2026-10-01", 20_000);
    let saved = b.desk.open_dispute(solo, None, Some(Money(5_000)), "price").unwrap();
    assert!(saved.message.contains("$50.00 of invoice S1"), "{}", saved.message);
    let view = b.desk.account(solo).unwrap();
    assert_eq!(view.disputes[0].invoice_id, Some(view.invoices[0].id));
    assert_eq!(view.disputes[0].amount, Some(Money(5_000)));
}

#[test]
fn only_the_disputed_amount_leaves_collection() {
    let (mut b, acme) = acme_book();
    let today = b.desk.today();
    let before = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(before.facts.past_due, Money(75_000));
    b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();

    // Still owed, still on the worklist, ranked on what is left to collect.
    let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(row.balance, Money(75_000), "a disputed amount is still owed");
    assert_eq!(row.facts.past_due, Money(63_000));
    let expected = dollar_days_cents([(d("2026-09-01"), Money(33_000)), (d("2026-10-15"), Money(30_000))], today, 365);
    assert_eq!(row.facts.dollar_days_cents, expected);
    assert_eq!(row.days_past_due, 82, "A1's undisputed part is still the oldest in collection");

    let view = b.desk.account(acme).unwrap();
    let a1 = view.invoices.iter().find(|i| i.number == "A1").unwrap();
    assert_eq!((a1.disputed_amount, a1.in_collection()), (Money(12_000), Money(33_000)));
    assert_eq!(a1.dispute_label().as_deref(), Some("disputed $120.00 of $450.00"));
    assert!(view.flag_labels().contains(&"disputed $120.00 of $750.00".to_string()), "{:?}", view.flag_labels());

    // The guard warns to collect only the rest; it does not block the call.
    let answer = b.desk.check_contact(acme, Channel::CallOut, None).unwrap();
    let disp = answer.findings.iter().find(|f| f.rule == "F-DISP").expect("an F-DISP finding");
    assert_eq!(disp.level, Level::Warn);
    assert_eq!(
        disp.message,
        "$120.00 of $750.00 is disputed: collect only the undisputed $630.00 until it is resolved"
    );

    // A whole-invoice dispute on A2 as well: A1's undisputed 330.00 is all that is left to collect.
    b.desk.open_dispute(acme, Some("A2"), None, "never delivered").unwrap();
    let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(row.facts.past_due, Money(33_000));
    // The disputes report counts what each one held back: the amount, and all of A2.
    let report = b.desk.dispute_report(d("2026-11-01"), d("2026-11-30")).unwrap();
    assert_eq!((report.total.disputes, report.total.amount), (2, Money(42_000)));
}

#[test]
fn payments_never_go_to_the_disputed_amount() {
    let (mut b, acme) = acme_book();
    b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    // Directed to A1: only its undisputed 330.00; the rest waits unapplied.
    let saved = pay(&mut b, acme, 40_000, Some("A1")).unwrap();
    assert!(saved.message.ends_with("applied to 1 invoice(s), $70.00 unapplied"), "{}", saved.message);
    let a1 = a1(&b, acme);
    assert_eq!((a1.balance, a1.disputed_amount, a1.in_collection()), (Money(12_000), Money(12_000), Money::ZERO));
    // Now all that is left of A1 is disputed: a payment named for it is refused, an undirected one goes to A2.
    let why = invalid(pay(&mut b, acme, 1_000, Some("A1")));
    assert_eq!(why, "invoice: invoice A1 is not open for payment (paid, closed or disputed)");
    pay(&mut b, acme, 30_000, None).unwrap();
    let view = b.desk.account(acme).unwrap();
    assert_eq!(view.open_balance, Money(12_000));
    let answer = b.desk.check_contact(acme, Channel::CallOut, None).unwrap();
    let disp = answer.findings.iter().find(|f| f.rule == "F-DISP").unwrap();
    assert_eq!(disp.message, "the whole balance is disputed and awaits verification");
}

#[test]
fn upheld_credits_only_the_amount_and_rejected_puts_it_back_in_collection() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    let saved = b.desk.resolve_dispute_by_id(opened.id, true, "two boxes missing").unwrap();
    assert_eq!(saved.message, "Dispute upheld: the invoice was credited $120.00");
    let view = b.desk.account(acme).unwrap();
    let a1 = view.invoices.iter().find(|i| i.number == "A1").unwrap();
    assert_eq!((a1.balance, a1.status.as_str(), a1.disputed), (Money(33_000), "open", false));
    let credit = view.payments.iter().find(|p| p.kind == "credit").unwrap();
    assert_eq!((credit.amount, credit.allocations[0].amount), (Money(12_000), Money(12_000)));
    assert_eq!(view.open_balance, Money(63_000));
    let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(row.facts.past_due, Money(63_000));

    let opened = b.desk.open_dispute(acme, Some("A2"), Some(Money(5_000)), "price").unwrap();
    assert_eq!(b.desk.worklist().unwrap().iter().find(|r| r.id == acme).unwrap().facts.past_due, Money(58_000));
    let saved = b.desk.resolve_dispute_by_id(opened.id, false, "price agreed in writing").unwrap();
    assert_eq!(saved.message, "Dispute rejected: back in collection");
    assert_eq!(b.desk.worklist().unwrap().iter().find(|r| r.id == acme).unwrap().facts.past_due, Money(63_000));
    assert_eq!(b.desk.account(acme).unwrap().open_balance, Money(63_000), "nothing credited");
}

#[test]
fn upheld_after_a_payment_credits_no_more_than_is_owed() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    pay(&mut b, acme, 33_000, Some("A1")).unwrap();
    b.desk.resolve_dispute_by_id(opened.id, true, "agreed").unwrap();
    let a1 = a1(&b, acme);
    assert_eq!((a1.balance, a1.status.as_str()), (Money::ZERO, "paid"));
}

#[test]
fn a_settlement_leaves_the_disputed_amount_to_its_resolution() {
    let (mut b, acme) = acme_book();
    b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    let saved = b.desk.settle(acme, Money(50_000), None, "").unwrap();
    assert!(saved.message.ends_with("$130.00 written off as the settlement's remainder"), "{}", saved.message);
    let a1 = a1(&b, acme);
    assert_eq!((a1.balance, a1.disputed_amount), (Money(12_000), Money(12_000)));
    // More than the undisputed 630.00 is a payment, not a settlement.
    let (mut b, id) = acme_book();
    b.desk.open_dispute(id, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    assert!(b.desk.settle(id, Money(63_001), None, "").is_err());
}

#[test]
fn opening_a_partial_dispute_is_undone_and_redone() {
    let (mut b, acme) = acme_book();
    b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    assert_eq!(b.desk.undo_preview().as_deref(), Some("dispute of $120.00 on invoice A1 (Acme Hardware)"));
    let undone = b.desk.undo().unwrap();
    assert!(undone.message.starts_with("Undid: dispute of $120.00 on invoice A1"), "{}", undone.message);
    let a = a1(&b, acme);
    assert_eq!((a.disputed, a.disputed_amount), (false, Money::ZERO));
    assert_eq!(b.desk.account(acme).unwrap().disputes[0].status, "withdrawn");
    b.desk.redo().unwrap();
    let a = a1(&b, acme);
    assert_eq!((a.disputed, a.disputed_amount), (true, Money(12_000)));
}

#[test]
fn a_whole_account_dispute_holds_back_every_invoice_it_is_on_and_upheld_credits_them() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, None, None, "not ours").unwrap();
    // No undisputed invoice to go to: the money is recorded and waits unapplied.
    let saved = pay(&mut b, acme, 10_000, None).unwrap();
    assert!(saved.message.ends_with("applied to 0 invoice(s), $100.00 unapplied"), "{}", saved.message);
    let view = b.desk.account(acme).unwrap();
    assert_eq!(view.open_balance, Money(75_000));
    assert!(view.invoices.iter().all(|i| i.disputed && i.in_collection() == Money::ZERO), "{:?}", view.invoices);
    let why = invalid(pay(&mut b, acme, 1_000, Some("A2")));
    assert_eq!(why, "invoice: invoice A2 is not open for payment (paid, closed or disputed)");
    let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(row.facts.past_due, Money::ZERO, "nothing of it is in collection");

    // An invoice issued after the dispute is new business: it is collected, and paid.
    b.set_today("2026-11-25");
    b.invoice(acme, "A3", "2026-11-24", "2026-12-24", 20_000);
    let saved = pay(&mut b, acme, 5_000, None).unwrap();
    assert!(saved.message.ends_with("applied to 1 invoice(s)"), "{}", saved.message);

    let saved = b.desk.resolve_dispute_by_id(opened.id, true, "goods never ordered").unwrap();
    assert_eq!(saved.message, "Dispute upheld: credited $750.00 on 2 invoices");
    let view = b.desk.account(acme).unwrap();
    assert_eq!(view.open_balance, Money(15_000), "A3's 200.00 less the 50.00 paid");
    let credit = view.payments.iter().find(|p| p.kind == "credit").unwrap();
    assert_eq!((credit.amount, credit.method.as_str(), credit.allocations.len()), (Money(75_000), "dispute upheld", 2));
    assert!(view.invoices.iter().filter(|i| i.number != "A3").all(|i| i.status == "paid"));
}

#[test]
fn a_rejected_whole_account_dispute_puts_every_invoice_back_in_collection() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, None, None, "not ours").unwrap();
    let saved = b.desk.resolve_dispute_by_id(opened.id, false, "signed delivery notes").unwrap();
    assert!(saved.message.starts_with("Dispute rejected: back in collection"), "{}", saved.message);
    let view = b.desk.account(acme).unwrap();
    assert_eq!(view.open_balance, Money(75_000), "nothing credited");
    assert!(view.invoices.iter().all(|i| !i.disputed && i.in_collection() == i.balance));
    let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
    assert_eq!(row.facts.past_due, Money(75_000));
}

#[test]
fn a_write_off_leaves_the_disputed_amount_to_its_resolution() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    let saved = b.desk.write_off(acme, Some("A1"), "uncollectible").unwrap();
    assert_eq!(saved.message, "Wrote off $330.00 (uncollectible); the disputed $120.00 is left to its dispute");
    let a = a1(&b, acme);
    assert_eq!((a.balance, a.disputed_amount, a.status.as_str()), (Money(12_000), Money(12_000), "open"));
    // Nothing undisputed is left on A1: refused, and nothing written.
    let why = invalid(b.desk.write_off(acme, Some("A1"), "uncollectible"));
    assert!(why.starts_with("invoice: all of it ($120.00) is in dispute"), "{why}");
    // The dispute still has its 120.00 to resolve: upheld credits it.
    let saved = b.desk.resolve_dispute_by_id(opened.id, true, "agreed").unwrap();
    assert_eq!(saved.message, "Dispute upheld: the invoice was credited $120.00");
    assert_eq!(a1(&b, acme).status, "paid");
    // The whole account: A2 in full, nothing of a whole-account dispute.
    let saved = b.desk.write_off(acme, None, "small-balance").unwrap();
    assert_eq!(saved.message, "Wrote off $300.00 (small-balance)");
}

#[test]
fn money_that_waited_unapplied_pays_the_invoices_a_rejected_dispute_frees() {
    let (mut b, acme) = acme_book();
    let opened = b.desk.open_dispute(acme, Some("A1"), None, "never delivered").unwrap();
    let saved = pay(&mut b, acme, 50_000, None).unwrap();
    assert!(saved.message.ends_with("applied to 1 invoice(s), $200.00 unapplied"), "{}", saved.message);
    let saved = b.desk.resolve_dispute_by_id(opened.id, false, "delivery note signed").unwrap();
    assert_eq!(
        saved.message,
        "Dispute rejected: back in collection; $200.00 of unapplied payments applied to 1 invoice(s)"
    );
    let view = b.desk.account(acme).unwrap();
    assert_eq!(view.open_balance, Money(25_000));
    assert_eq!(a1(&b, acme).balance, Money(25_000));
    let payment = view.payments.iter().find(|p| p.kind == "payment").unwrap();
    assert_eq!((payment.unapplied, payment.allocations.len()), (Money::ZERO, 2));
    // Undoing the payment still takes back all of it, what the rejection applied included.
    let reversed = b.desk.reverse_payment(payment.id, "returned NSF").unwrap();
    assert!(reversed.message.contains("open again"), "{}", reversed.message);
    assert_eq!(b.desk.account(acme).unwrap().open_balance, Money(75_000));
}

#[test]
fn a_partial_dispute_pauses_the_ladder_only_for_what_it_holds_back() {
    let (mut b, acme) = acme_book();
    let ladder = |b: &Book| {
        let view = b.desk.account(acme).unwrap();
        let row = b.desk.worklist().unwrap().into_iter().find(|r| r.id == acme).unwrap();
        assert_eq!(b.desk.next_step_of_row(&row).unwrap(), view.next_step, "the row and the account agree");
        view.next_step
    };
    let before = ladder(&b);
    assert!(before.step.is_some(), "{}", before.reason);
    b.desk.open_dispute(acme, Some("A1"), Some(Money(12_000)), "short delivery").unwrap();
    assert_eq!(ladder(&b), before, "the undisputed 630.00 is still demanded");
    // All of A1 disputed: A2 (due 15 Oct, 38 days) is what the ladder works.
    let mut b2 = acme_book();
    b2.0.desk.open_dispute(b2.1, Some("A1"), None, "never delivered").unwrap();
    let view = b2.0.desk.account(b2.1).unwrap();
    assert!(view.next_step.reason.starts_with("38 days past due"), "{}", view.next_step.reason);
    // Everything disputed: the ladder waits.
    b.desk.open_dispute(acme, None, None, "not ours").unwrap();
    assert_eq!(ladder(&b).reason, "disputed: no demand until the dispute is resolved");
}
