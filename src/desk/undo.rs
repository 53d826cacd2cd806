//! Undo and redo (`u` and Ctrl-r in the desk; `dun undo`, `dun redo`) through the event log.
//!
//! Undo turns back the most recent action on the book (by anyone, newest first) that is not
//! undone yet, in one transaction that also appends an `undone` event naming the original
//! event by id and hash. Nothing is deleted: the original event stays in the log, and the
//! compensating write is itself on record. Redo applies the most recently undone action again
//! and appends a `redone` event; like an editor's, it is possible only while nothing new was
//! done since the undo. Which actions are done, undone and redoable is read from the log each
//! time (no state elsewhere), so it survives a restart and agrees between terminals.
//!
//! Reading the log newest first, an action or a `redone` pushes onto the stack of done actions
//! and an `undone` pops it: the first action not matched by a later `undone` is what undo turns
//! back. If that action cannot be undone (an import, a settlement, …) undo refuses and names
//! it: an older action is never undone over a newer one that cannot be.
//!
//! What each undo does:
//! - follow-up scheduled: closed; the follow-ups it replaced are open again.
//! - note added: hidden from the account (`note.undone_at`, schema v2); the row stays.
//! - hold placed: released. Holds released: back in force.
//! - promise made: cancelled (the status the schema has for it); its follow-up closed and the
//!   follow-ups it replaced reopened.
//! - dispute opened (on the account, an invoice or part of one): withdrawn.
//! - flag set or cleared: back to what it was before (recorded in the event).
//! - contact point marked: back to its previous status. Contact point added: marked
//!   do-not-use, since contact points are never deleted; the history shows the undo. Redo
//!   puts back the status it was added with.
//! - payment recorded: reversed through the same reversal a bounced payment gets, dated the
//!   day the payment was received so balances on every date and the promises it kept are
//!   judged as if it had never come; redo records it again (a new payment row).
//! - legal case opened: hidden (`legal_case.undone_at`); updated: its fields as they were.
//!   A court date's follow-up is closed and what it replaced reopened.
//! - plan made: cancelled, and the plan it replaced is active again.
//! - restriction added: revoked; restrictions revoked: in force again; rule profile changed:
//!   back to the facts before.
//!
//! Contact attempts are compliance facts. An attempt may be undone — to take back a mis-keyed
//! outcome or an attempt logged on the wrong account — only within [`ATTEMPT_UNDO_MINUTES`] of
//! logging it, and only for calls, texts and visits: a letter or email that was sent stays,
//! because the validation-notice rules and the escalation ladder count what was sent. Undo
//! hides the attempt from the account's history and the activity reports (`attempt.undone_at`)
//! and turns back what it did (follow-ups, the promise it recorded, a phone marked bad, a flag
//! it raised), but the compliance guard keeps counting it: the call was dialled all the same,
//! and counting one call too many can only make the guard stricter, never let a contact
//! through that the rules forbid. An overridden guard block stays on record too.
//!
//! Not undoable, with the reason: imports (they have their own batch), the demo book,
//! settlements, write-offs, payment reversals, dispute resolutions and purges, and any kind of
//! event this version does not know. Events written before undo existed lack what some undos
//! need (the follow-ups a new one replaced, a flag's value before) and are refused as such.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::undo_refusals::describe_other;
use super::{Desk, DeskError, RecordPayment, Result, Saved};
use crate::domain::{Channel, ContactStatus, Debtor, LegalCase, Money, PromiseStatus, outcome, parse_money};
use crate::store::{self, LoggedEvent, NewEvent};

/// How long after logging it a contact attempt may still be undone.
pub const ATTEMPT_UNDO_MINUTES: i64 = 15;

/// Events read per page while walking the log back.
const PAGE: usize = 64;

/// What an event is to the undo stack.
enum Step {
    /// Part of an action logged beside it (a guard override goes with its attempt).
    Companion,
    Undone(i64),
    Redone(i64),
    Action,
}

