//! The append-only event log. Each event carries the hash of the one before it,
//! so an edited or deleted record shows up as a broken chain.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Result;
use super::codec::instant;

#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub kind: &'a str,
    pub debtor_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn append_event(conn: &Connection, e: &NewEvent<'_>) -> Result<i64> {
    let prev: String = conn
        .prepare_cached("SELECT hash FROM event ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_string());
    let at = instant(e.at);
    let before = e.before.as_ref().map(|v| v.to_string());
    let after = e.after.as_ref().map(|v| v.to_string());
    let hash = event_hash(
        &prev,
        &at,
        e.actor,
        e.kind,
        e.debtor_id,
        e.entity,
        e.entity_id,
        before.as_deref(),
        after.as_deref(),
    );
    conn.prepare_cached(
        "INSERT INTO event (at, actor, kind, debtor_id, entity, entity_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![at, e.actor, e.kind, e.debtor_id, e.entity, e.entity_id, before, after, prev, hash])?;
    Ok(conn.last_insert_rowid())
}

#[allow(clippy::too_many_arguments)]
fn event_hash(
    prev: &str,
    at: &str,
    actor: &str,
    kind: &str,
    debtor_id: Option<i64>,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    // Unit separators keep field boundaries unambiguous.
    for part in [
        prev,
        at,
        actor,
        kind,
        &debtor_id.map(|d| d.to_string()).unwrap_or_default(),
        entity,
        &entity_id.map(|d| d.to_string()).unwrap_or_default(),
        before.unwrap_or(""),
        after.unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Walk the chain; the id of the first event whose hash does not match, if any.
pub fn verify_event_chain(conn: &Connection) -> Result<Option<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, kind, debtor_id, entity, entity_id, before, after, prev_hash, hash FROM event ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS_HASH.to_string();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored_prev: String = r.get(9)?;
        let stored: String = r.get(10)?;
        let computed = event_hash(
            &prev,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            r.get(4)?,
            &r.get::<_, String>(5)?,
            r.get(6)?,
            r.get::<_, Option<String>>(7)?.as_deref(),
            r.get::<_, Option<String>>(8)?.as_deref(),
        );
        if stored_prev != prev || stored != computed {
            return Ok(Some(id));
        }
        prev = stored;
    }
    Ok(None)
}

pub fn event_count(conn: &Connection, debtor_id: i64) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM event WHERE debtor_id = ?1", [debtor_id], |r| r.get(0))?)
}

/// The hash at the end of the event log's chain: it changes with every write to the book.
pub fn last_event_hash(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT hash FROM event ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).optional()?)
}

pub fn event_total(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM event", [], |r| r.get(0))?)
}

/// A debtor's events as JSON objects, oldest first.
pub fn events_of(conn: &Connection, debtor_id: i64) -> Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, kind, entity, entity_id, before, after FROM event WHERE debtor_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
        Ok(serde_json::json!({
            "at": r.get::<_, String>(0)?, "actor": r.get::<_, String>(1)?, "kind": r.get::<_, String>(2)?,
            "entity": r.get::<_, String>(3)?, "entity_id": r.get::<_, Option<i64>>(4)?,
            "before": parse(r.get(5)?), "after": parse(r.get(6)?),
        }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// SQLite's own check of the file: "ok", or what is wrong.
pub fn integrity_check(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(lines.join("; "))
}
