//! Contact attempts, notes and follow-ups: the account's activity.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_code, get_date, get_instant, get_opt_date, instant, opt_date};
use crate::domain::{Attempt, Channel, FollowUp, Note};

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub debtor_id: i64,
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub contact_point_id: Option<i64>,
    pub outcome: String,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
}

pub fn insert_attempt(conn: &Connection, a: &NewAttempt, created: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO attempt (debtor_id, at, channel, contact_point_id, outcome, note, follow_up_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        a.debtor_id,
        instant(a.at),
        a.channel.code(),
        a.contact_point_id,
        a.outcome,
        a.note,
        opt_date(a.follow_up_on),
        instant(created),
    ])?;
    let id = conn.last_insert_rowid();
    // The debtor keeps its latest contact so the worklist need not scan every attempt.
    conn.prepare_cached(
        "UPDATE debtor SET last_contact_at = ?2 WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
    )?
    .execute(params![a.debtor_id, instant(a.at)])?;
    Ok(id)
}

/// Attempts of a debtor, newest first; an undone one is left out (the guard still counts it).
pub fn attempts_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, at, channel, contact_point_id, outcome, note, follow_up_on, override_reason
         FROM attempt WHERE debtor_id = ?1 AND undone_at IS NULL ORDER BY at DESC, id DESC",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(Attempt {
            id: r.get(0)?,
            debtor_id: r.get(1)?,
            at: get_instant(r, 2)?,
            channel: get_code(r, 3, Channel::parse)?,
            contact_point_id: r.get(4)?,
            outcome: r.get(5)?,
            note: r.get(6)?,
            follow_up_on: get_opt_date(r, 7)?,
            override_reason: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_note(conn: &Connection, debtor_id: i64, at: DateTime<Utc>, body: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO note (debtor_id, at, body) VALUES (?1, ?2, ?3)")?.execute(params![
        debtor_id,
        instant(at),
        body
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Notes of a debtor, newest first; undone ones are left out.
pub fn notes_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, at, body FROM note WHERE debtor_id = ?1 AND undone_at IS NULL ORDER BY at DESC, id DESC",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(Note { id: r.get(0)?, debtor_id: r.get(1)?, at: get_instant(r, 2)?, body: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Schedule a follow-up; open follow-ups of the same debtor are closed by it, since
/// the collector has just decided what happens next.
pub fn schedule_follow_up(
    conn: &Connection,
    debtor_id: i64,
    due_on: NaiveDate,
    what: &str,
    attempt_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64> {
    close_follow_ups(conn, debtor_id, at)?;
    conn.prepare_cached(
        "INSERT INTO follow_up (debtor_id, due_on, what, attempt_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![debtor_id, date(due_on), what, attempt_id, instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// Mark the debtor's open follow-ups done (a contact was made).
pub fn close_follow_ups(conn: &Connection, debtor_id: i64, at: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE follow_up SET done_at = ?2 WHERE debtor_id = ?1 AND done_at IS NULL")?
        .execute(params![debtor_id, instant(at)])?)
}

pub fn open_follow_ups(conn: &Connection, debtor_id: i64) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, due_on, what FROM follow_up WHERE debtor_id = ?1 AND done_at IS NULL ORDER BY due_on",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(FollowUp { id: r.get(0)?, debtor_id: r.get(1)?, due_on: get_date(r, 2)?, what: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reason a collector gave for logging a contact the guard blocked.
pub fn record_override(conn: &Connection, attempt_id: i64, reason: &str) -> Result<()> {
    conn.prepare_cached("UPDATE attempt SET override_reason = ?2 WHERE id = ?1")?
        .execute(params![attempt_id, reason])?;
    Ok(())
}