fn step(e: &LoggedEvent) -> Step {
    let reference = |key: &str| e.after.as_ref().and_then(|a| a[key]["event"].as_i64());
    match e.kind.as_str() {
        "undone" => reference("undoes").map_or(Step::Action, Step::Undone),
        "redone" => reference("redoes").map_or(Step::Action, Step::Redone),
        "guard-overridden" => Step::Companion,
        _ => Step::Action,
    }
}

/// Walk the log newest first until `f` has an answer.
fn walk<T>(conn: &Connection, mut f: impl FnMut(&LoggedEvent) -> Option<T>) -> Result<Option<T>> {
    let mut before = None;
    loop {
        let page = store::events_newest_first(conn, before, PAGE)?;
        let Some(last) = page.last() else { return Ok(None) };
        before = Some(last.id);
        if let Some(found) = page.iter().find_map(&mut f) {
            return Ok(Some(found));
        }
    }
}

fn event(conn: &Connection, id: i64) -> Result<LoggedEvent> {
    store::logged_event(conn, id)?
        .ok_or_else(|| DeskError::Refused(format!("the event log names event {id}, which is not in it")))
}

/// The action on top of the done stack, and the `redone` event that put it back there, if any.
fn undo_target(conn: &Connection) -> Result<Option<(LoggedEvent, Option<LoggedEvent>)>> {
    let mut skip = 0usize;
    let top = walk(conn, |e| match step(e) {
        Step::Companion => None,
        Step::Undone(_) => {
            skip += 1;
            None
        }
        Step::Redone(_) | Step::Action if skip > 0 => {
            skip -= 1;
            None
        }
        Step::Redone(original) => Some((Some(original), e.clone())),
        Step::Action => Some((None, e.clone())),
    })?;
    Ok(match top {
        None => None,
        Some((None, action)) => Some((action, None)),
        Some((Some(original), redone)) => Some((event(conn, original)?, Some(redone))),
    })
}

