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
//! - dispute opened: withdrawn.
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

/// The action an event records, in the collector's words, for the refusals.
fn describe_other(e: &LoggedEvent, currency: &str) -> (String, &'static str) {
    let after = e.after.clone().unwrap_or(Value::Null);
    let amount = |k: &str| money(&after[k]).map(|m| format!(" of {}", m.display(currency))).unwrap_or_default();
    match e.kind.as_str() {
        "import-committed" => (
            format!("import of a {} file", after["format"].as_str().unwrap_or("ledger")),
            "an import is a batch of its own; import a corrected file instead",
        ),
        "demo-book-created" => ("demo book created".into(), "it is where this book began"),
        "settled" => (
            format!("settlement{}", amount("amount")),
            "a settlement takes money and writes off the rest; reverse its payment with `dun reverse` if need be",
        ),
        "written-off" => (
            format!("write-off{}", amount("amount")),
            "a write-off is a ledger entry; a later payment still posts as a recovery",
        ),
        "payment-reversed" => (
            format!("reversal of payment #{}", after["reverses"].as_i64().unwrap_or_default()),
            "a reversal is itself a correction; record the payment again if it was reversed by mistake",
        ),
        "dispute-resolved" => (
            format!("dispute resolved as {}", after["status"].as_str().unwrap_or("resolved")),
            "an upheld dispute may have credited the invoice; open a new dispute if it was resolved by mistake",
        ),
        "debtor-purged" => ("purge of a closed account".into(), "the personal data is gone for good"),
        other => (other.replace('-', " "), "dun does not know how to turn it back"),
    }
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
            let what = match store::dispute_invoice_number(conn, id)? {
                Some(n) => format!("dispute on invoice {n}"),
                None => "dispute on the whole account".to_string(),
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
            (what, vec![Part::Plan { id, replaced: after["replaces"].as_i64() }])
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
        Part::Plan { id, replaced } => {
            store::set_plan_status(tx, *id, if undo { "cancelled" } else { "active" })?;
            if let Some(old) = replaced {
                store::set_plan_status(tx, *old, if undo { "active" } else { "replaced" })?;
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
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "undone",
                    debtor_id: Some(action.debtor.id),
                    entity: &original.entity,
                    entity_id,
                    before: (!before.is_empty()).then_some(Value::Object(before)),
                    after: Some(Value::Object(after)),
                },
            )?;
            Ok(Saved {
                debtor_id: action.debtor.id,
                id: entity_id.unwrap_or_default(),
                message: format!("Undid: {}", action.label()),
            })
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
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "redone",
                    debtor_id: Some(action.debtor.id),
                    entity: &original.entity,
                    entity_id,
                    before: (!before.is_empty()).then_some(Value::Object(before)),
                    after: Some(Value::Object(after)),
                },
            )?;
            Ok(Saved {
                debtor_id: action.debtor.id,
                id: entity_id.unwrap_or_default(),
                message: format!("Redid: {}", action.label()),
            })
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
mod tests {
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
        round_trip(&mut desk, id, "dispute on the whole account", |d| {
            d.open_dispute(id, None, "never ordered").unwrap()
        });
        round_trip(&mut desk, id, "do-not-call set", |d| d.set_flag(id, "do-not-call", true, "asked").unwrap());
        round_trip(&mut desk, id, "do-not-call cleared", |d| d.set_flag(id, "do-not-call", false, "revoked").unwrap());
        round_trip(&mut desk, id, "restriction: time 12:00-13:30", |d| {
            d.add_restriction(id, "time", "12:00-13:30", "consumer-oral").unwrap()
        });
        round_trip(&mut desk, id, "revocation of 1 restriction(s)", |d| d.revoke_restrictions(id).unwrap());
        let terms = PlanTerms {
            total: Money(30_000),
            down_payment: Money::ZERO,
            split: Split::Count(3),
            frequency: Frequency::Monthly,
            start: today(),
            first_due: day("2026-12-01"),
        };
        round_trip(&mut desk, id, "plan of $300.00 in 3 payment(s)", |d| d.make_plan(id, &terms).unwrap());
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
        assert_eq!(
            (copy.amount, copy.reference.as_str(), copy.received_on),
            (Money(10_000), "1042", day("2026-11-20"))
        );
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
}
