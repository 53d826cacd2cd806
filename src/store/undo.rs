//! What undo and redo read and write: the event log newest first, and the few columns an
//! undo turns back (a follow-up reopened, a hold released again, an undone note hidden, …).
//! The log itself is only ever appended to: an undo is a new `undone` event.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::codec::{date, get_instant, instant};

/// One event of the log as undo reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub debtor_id: Option<i64>,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

fn logged(r: &rusqlite::Row<'_>) -> rusqlite::Result<LoggedEvent> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(LoggedEvent {
        id: r.get(0)?,
        at: get_instant(r, 1)?,
        actor: r.get(2)?,
        kind: r.get(3)?,
        debtor_id: r.get(4)?,
        entity: r.get(5)?,
        entity_id: r.get(6)?,
        before: json(r.get(7)?),
        after: json(r.get(8)?),
        hash: r.get(9)?,
    })
}

/// Up to `limit` events older than `before_id` (all when `None`), newest first.
pub fn events_newest_first(conn: &Connection, before_id: Option<i64>, limit: usize) -> Result<Vec<LoggedEvent>> {
    let sql = "SELECT id, at, actor, kind, debtor_id, entity, entity_id, before, after, hash
               FROM event WHERE id < ?1 ORDER BY id DESC LIMIT ?2";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![before_id.unwrap_or(i64::MAX), limit as i64], logged)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn logged_event(conn: &Connection, id: i64) -> Result<Option<LoggedEvent>> {
    let sql = "SELECT id, at, actor, kind, debtor_id, entity, entity_id, before, after, hash FROM event WHERE id = ?1";
    Ok(conn.prepare_cached(sql)?.query_row([id], logged).optional()?)
}

/// Whether the log holds any event of `kind`.
pub fn has_event_kind(conn: &Connection, kind: &str) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM event WHERE kind = ?1)")?.query_row([kind], |r| r.get(0))?)
}

/// Close (`Some`) or reopen (`None`) one follow-up.
pub fn set_follow_up_done(conn: &Connection, id: i64, done_at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE follow_up SET done_at = ?2 WHERE id = ?1")?
        .execute(params![id, done_at.map(instant)])?;
    Ok(())
}

/// A follow-up's date and what it is for.
pub fn follow_up_of(conn: &Connection, id: i64) -> Result<Option<(NaiveDate, String)>> {
    Ok(conn
        .prepare_cached("SELECT due_on, what FROM follow_up WHERE id = ?1")?
        .query_row([id], |r| Ok((super::codec::get_date(r, 0)?, r.get(1)?)))
        .optional()?)
}

/// Hide (`Some`) or show again (`None`) a note.
pub fn set_note_undone(conn: &Connection, id: i64, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE note SET undone_at = ?2 WHERE id = ?1")?.execute(params![id, at.map(instant)])?;
    Ok(())
}

pub fn note_body(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT body FROM note WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// Hide (`Some`) or show again (`None`) a contact attempt. The guard's queries do not look
/// at `undone_at`: an undone attempt still counts toward the contact limits.
pub fn set_attempt_undone(conn: &Connection, id: i64, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE attempt SET undone_at = ?2 WHERE id = ?1")?.execute(params![id, at.map(instant)])?;
    Ok(())
}

/// Hide (`Some`) or show again (`None`) a legal case.
pub fn set_legal_case_undone(conn: &Connection, id: i64, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE legal_case SET undone_at = ?2 WHERE id = ?1")?.execute(params![id, at.map(instant)])?;
    Ok(())
}

/// Release (`Some`) or put back in force (`None`) one hold.
pub fn set_hold_released(conn: &Connection, id: i64, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE hold SET released_at = ?2 WHERE id = ?1")?.execute(params![id, at.map(instant)])?;
    Ok(())
}

/// The account's holds not released (what `release_holds` would release).
pub fn unreleased_holds(conn: &Connection, debtor_id: i64) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM hold WHERE debtor_id = ?1 AND released_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([debtor_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn hold_reason(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT reason FROM hold WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// Set a dispute's status and resolution as they were (an undone or redone opening).
pub fn set_dispute_state(
    conn: &Connection,
    id: i64,
    status: &str,
    resolved_on: Option<NaiveDate>,
    resolution: Option<&str>,
) -> Result<()> {
    conn.prepare_cached("UPDATE dispute SET status = ?2, resolved_on = ?3, resolution = ?4 WHERE id = ?1")?
        .execute(params![id, status, resolved_on.map(date), resolution])?;
    Ok(())
}

/// The invoice number a dispute is on (none for the whole account).
pub fn dispute_invoice_number(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT i.number FROM dispute d JOIN invoice i ON i.id = d.invoice_id WHERE d.id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

pub fn set_plan_status(conn: &Connection, id: i64, status: &str) -> Result<()> {
    conn.prepare_cached("UPDATE plan SET status = ?2 WHERE id = ?1")?.execute(params![id, status])?;
    Ok(())
}

/// Revoke (`Some`) or put back in force (`None`) one contact restriction.
pub fn set_restriction_revoked(conn: &Connection, id: i64, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached("UPDATE contact_restriction SET revoked_at = ?2 WHERE id = ?1")?
        .execute(params![id, at.map(instant)])?;
    Ok(())
}

/// The account's restrictions in force (what `revoke_restrictions` would revoke).
pub fn active_restrictions(conn: &Connection, debtor_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM contact_restriction WHERE debtor_id = ?1 AND revoked_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([debtor_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A payment's (received on, method, reference), to record it again on redo.
pub fn payment_terms(conn: &Connection, id: i64) -> Result<Option<(NaiveDate, String, String)>> {
    Ok(conn
        .prepare_cached("SELECT received_on, method, reference FROM payment WHERE id = ?1")?
        .query_row([id], |r| Ok((super::codec::get_date(r, 0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}