/// The most recently undone action and its `undone` event, or the newer action that ended
/// the chance to redo it (`Err(None)`: nothing was undone).
fn redo_target(conn: &Connection) -> Result<std::result::Result<(LoggedEvent, LoggedEvent), Option<LoggedEvent>>> {
    let mut skip = 0usize;
    let top = walk(conn, |e| match step(e) {
        Step::Companion => None,
        Step::Redone(_) => {
            skip += 1;
            None
        }
        Step::Undone(_) if skip > 0 => {
            skip -= 1;
            None
        }
        Step::Undone(original) => Some(Ok((original, e.clone()))),
        Step::Action => Some(Err(e.clone())),
    })?;
    Ok(match top {
        None => Err(None),
        Some(Err(action)) => Err(Some(action)),
        Some(Ok((original, undone))) => Ok((event(conn, original)?, undone)),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Undo,
    Redo,
}

/// One thing an action changed, as undo and redo turn it back and forth.
#[derive(Debug, Clone)]
enum Part {
    /// Open follow-ups the action closed.
    ClosedFollowUps(Vec<i64>),
    FollowUp(i64),
    Note(i64),
    Attempt(i64),
    Hold(i64),
    ReleasedHolds(Vec<i64>),
    Promise(i64),
    Dispute(i64),
    Flag {
        column: String,
        undo_to: bool,
        redo_to: bool,
    },
    Point {
        id: i64,
        undo_to: ContactStatus,
        redo_to: ContactStatus,
    },
    LegalCase(i64),
    LegalUpdate {
        was: Box<LegalCase>,
        set: Box<LegalCase>,
    },
    Plan {
        id: i64,
        replaced: Option<i64>,
        /// Promises the plan replaced (cancelled): waiting again when it is undone.
        promises: Vec<i64>,
    },
    Restriction(i64),
    RevokedRestrictions(Vec<i64>),
    Profile {
        was: Profile,
        set: Profile,
    },
    /// The payment as it stands now (the original, or the one a redo recorded) and the original.
    Payment {
        current: i64,
        original: i64,
    },
    /// An invoice's due date, as it was and as the extension set it.
    Extension {
        invoice_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
}

/// An account's rule-profile facts: debt purpose, collector role, natural person.
type Profile = (Option<String>, Option<String>, Option<bool>);

/// An action that can be turned back (or forth again).
struct Undoable {
    debtor: Debtor,
    what: String,
    parts: Vec<Part>,
}

impl Undoable {
    fn label(&self) -> String {
        format!("{} ({})", self.what, self.debtor.name)
    }
}

/// Why the action on top cannot be undone.
struct Refusal {
    what: String,
    why: String,
}

fn money(v: &Value) -> Option<Money> {
    v.as_str().and_then(|m| parse_money(m).ok())
}

fn ids(v: &Value) -> Option<Vec<i64>> {
    v.as_array()?.iter().map(Value::as_i64).collect()
}

fn excerpt(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let short: String = line.chars().take(40).collect();
    if short.chars().count() < text.chars().count() { format!("{short}…") } else { short }
}

/// Read what the event `e` did and how to turn it back; `redone` is the latest redo of it.
fn read_action(
    conn: &Connection,
    e: &LoggedEvent,
    redone: Option<&LoggedEvent>,
    dir: Dir,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Undoable, Refusal>> {
    let debtor = match e.debtor_id {
        Some(id) => Some(store::debtor(conn, id)?),
        None => None,
    };
    let currency = debtor.as_ref().map_or("USD", |d| d.currency.as_str()).to_string();
    let named = |what: String| match &debtor {
        Some(d) => format!("{what}, {}", d.name),
        None => what,
    };
    let refuse = |what: String, why: &str| -> Result<std::result::Result<Undoable, Refusal>> {
        Ok(Err(Refusal { what: named(what), why: why.to_string() }))
    };
    let old = "it was logged before dun could undo it";
    let after = e.after.clone().unwrap_or(Value::Null);
    let before = e.before.clone().unwrap_or(Value::Null);
    let (Some(debtor), Some(id)) = (debtor.clone(), e.entity_id) else {
        let (what, why) = describe_other(e, &currency);
        return refuse(what, why);
    };
    let cur = debtor.currency.as_str();
    // A follow-up the action scheduled and the open ones it closed doing so.
    let follow_up_parts = |parts: &mut Vec<Part>| -> bool {
        match (after["follow_up"].as_i64(), ids(&after["replaced"])) {
            (Some(f), Some(replaced)) => {
                parts.push(Part::ClosedFollowUps(replaced));
                parts.push(Part::FollowUp(f));
                true
            }
            _ => false,
        }
    };
    let (what, parts) = match e.kind.as_str() {
        "follow-up-scheduled" => {
            let (due, what) = store::follow_up_of(conn, id)?.unwrap_or_default();
            let what = format!("follow-up on {due}: {what}");
            let Some(replaced) = ids(&after["replaced"]) else { return refuse(what, old) };
            (what, vec![Part::ClosedFollowUps(replaced), Part::FollowUp(id)])
        }
        "note-added" => {
            let body = store::note_body(conn, id)?.unwrap_or_default();
            (format!("note \"{}\"", excerpt(&body)), vec![Part::Note(id)])
        }
        "hold-placed" => {
            let reason = store::hold_reason(conn, id)?.unwrap_or_default();
            let what = match after["until"].as_str() {
                Some(until) => format!("hold until {until}: {reason}"),
                None => format!("hold: {reason}"),
            };
            (what, vec![Part::Hold(id)])
        }
        "holds-released" => {
            let what = format!("release of {} hold(s)", after["released"].as_i64().unwrap_or_default());
            let Some(holds) = ids(&after["holds"]) else { return refuse(what, old) };
            (what, vec![Part::ReleasedHolds(holds)])
        }
        "promise-made" => {
            let amount = money(&after["amount"]).unwrap_or_default();
            let what = format!("promise of {} by {}", amount.display(cur), after["due_on"].as_str().unwrap_or("?"));
            let mut parts = vec![Part::Promise(id)];
            if !follow_up_parts(&mut parts) {
                return refuse(what, old);
            }
            (what, parts)
        }
        "due-date-extended" => {
            let day = |v: &Value| v.as_str().and_then(|d| d.parse::<chrono::NaiveDate>().ok());
            let (Some(from), Some(to)) = (day(&before["due_on"]), day(&after["due_on"])) else {
                return refuse("extension of a due date".into(), old);
            };
            (format!("extension of a due date from {from} to {to}"), vec![Part::Extension { invoice_id: id, from, to }])
        }
        "dispute-opened" => {
            let what = match (store::dispute_invoice_number(conn, id)?, money(&after["amount"])) {
                (Some(n), Some(amount)) => format!("dispute of {} on invoice {n}", amount.display(cur)),
                (Some(n), None) => format!("dispute on invoice {n}"),
                (None, _) => "dispute on the whole account".to_string(),
            };
            (what, vec![Part::Dispute(id)])
        }
        "flag-changed" => {
            let flag = after["flag"].as_str().unwrap_or_default().to_string();
            let on = after["on"].as_bool().unwrap_or_default();
            let what = format!("{flag} {}", if on { "set" } else { "cleared" });
            let Some(was) = before["on"].as_bool() else { return refuse(what, old) };
            (what, vec![Part::Flag { column: flag.replace('-', "_"), undo_to: was, redo_to: on }])
        }
        "contact-point-added" => {
            let status = after["status"].as_str().and_then(ContactStatus::parse).unwrap_or(ContactStatus::Unverified);
            let what = format!("{} #{id} added", after["kind"].as_str().unwrap_or("contact point"));
            (what, vec![Part::Point { id, undo_to: ContactStatus::DoNotUse, redo_to: status }])
        }
        "contact-point-marked" => {
            let (Some(was), Some(set)) = (
                before["status"].as_str().and_then(ContactStatus::parse),
                after["status"].as_str().and_then(ContactStatus::parse),
            ) else {
                return refuse(format!("contact point #{id} marked"), old);
            };
            let what = format!("#{id} marked {} (was {})", set.code(), was.code());
            (what, vec![Part::Point { id, undo_to: was, redo_to: set }])
        }
        "payment-recorded" => {
            let amount = money(&after["amount"]).unwrap_or_default();
            let what =
                format!("payment of {} received {}", amount.display(cur), after["received_on"].as_str().unwrap_or("?"));
            let current = redone.and_then(|r| r.after.as_ref()?["payment"].as_i64()).unwrap_or(id);
            if dir == Dir::Undo {
                match store::payment_facts(conn, current)? {
                    Some((_, _, _, false)) => {}
                    Some((_, _, _, true)) => {
                        return refuse(what, "it was reversed since; a reversal is not undone");
                    }
                    None => return refuse(what, "the payment is not in the book"),
                }
            }
            (what, vec![Part::Payment { current, original: id }])
        }
        "legal-case-opened" | "legal-case-updated" => {
            let opened = e.kind == "legal-case-opened";
            let status = after["status"].as_str().unwrap_or("referred");
            let what =
                if opened { format!("legal case opened ({status})") } else { format!("legal case update ({status})") };
            let mut parts = Vec::new();
            if opened {
                parts.push(Part::LegalCase(id));
            } else {
                match (case_from(id, debtor.id, &before), case_from(id, debtor.id, &after)) {
                    (Some(was), Some(set)) => parts.push(Part::LegalUpdate { was: Box::new(was), set: Box::new(set) }),
                    _ => return refuse(what, old),
                }
            }
            // Opened with a court date, it scheduled a follow-up: an older event does not say which.
            if !follow_up_parts(&mut parts) && opened && !after["next_court_on"].is_null() {
                return refuse(what, old);
            }
            (what, parts)
        }
        "attempt-logged" => {
            let channel = after["channel"].as_str().and_then(Channel::parse).unwrap_or(Channel::CallOut);
            let code = after["outcome"].as_str().unwrap_or_default();
            let label = outcome(code).map_or(code, |o| o.label);
            let what = format!("{} logged as {label}", channel.label().to_lowercase());
            if matches!(channel, Channel::Letter | Channel::Email) {
                return refuse(
                    what,
                    "a letter or email that was sent stays on record (the validation notice and the \
                     escalation ladder count it); add a note to correct it",
                );
            }
            if dir == Dir::Undo && now - e.at > Duration::minutes(ATTEMPT_UNDO_MINUTES) {
                return refuse(
                    what,
                    &format!(
                        "an attempt is a compliance record and can be undone only within \
                         {ATTEMPT_UNDO_MINUTES} minutes of logging it (it was logged {}); add a note to correct it",
                        e.at.format("%Y-%m-%d %H:%M UTC")
                    ),
                );
            }
            let effects = &after["effects"];
            let Some(closed) = ids(&effects["closed_follow_ups"]) else { return refuse(what, old) };
            let mut parts = vec![Part::ClosedFollowUps(closed), Part::Attempt(id)];
            if let Some(p) = effects["promise"].as_i64() {
                parts.push(Part::Promise(p));
            }
            if let Some(f) = effects["follow_up"].as_i64() {
                parts.push(Part::FollowUp(f));
            }
            if let (Some(point), Some(was)) = (
                effects["marked_bad"]["id"].as_i64(),
                effects["marked_bad"]["was"].as_str().and_then(ContactStatus::parse),
            ) {
                parts.push(Part::Point { id: point, undo_to: was, redo_to: ContactStatus::Bad });
            }
            if let (Some(flag), Some(was)) = (effects["flag"]["name"].as_str(), effects["flag"]["was"].as_bool()) {
                parts.push(Part::Flag { column: flag.to_string(), undo_to: was, redo_to: true });
            }
            (what, parts)
        }
        "plan-made" => {
            let total = money(&after["total"]).unwrap_or_default();
            let what =
                format!("plan of {} in {} payment(s)", total.display(cur), after["installments"].as_i64().unwrap_or(0));
            // Plans made before they replaced promises name none.
            let promises = ids(&after["replaced_promises"]).unwrap_or_default();
            // Their follow-ups, closed with them (none named by plans made before that), reopen.
            let closed = ids(&after["closed_follow_ups"]).unwrap_or_default();
            (
                what,
                vec![Part::Plan { id, replaced: after["replaces"].as_i64(), promises }, Part::ClosedFollowUps(closed)],
            )
        }
        "restriction-added" => {
            let what = match after["kind"].as_str() {
                Some("workplace") => "restriction: no contact at work".to_string(),
                kind => format!(
                    "restriction: {} {}",
                    kind.unwrap_or("contact"),
                    after["value"].as_str().unwrap_or_default()
                ),
            };
            (what, vec![Part::Restriction(id)])
        }
        "profile-changed" => {
            let profile = |v: &Value| -> Profile {
                (
                    v["debt_purpose"].as_str().map(str::to_string),
                    v["collector_role"].as_str().map(str::to_string),
                    v["natural_person"].as_bool(),
                )
            };
            ("rule profile change".to_string(), vec![Part::Profile { was: profile(&before), set: profile(&after) }])
        }
        _ => {
            let (what, why) = describe_other(e, cur);
            return refuse(what, why);
        }
    };
    Ok(Ok(Undoable { debtor, what, parts }))
}

/// The restrictions a revocation event names (it has no entity id of its own).
fn revoked_restrictions(e: &LoggedEvent) -> Option<Vec<i64>> {
    ids(&e.after.as_ref()?["restrictions"])
}

/// [`read_action`], with the events that have no entity id of their own.
fn read(
    conn: &Connection,
    e: &LoggedEvent,
    redone: Option<&LoggedEvent>,
    dir: Dir,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Undoable, Refusal>> {
    if e.kind == "restrictions-revoked" {
        let Some(debtor_id) = e.debtor_id else { return read_action(conn, e, redone, dir, now) };
        let debtor = store::debtor(conn, debtor_id)?;
        let n = e.after.as_ref().and_then(|a| a["revoked"].as_i64()).unwrap_or_default();
        let what = format!("revocation of {n} restriction(s)");
        return Ok(match revoked_restrictions(e) {
            Some(ids) => Ok(Undoable { debtor, what, parts: vec![Part::RevokedRestrictions(ids)] }),
            None => Err(Refusal {
                what: format!("{what}, {}", debtor.name),
                why: "it was logged before dun could undo it".into(),
            }),
        });
    }
    read_action(conn, e, redone, dir, now)
}

fn case_from(id: i64, debtor_id: i64, v: &Value) -> Option<LegalCase> {
    super::legal::case_from_json(id, debtor_id, v)
}

/// The clock and policy a compensating write runs under.
struct Ctx<'a> {
    tx: &'a Connection,
    now: DateTime<Utc>,
    today: NaiveDate,
    grace: u32,
    debtor: &'a Debtor,
}

/// Turn one part back (undo) or forth (redo). What changed goes into the event's images.
fn apply(
    part: &Part,
    dir: Dir,
    cx: &Ctx<'_>,
    before: &mut Map<String, Value>,
    after: &mut Map<String, Value>,
) -> Result<()> {
    let (tx, now, undo) = (cx.tx, cx.now, dir == Dir::Undo);
    // `Some(now)` when undoing what the action added, `None` when redoing it.
    let hide = undo.then_some(now);
    match part {
        Part::ClosedFollowUps(ids) => {
            for id in ids {
                store::set_follow_up_done(tx, *id, if undo { None } else { Some(now) })?;
            }
        }
        Part::FollowUp(id) => store::set_follow_up_done(tx, *id, hide)?,
        Part::Note(id) => store::set_note_undone(tx, *id, hide)?,
        Part::Attempt(id) => store::set_attempt_undone(tx, *id, hide)?,
        Part::Hold(id) => store::set_hold_released(tx, *id, hide)?,
        Part::ReleasedHolds(ids) => {
            for id in ids {
                store::set_hold_released(tx, *id, if undo { None } else { Some(now) })?;
            }
        }
        Part::Promise(id) => {
            // A promise is undone or redone while it is new: pending, nothing paid against it.
            let (status, resolved) =
                if undo { (PromiseStatus::Cancelled, Some(cx.today)) } else { (PromiseStatus::Pending, None) };
            store::update_promise(tx, *id, status, Money::ZERO, resolved)?;
        }
        Part::Extension { invoice_id, from, to } => {
            store::set_invoice_due(tx, *invoice_id, if undo { *from } else { *to }, now)?
        }
        Part::Dispute(id) => {
            if undo {
                store::set_dispute_state(tx, *id, "withdrawn", Some(cx.today), Some("undone"))?;
            } else {
                store::set_dispute_state(tx, *id, "open", None, None)?;
            }
        }
        Part::Flag { column, undo_to, redo_to } => {
            let to = if undo { *undo_to } else { *redo_to };
            if to {
                store::set_debtor_flag(tx, cx.debtor.id, column, now)?;
            } else {
                store::clear_debtor_flag(tx, cx.debtor.id, column, now)?;
            }
            after.insert("flag".into(), json!({ "flag": column.replace('_', "-"), "on": to }));
        }
        Part::Point { id, undo_to, redo_to } => {
            let to = if undo { *undo_to } else { *redo_to };
            let from = store::contact_points(tx, cx.debtor.id)?.into_iter().find(|c| c.id == *id).map(|c| c.status);
            store::mark_contact_point(tx, *id, to, now)?;
            // Shaped as a marking, so the contact point's history shows the undo.
            before.insert("status".into(), json!(from.map(|s| s.code())));
            after.insert("status".into(), json!(to.code()));
            after.insert("reason".into(), json!(if undo { "undone" } else { "redone" }));
        }
        Part::LegalCase(id) => store::set_legal_case_undone(tx, *id, hide)?,
        Part::LegalUpdate { was, set } => {
            let case = if undo { was } else { set };
            store::update_legal_case(tx, case)?;
            after.insert("legal_case".into(), super::legal::case_json(case));
        }
        Part::Plan { id, replaced, promises } => {
            store::set_plan_status(tx, *id, if undo { "cancelled" } else { "active" })?;
            if let Some(old) = replaced {
                store::set_plan_status(tx, *old, if undo { "active" } else { "replaced" })?;
            }
            for p in store::promises_of(tx, cx.debtor.id)?.into_iter().filter(|p| promises.contains(&p.id)) {
                let (status, resolved) =
                    if undo { (PromiseStatus::Pending, None) } else { (PromiseStatus::Cancelled, Some(cx.today)) };
                store::update_promise(tx, p.id, status, p.paid, resolved)?;
            }
            if undo && !promises.is_empty() {
                // Judged again: one may have come due, or been paid, while the plan stood.
                super::payments::settle_promises(tx, cx.debtor.id, cx.today, cx.grace)?;
            }
        }
        Part::Restriction(id) => store::set_restriction_revoked(tx, *id, hide)?,
        Part::RevokedRestrictions(ids) => {
            for id in ids {
                store::set_restriction_revoked(tx, *id, if undo { None } else { Some(now) })?;
            }
        }
        Part::Profile { was, set } => {
            let (purpose, role, person) = if undo { was } else { set };
            store::set_rule_profile(tx, cx.debtor.id, purpose.as_deref(), role.as_deref(), *person, now)?;
            after.insert(
                "profile".into(),
                json!({ "debt_purpose": purpose, "collector_role": role, "natural_person": person }),
            );
        }
        Part::Payment { current, original } => {
            let missing = || DeskError::Refused(format!("payment #{original} is not in the book"));
            let (_, _, amount, _) = store::payment_facts(tx, *original)?.ok_or_else(missing)?;
            let (received_on, method, reference) = store::payment_terms(tx, *original)?.ok_or_else(missing)?;
            if undo {
                let reversal = super::settlement::reverse_in(
                    tx,
                    (*current, amount),
                    cx.debtor,
                    received_on,
                    "undone",
                    (now, cx.today),
                    cx.grace,
                )?;
                after.insert("reversal".into(), json!(reversal));
            } else {
                let input = RecordPayment {
                    debtor_id: cx.debtor.id,
                    amount,
                    received_on: Some(received_on),
                    method,
                    reference,
                    invoice: None,
                };
                let (payment, _, _) =
                    super::payments::post_payment(tx, cx.debtor, &input, received_on, (now, cx.today), cx.grace)?;
                after.insert("payment".into(), json!(payment));
            }
        }
    }
    Ok(())
}

/// An undo or a redo as its event records it.
struct Turn<'a> {
    /// The event kind: `undone` or `redone`.
    kind: &'static str,
    /// What the message says it did: "Undid" or "Redid".
    said: &'static str,
    original: &'a LoggedEvent,
    entity_id: Option<i64>,
    before: Map<String, Value>,
    after: Map<String, Value>,
}

/// Append the event of an undo or a redo, with the images `apply` gathered, and say what was done.
fn record_turn(cx: &Ctx<'_>, actor: &str, action: &Undoable, t: Turn<'_>) -> Result<Saved> {
    store::append_event(
        cx.tx,
        &NewEvent {
            at: cx.now,
            actor,
            kind: t.kind,
            debtor_id: Some(action.debtor.id),
            entity: &t.original.entity,
            entity_id: t.entity_id,
            before: (!t.before.is_empty()).then_some(Value::Object(t.before)),
            after: Some(Value::Object(t.after)),
        },
    )?;
    Ok(Saved {
        debtor_id: action.debtor.id,
        id: t.entity_id.unwrap_or_default(),
        message: format!("{}: {}", t.said, action.label()),
    })
}

fn refused(r: Refusal) -> DeskError {
    DeskError::Refused(format!("the last action ({}) cannot be undone: {}", r.what, r.why))
}

impl Desk {
    /// Undo the most recent action on the book that is not undone yet (see the module doc).
    /// Refused, naming it, when that action cannot be undone; refused when there is nothing.
    pub fn undo(&mut self) -> Result<Saved> {
        self.write(|tx, clock, config| {
            let now = clock.now();
            let Some((original, redone)) = undo_target(tx)? else {
                return Err(DeskError::Refused("nothing to undo: the book's log is empty".into()));
            };
            let action = read(tx, &original, redone.as_ref(), Dir::Undo, now)?.map_err(refused)?;
            let cx = Ctx { tx, now, today: clock.today(), grace: config.promise_grace_days, debtor: &action.debtor };
            let (mut before, mut after) = (Map::new(), Map::new());
            for part in action.parts.iter().rev() {
                apply(part, Dir::Undo, &cx, &mut before, &mut after)?;
            }
            after
                .insert("undoes".into(), json!({ "event": original.id, "hash": original.hash, "kind": original.kind }));
            after.insert("what".into(), json!(action.what));
            let entity_id = current_entity(&original, redone.as_ref());
            let turn = Turn { kind: "undone", said: "Undid", original: &original, entity_id, before, after };
            record_turn(&cx, &config.collector, &action, turn)
        })
    }

    /// Do again what the last undo turned back, as long as nothing new was done since.
    pub fn redo(&mut self) -> Result<Saved> {
        self.write(|tx, clock, config| {
            let now = clock.now();
            let (original, undone) = match redo_target(tx)? {
                Ok(found) => found,
                Err(None) => return Err(DeskError::Refused("nothing to redo: nothing was undone".into())),
                Err(Some(newer)) => return Err(DeskError::Refused(redo_blocked(tx, &newer)?)),
            };
            let action = match read(tx, &original, None, Dir::Redo, now)? {
                Ok(a) => a,
                Err(r) => {
                    return Err(DeskError::Refused(format!(
                        "the last undone action ({}) cannot be redone: {}",
                        r.what, r.why
                    )));
                }
            };
            let cx = Ctx { tx, now, today: clock.today(), grace: config.promise_grace_days, debtor: &action.debtor };
            let (mut before, mut after) = (Map::new(), Map::new());
            for part in &action.parts {
                apply(part, Dir::Redo, &cx, &mut before, &mut after)?;
            }
            let entity_id = after.get("payment").and_then(Value::as_i64).or(original.entity_id);
            after.insert(
                "redoes".into(),
                json!({ "event": original.id, "hash": original.hash, "kind": original.kind, "undo": undone.id }),
            );
            after.insert("what".into(), json!(action.what));
            let turn = Turn { kind: "redone", said: "Redid", original: &original, entity_id, before, after };
            record_turn(&cx, &config.collector, &action, turn)
        })
    }

    /// What `u` would undo, for the status line ("promise of $150.00 by 2026-11-27 (Acme
    /// Ltd.)"); `None` when undo would be refused.
    pub fn undo_preview(&self) -> Option<String> {
        let (original, redone) = undo_target(&self.conn).ok()??;
        let action = read(&self.conn, &original, redone.as_ref(), Dir::Undo, self.clock.now()).ok()?.ok()?;
        Some(action.label())
    }

    /// What Ctrl-r would redo; `None` when redo would be refused.
    pub fn redo_preview(&self) -> Option<String> {
        let (original, _) = redo_target(&self.conn).ok()?.ok()?;
        let action = read(&self.conn, &original, None, Dir::Redo, self.clock.now()).ok()?.ok()?;
        Some(action.label())
    }
}

/// The entity an undo acts on: a redone payment is a new payment row.
fn current_entity(original: &LoggedEvent, redone: Option<&LoggedEvent>) -> Option<i64> {
    redone.and_then(|r| r.after.as_ref()?["payment"].as_i64()).or(original.entity_id)
}

/// Why there is nothing to redo although something was undone before `newer`.
fn redo_blocked(conn: &Connection, newer: &LoggedEvent) -> Result<String> {
    if !store::has_event_kind(conn, "undone")? {
        return Ok("nothing to redo: nothing was undone".into());
    }
    let what = match read(conn, newer, None, Dir::Redo, newer.at)? {
        Ok(a) => a.label(),
        Err(r) => r.what,
    };
    Ok(format!("nothing to redo: {what} was done after the last undo"))
}

#[cfg(test)]
#[path = "undo_tests.rs"]
mod tests;
