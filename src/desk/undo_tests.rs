//! Undo and redo, kind by kind, on the demo desk.

use super::super::testing::*;
use super::super::{LegalChange, LogAttempt, NewNote, NewPoint};
use super::*;
use crate::clock::Clock;
use crate::domain::ContactKind;
use crate::domain::plan::{Frequency, PlanTerms, Split};

/// What the collector sees of an account, less what an undo leaves behind on purpose
/// (cancelled promises, withdrawn disputes, cancelled plans, payments and their reversals,
/// do-not-use points) and what the guard and the ladder derive.
fn seen(desk: &Desk, id: i64) -> Value {
    let mut v = serde_json::to_value(desk.account(id).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in ["payments", "call_check", "next_step"] {
        o.remove(k);
    }
    let keep = |o: &mut Map<String, Value>, k: &str, drop: &dyn Fn(&Value) -> bool| {
        let list: Vec<Value> = o[k].as_array().unwrap().iter().filter(|x| !drop(x)).cloned().collect();
        o.insert(k.into(), Value::Array(list));
    };
    keep(o, "promises", &|p| p["status"] == "cancelled");
    keep(o, "disputes", &|d| d["status"] == "withdrawn");
    keep(o, "plans", &|p| p["status"] == "cancelled");
    keep(o, "contact_points", &|c| c["status"] == "do-not-use");
    o.insert("restrictions".into(), json!(store::active_restrictions(desk.connection(), id).unwrap()));
    v
}

/// Do `act`, undo it, redo it: each step shows exactly what it should, and the log holds.
fn round_trip(desk: &mut Desk, id: i64, expect: &str, act: impl FnOnce(&mut Desk) -> Saved) {
    let before = seen(desk, id);
    act(desk);
    let done = seen(desk, id);
    assert_ne!(before, done, "{expect}: the action changed nothing to undo");
    let preview = desk.undo_preview().unwrap_or_default();
    assert!(preview.starts_with(expect), "{expect}: {preview}");
    let undone = desk.undo().unwrap();
    assert!(undone.message.starts_with(&format!("Undid: {expect}")), "{}", undone.message);
    assert_eq!(undone.debtor_id, id);
    assert_eq!(seen(desk, id), before, "undo of {expect} restores the account");
    let preview = desk.redo_preview().unwrap_or_default();
    assert!(preview.starts_with(expect), "{expect}: {preview}");
    let redone = desk.redo().unwrap();
    assert!(redone.message.starts_with(&format!("Redid: {expect}")), "{}", redone.message);
    assert_eq!(seen(desk, id), done, "redo of {expect} restores the action");
    assert_eq!(store::verify_event_chain(desk.connection()).unwrap(), None);
}

fn refusal(r: Result<Saved>) -> String {
    match r {
        Err(DeskError::Refused(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn call(id: i64, code: &str) -> LogAttempt {
    LogAttempt {
        debtor_id: id,
        channel: Channel::CallOut,
        outcome: code.into(),
        note: String::new(),
        follow_up_on: None,
        call_at: None,
        at: None,
        override_reason: None,
        promise: None,
    }
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

#[test]
fn nothing_to_undo_and_the_demo_book_is_not_undone() {
    let mut empty = Desk::in_memory(Clock::fixed(today()), crate::config::Config::default()).unwrap();
    assert_eq!(refusal(empty.undo()), "nothing to undo: the book's log is empty");
    assert_eq!(refusal(empty.redo()), "nothing to redo: nothing was undone");
    let mut desk = demo_desk(3);
    assert_eq!(desk.undo_preview(), None);
    let why = refusal(desk.undo());
    assert!(why.starts_with("the last action (demo book created) cannot be undone"), "{why}");
}

#[test]
fn arrangements_undo_and_redo() {
    let mut desk = demo_desk(30);
    let id = desk.worklist().unwrap()[0].id;
    let name = desk.account(id).unwrap().debtor.name;
    round_trip(&mut desk, id, "follow-up on 2026-11-29: call back", |d| {
        d.schedule_follow_up(id, day("2026-11-29"), "call back").unwrap()
    });
    round_trip(&mut desk, id, "note \"said he would mail a check\"", |d| {
        d.add_note(NewNote { debtor_id: id, body: "said he would mail a check".into() }).unwrap()
    });
    round_trip(&mut desk, id, "hold until 2026-12-15: in hospital", |d| {
        d.place_hold(id, "in hospital", Some(day("2026-12-15"))).unwrap()
    });
    round_trip(&mut desk, id, "release of 1 hold(s)", |d| d.release_holds(id).unwrap());
    let expect = format!("promise of $150.00 by 2026-11-27 ({name})");
    round_trip(&mut desk, id, &expect, |d| d.make_promise(id, Money(15_000), day("2026-11-27")).unwrap());
    // The plan before the dispute: a wholly disputed account takes no plan.
    let terms = PlanTerms {
        total: Money(30_000),
        down_payment: Money::ZERO,
        split: Split::Count(3),
        frequency: Frequency::Monthly,
        start: today(),
        first_due: day("2026-12-01"),
        grace_days: None,
    };
    round_trip(&mut desk, id, "plan of $300.00 in 3 payment(s)", |d| d.make_plan(id, &terms).unwrap());
    round_trip(&mut desk, id, "dispute on the whole account", |d| {
        d.open_dispute(id, None, None, "never ordered").unwrap()
    });
    round_trip(&mut desk, id, "do-not-call set", |d| d.set_flag(id, "do-not-call", true, "asked").unwrap());
    round_trip(&mut desk, id, "do-not-call cleared", |d| d.set_flag(id, "do-not-call", false, "revoked").unwrap());
    round_trip(&mut desk, id, "restriction: time 12:00-13:30", |d| {
        d.add_restriction(id, "time", "12:00-13:30", "consumer-oral").unwrap()
    });
    round_trip(&mut desk, id, "revocation of 1 restriction(s)", |d| d.revoke_restrictions(id).unwrap());
}

#[test]
fn contact_points_flags_profile_and_legal_undo_and_redo() {
    let mut desk = demo_desk(30);
    let id = (1..=30).find(|id| desk.account(*id).unwrap().legal_cases.is_empty()).unwrap();
    let point = NewPoint {
        kind: ContactKind::Phone,
        value: "(312) 555-0199".into(),
        label: "mobile".into(),
        status: ContactStatus::Unverified,
        source: "skip-trace".into(),
    };
    let mut added = 0;
    round_trip(&mut desk, id, "phone #", |d| {
        let s = d.add_contact_point(id, point).unwrap();
        added = s.id;
        s
    });
    round_trip(&mut desk, id, &format!("#{added} marked bad (was unverified)"), |d| {
        d.mark_contact_point(id, added, ContactStatus::Bad, "disconnected").unwrap()
    });
    // Undone, the added point is do-not-use, and its history says so.
    desk.undo().unwrap();
    desk.undo().unwrap();
    assert_eq!(
        desk.account(id).unwrap().contact_points.iter().find(|c| c.id == added).unwrap().status,
        ContactStatus::DoNotUse
    );
    let history: Vec<(String, Option<String>, String)> = desk
        .contact_point_history(id)
        .unwrap()
        .into_iter()
        .filter(|h| h.point_id == added)
        .map(|h| (h.what, h.from, h.to))
        .collect();
    assert_eq!(history.last().unwrap(), &("undone".to_string(), Some("unverified".into()), "do-not-use".into()));
    desk.redo().unwrap();
    desk.redo().unwrap();
    assert_eq!(
        desk.account(id).unwrap().contact_points.iter().find(|c| c.id == added).unwrap().status,
        ContactStatus::Bad
    );

    round_trip(&mut desk, id, "rule profile change", |d| {
        d.set_profile(id, Some("commercial"), Some("first-party"), Some(false), "contract").unwrap();
        Saved { debtor_id: id, id, message: String::new() }
    });
    round_trip(&mut desk, id, "legal case opened (referred)", |d| {
        d.legal_case(id, LegalChange { attorney: Some("Lee & Park LLP".into()), ..Default::default() }).unwrap()
    });
    round_trip(&mut desk, id, "legal case update (filed)", |d| {
        d.legal_case(
            id,
            LegalChange {
                status: Some("filed".into()),
                add_cost: Some(Money(7_500)),
                next_court_on: Some(day("2026-12-14")),
                ..Default::default()
            },
        )
        .unwrap()
    });
}

#[test]
fn a_payment_is_reversed_and_recorded_again() {
    let mut desk = demo_desk(30);
    let row = desk.worklist().unwrap().into_iter().find(|r| r.balance.cents() > 20_000).unwrap();
    let before = desk.account(row.id).unwrap();
    let pay = RecordPayment {
        debtor_id: row.id,
        amount: Money(10_000),
        received_on: Some(day("2026-11-20")),
        method: "check".into(),
        reference: "1042".into(),
        invoice: None,
    };
    let first = desk.record_payment(pay).unwrap();
    let paid = desk.account(row.id).unwrap();
    assert_eq!(paid.open_balance, before.open_balance - Money(10_000));
    let undone = desk.undo().unwrap();
    assert_eq!(undone.message, format!("Undid: payment of $100.00 received 2026-11-20 ({})", before.debtor.name));
    let view = desk.account(row.id).unwrap();
    assert_eq!(view.open_balance, before.open_balance);
    assert_eq!(view.invoices, before.invoices);
    let reversal = view.payments.iter().find(|p| p.kind == "reversal").unwrap();
    assert_eq!((reversal.amount, reversal.received_on), (Money(-10_000), day("2026-11-20")));
    assert!(store::payment_facts(desk.connection(), first.id).unwrap().unwrap().3);

    let redone = desk.redo().unwrap();
    assert_ne!(redone.id, first.id, "recorded again as a new payment");
    let again = desk.account(row.id).unwrap();
    assert_eq!(again.open_balance, paid.open_balance);
    assert_eq!(again.invoices, paid.invoices);
    let copy = again.payments.iter().find(|p| p.id == redone.id).unwrap();
    assert_eq!((copy.amount, copy.reference.as_str(), copy.received_on), (Money(10_000), "1042", day("2026-11-20")));
    // Undoing the redone payment reverses the new row.
    desk.undo().unwrap();
    assert_eq!(desk.account(row.id).unwrap().open_balance, before.open_balance);
    assert!(store::payment_facts(desk.connection(), redone.id).unwrap().unwrap().3);
    assert_eq!(store::verify_event_chain(desk.connection()).unwrap(), None);
}

#[test]
fn a_payment_that_kept_a_promise_leaves_it_pending_again() {
    let mut desk = demo_desk(30);
    let row = desk.worklist().unwrap().into_iter().find(|r| r.balance.cents() > 20_000).unwrap();
    desk.make_promise(row.id, Money(5_000), day("2026-11-25")).unwrap();
    let saved = desk
        .record_payment(RecordPayment {
            debtor_id: row.id,
            amount: Money(5_000),
            received_on: None,
            method: "ach".into(),
            reference: String::new(),
            invoice: None,
        })
        .unwrap();
    assert!(saved.message.contains("1 promise(s) kept"), "{}", saved.message);
    let status = |desk: &Desk| {
        desk.account(row.id).unwrap().promises.iter().find(|p| p.due_on == day("2026-11-25")).unwrap().status
    };
    assert_eq!(status(&desk), PromiseStatus::Kept);
    desk.undo().unwrap();
    assert_eq!(status(&desk), PromiseStatus::Pending);
    desk.redo().unwrap();
    assert_eq!(status(&desk), PromiseStatus::Kept);
}

#[test]
fn an_attempt_is_hidden_and_its_effects_turned_back_but_the_guard_still_counts_it() {
    let mut desk = demo_desk(30);
    let usable_phones = |desk: &Desk, id: i64| -> Vec<i64> {
        let points = desk.account(id).unwrap().contact_points.into_iter();
        points
            .filter(|c| {
                c.kind == ContactKind::Phone && matches!(c.status, ContactStatus::Good | ContactStatus::Unverified)
            })
            .map(|c| c.id)
            .collect()
    };
    let id = desk.worklist().unwrap().iter().map(|r| r.id).find(|id| usable_phones(&desk, *id).len() == 1).unwrap();
    let phone = usable_phones(&desk, id)[0];
    let guard_count = |desk: &Desk| {
        store::guard_inputs(desk.connection(), id, desk.clock.now() - Duration::days(9)).unwrap().attempts.len()
    };
    let counted = guard_count(&desk);
    let mut ptp = call(id, "PTP");
    ptp.promise = Some((Money(7_500), day("2026-11-30")));
    ptp.follow_up_on = Some(day("2026-11-26"));
    round_trip(&mut desk, id, "call (outbound) logged as Promise to pay", |d| d.log_attempt(ptp).unwrap());
    desk.undo().unwrap();
    assert_eq!(guard_count(&desk), counted + 1, "the call was dialled: the guard still counts it");
    let attempt_undone: Option<String> = desk
        .connection()
        .query_row("SELECT undone_at FROM attempt ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(attempt_undone.is_some(), "the row stays, marked undone");
    desk.redo().unwrap();

    // A wrong number marks the only phone bad; undo puts it back.
    round_trip(&mut desk, id, "call (outbound) logged as Wrong number", |d| {
        d.log_attempt(LogAttempt { override_reason: Some("new number".into()), ..call(id, "WN") }).unwrap()
    });
    assert!(usable_phones(&desk, id).is_empty());
    desk.undo().unwrap();
    assert_eq!(usable_phones(&desk, id), [phone]);
    desk.redo().unwrap();
    // Overridden blocks (the promise call started quiet days) stay on record as well.
    round_trip(&mut desk, id, "call (outbound) logged as Represented by an attorney", |d| {
        d.log_attempt(LogAttempt { override_reason: Some("debtor asked us to call".into()), ..call(id, "ATTY") })
            .unwrap()
    });
}

#[test]
fn an_attempt_may_be_undone_only_soon_after_and_never_a_letter() {
    let mut desk = demo_desk(10);
    let id = desk.worklist().unwrap()[0].id;
    desk.log_attempt(call(id, "NA")).unwrap();
    let logged = desk.clock.now();
    desk.clock = Clock::pinned(Some(today()), Some(logged + Duration::minutes(ATTEMPT_UNDO_MINUTES + 1)));
    let why = refusal(desk.undo());
    assert!(why.contains("cannot be undone: an attempt is a compliance record"), "{why}");
    assert!(why.contains(&format!("within {ATTEMPT_UNDO_MINUTES} minutes")), "{why}");
    desk.clock = Clock::pinned(Some(today()), Some(logged + Duration::minutes(ATTEMPT_UNDO_MINUTES)));
    desk.undo().unwrap();

    let mut letter = call(id, "SENT");
    letter.channel = Channel::Letter;
    desk.log_attempt(letter).unwrap();
    let why = refusal(desk.undo());
    assert!(why.starts_with("the last action (letter logged as Sent"), "{why}");
}

#[test]
fn an_event_from_before_undo_existed_is_refused_by_name() {
    let mut desk = demo_desk(5);
    let id = desk.worklist().unwrap()[0].id;
    // What `release_holds` logged before it named the holds it released.
    let legacy = NewEvent {
        at: desk.clock.now(),
        actor: "dana",
        kind: "holds-released",
        debtor_id: Some(id),
        entity: "hold",
        entity_id: Some(0),
        before: None,
        after: Some(json!({ "released": 2 })),
    };
    store::append_event(desk.connection(), &legacy).unwrap();
    let why = refusal(desk.undo());
    assert!(why.starts_with("the last action (release of 2 hold(s), "), "{why}");
    assert!(why.ends_with("cannot be undone: it was logged before dun could undo it"), "{why}");
}

#[test]
fn an_action_that_cannot_be_undone_stops_undo_from_reaching_older_ones() {
    let mut desk = demo_desk(30);
    let id = desk.worklist().unwrap()[0].id;
    desk.add_note(NewNote { debtor_id: id, body: "older".into() }).unwrap();
    desk.write_off(id, None, "small-balance").unwrap();
    let why = refusal(desk.undo());
    assert!(why.starts_with("the last action (write-off of $"), "{why}");
    assert!(why.contains(") cannot be undone: a write-off is a ledger entry"), "{why}");
    assert_eq!(desk.account(id).unwrap().notes[0].body, "older", "the older note is left alone");
    assert_eq!(desk.undo_preview(), None);
}

#[test]
fn undo_walks_back_and_redo_forward_until_something_new_is_done() {
    let mut desk = demo_desk(10);
    let id = desk.worklist().unwrap()[0].id;
    let notes = |desk: &Desk| desk.account(id).unwrap().notes.iter().map(|n| n.body.clone()).collect::<Vec<_>>();
    let start = notes(&desk);
    for body in ["one", "two", "three"] {
        desk.add_note(NewNote { debtor_id: id, body: body.into() }).unwrap();
    }
    assert!(desk.undo().unwrap().message.starts_with("Undid: note \"three\""));
    assert!(desk.undo().unwrap().message.starts_with("Undid: note \"two\""));
    assert!(desk.redo().unwrap().message.starts_with("Redid: note \"two\""));
    assert!(desk.undo().unwrap().message.starts_with("Undid: note \"two\""));
    assert!(desk.undo().unwrap().message.starts_with("Undid: note \"one\""));
    assert_eq!(notes(&desk), start);
    assert!(desk.redo().unwrap().message.starts_with("Redid: note \"one\""));
    assert!(desk.redo().unwrap().message.starts_with("Redid: note \"two\""));
    assert_eq!(desk.redo_preview().as_deref().map(|p| p.starts_with("note \"three\"")), Some(true));
    // Something new: the undone "three" can no longer be redone.
    desk.add_note(NewNote { debtor_id: id, body: "four".into() }).unwrap();
    let why = refusal(desk.redo());
    assert!(why.starts_with("nothing to redo: note \"four\""), "{why}");
    assert_eq!(desk.redo_preview(), None);
    let mut expected = vec!["four".to_string(), "two".into(), "one".into()];
    expected.extend(start);
    assert_eq!(notes(&desk), expected);

    // The log keeps every original and every undo and redo, chained.
    let kinds: Vec<String> = store::events_newest_first(desk.connection(), None, 100)
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.kind)
        .filter(|k| k != "demo-book-created")
        .collect();
    assert_eq!(
        kinds,
        [
            "note-added",
            "note-added",
            "note-added",
            "undone",
            "undone",
            "redone",
            "undone",
            "undone",
            "redone",
            "redone",
            "note-added"
        ]
    );
    let undone = store::events_newest_first(desk.connection(), None, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "undone")
        .unwrap();
    let original =
        store::logged_event(desk.connection(), undone.after.as_ref().unwrap()["undoes"]["event"].as_i64().unwrap())
            .unwrap()
            .unwrap();
    assert_eq!(undone.after.unwrap()["undoes"]["hash"], original.hash.as_str());
    assert_eq!(store::verify_event_chain(desk.connection()).unwrap(), None);
}

/// A plan cancels a promise still waiting for its date, and with it the follow-up the promise
/// set on that date; undoing the plan brings both back, redoing it closes both again.
#[test]
fn a_plan_closes_the_follow_up_of_the_promise_it_replaces() {
    let mut desk = demo_desk(30);
    let id = desk.worklist().unwrap()[0].id;
    desk.make_promise(id, Money(10_000), day("2026-11-30")).unwrap();
    let due =
        |d: &Desk| d.account(id).unwrap().follow_ups.iter().map(|f| (f.due_on, f.what.clone())).collect::<Vec<_>>();
    assert_eq!(due(&desk), [(day("2026-11-30"), "promise due".to_string())]);
    let terms = PlanTerms {
        total: Money(30_000),
        down_payment: Money::ZERO,
        split: Split::Count(3),
        frequency: Frequency::Monthly,
        start: today(),
        first_due: day("2026-12-01"),
        grace_days: None,
    };
    round_trip(&mut desk, id, "plan of $300.00 in 3 payment(s)", |d| d.make_plan(id, &terms).unwrap());
    assert_eq!(due(&desk), [], "no follow-up left for a promise that no longer stands");
    assert!(desk.agenda(30).unwrap().iter().all(|a| !(a.debtor_id == id && a.kind == "follow-up")));
    desk.undo().unwrap();
    assert_eq!(due(&desk), [(day("2026-11-30"), "promise due".to_string())]);
}
