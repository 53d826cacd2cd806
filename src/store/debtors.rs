//! Debtors, their contact points and holds.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::codec::{date, get_code, get_opt_date, instant};
use super::{Result, StoreError};
use crate::domain::{ContactKind, ContactPoint, ContactStatus, Debtor, DebtorFlags, DebtorKind, Hold};

#[derive(Debug, Clone, Default)]
pub struct NewDebtor {
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: Option<DebtorKind>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub time_zone: Option<String>,
    pub currency: String,
    pub flags: DebtorFlags,
}

pub fn insert_debtor(conn: &Connection, d: &NewDebtor, at: DateTime<Utc>) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO debtor (external_ref, name, kind, region, postal_code, time_zone, currency,
            cease_contact, attorney, bankruptcy, deceased, do_not_call, email_opt_out, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?;
    let f = d.flags;
    stmt.execute(params![
        d.external_ref,
        d.name,
        d.kind.unwrap_or(DebtorKind::Business).code(),
        d.region,
        d.postal_code,
        d.time_zone,
        d.currency,
        f.cease_contact,
        f.attorney,
        f.bankruptcy,
        f.deceased,
        f.do_not_call,
        f.email_opt_out,
        instant(at),
    ])?;
    Ok(conn.last_insert_rowid())
}

fn debtor_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Debtor> {
    Ok(Debtor {
        id: r.get(0)?,
        external_ref: r.get(1)?,
        name: r.get(2)?,
        kind: get_code(r, 3, DebtorKind::parse)?,
        region: r.get(4)?,
        postal_code: r.get(5)?,
        time_zone: r.get(6)?,
        currency: r.get(7)?,
        status: r.get(8)?,
        flags: flags_at(r, 9)?,
        debt_purpose: r.get(15)?,
        collector_role: r.get(16)?,
        natural_person: r.get(17)?,
    })
}

/// The six standing flags, read from consecutive columns starting at `first`
/// (cease_contact, attorney, bankruptcy, deceased, do_not_call, email_opt_out).
pub(super) fn flags_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<DebtorFlags> {
    Ok(DebtorFlags {
        cease_contact: r.get(first)?,
        attorney: r.get(first + 1)?,
        bankruptcy: r.get(first + 2)?,
        deceased: r.get(first + 3)?,
        do_not_call: r.get(first + 4)?,
        email_opt_out: r.get(first + 5)?,
    })
}

pub fn debtor(conn: &Connection, id: i64) -> Result<Debtor> {
    conn.prepare_cached(
        "SELECT id, external_ref, name, kind, region, postal_code, time_zone, currency, status,
                cease_contact, attorney, bankruptcy, deceased, do_not_call, email_opt_out,
                debt_purpose, collector_role, natural_person
         FROM debtor WHERE id = ?1",
    )?
    .query_row([id], debtor_from_row)
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("debtor {id}")))
}

/// Find a debtor by numeric id or by the ledger's customer reference.
pub fn resolve_account(conn: &Connection, account: &str) -> Result<Option<i64>> {
    let account = account.trim();
    let by_ref: Option<i64> = conn
        .prepare_cached("SELECT id FROM debtor WHERE external_ref = ?1")?
        .query_row([account], |r| r.get(0))
        .optional()?;
    if by_ref.is_some() {
        return Ok(by_ref);
    }
    if let Ok(id) = account.parse::<i64>() {
        return Ok(conn
            .prepare_cached("SELECT id FROM debtor WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?);
    }
    // A name, when exactly one debtor has it.
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM debtor WHERE name = ?1 COLLATE NOCASE LIMIT 2")?
        .query_map([account], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if ids.len() == 1 { Some(ids[0]) } else { None })
}

pub fn debtor_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM debtor", [], |r| r.get(0))?)
}

#[derive(Debug, Clone)]
pub struct NewContactPoint {
    pub debtor_id: i64,
    pub kind: ContactKind,
    pub label: String,
    pub value: String,
    pub status: ContactStatus,
    pub source: String,
    pub is_work: bool,
}

pub fn insert_contact_point(conn: &Connection, c: &NewContactPoint, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO contact_point (debtor_id, kind, label, value, status, source, is_work, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        c.debtor_id,
        c.kind.code(),
        c.label,
        c.value,
        c.status.code(),
        c.source,
        c.is_work,
        instant(at)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn contact_points(conn: &Connection, debtor_id: i64) -> Result<Vec<ContactPoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, kind, label, value, status, source, is_work FROM contact_point
         WHERE debtor_id = ?1
         ORDER BY CASE kind WHEN 'phone' THEN 0 WHEN 'email' THEN 1 ELSE 2 END,
                  CASE status WHEN 'good' THEN 0 WHEN 'unverified' THEN 1 ELSE 2 END, id",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(ContactPoint {
            id: r.get(0)?,
            debtor_id: r.get(1)?,
            kind: get_code(r, 2, ContactKind::parse)?,
            label: r.get(3)?,
            value: r.get(4)?,
            status: get_code(r, 5, ContactStatus::parse)?,
            source: r.get(6)?,
            is_work: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_hold(
    conn: &Connection,
    debtor_id: i64,
    reason: &str,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO hold (debtor_id, reason, starts_on, ends_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![debtor_id, reason, date(starts_on), ends_on.map(date), instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// Holds in force on `today` (started, not ended, not released).
pub fn active_holds(conn: &Connection, debtor_id: i64, today: NaiveDate) -> Result<Vec<Hold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, reason, ends_on FROM hold
         WHERE debtor_id = ?1 AND invoice_id IS NULL AND released_at IS NULL
           AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![debtor_id, date(today)], |r| {
        Ok(Hold { id: r.get(0)?, debtor_id: r.get(1)?, reason: r.get(2)?, ends_on: get_opt_date(r, 3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Contact points are never deleted, only marked.
pub fn mark_contact_point(conn: &Connection, id: i64, status: ContactStatus, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE contact_point SET status = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        id,
        status.code(),
        instant(at)
    ])?;
    Ok(())
}

/// Raise one of the debtor's standing flags. Flag names map to fixed statements,
/// never to SQL built from text.
pub fn set_debtor_flag(conn: &Connection, debtor_id: i64, flag: &str, at: DateTime<Utc>) -> Result<()> {
    let sql = match flag {
        "cease_contact" => "UPDATE debtor SET cease_contact = 1, updated_at = ?2 WHERE id = ?1",
        "attorney" => "UPDATE debtor SET attorney = 1, updated_at = ?2 WHERE id = ?1",
        "bankruptcy" => "UPDATE debtor SET bankruptcy = 1, updated_at = ?2 WHERE id = ?1",
        "deceased" => "UPDATE debtor SET deceased = 1, updated_at = ?2 WHERE id = ?1",
        "do_not_call" => "UPDATE debtor SET do_not_call = 1, updated_at = ?2 WHERE id = ?1",
        "email_opt_out" => "UPDATE debtor SET email_opt_out = 1, updated_at = ?2 WHERE id = ?1",
        other => return Err(StoreError::NotFound(format!("debtor flag {other}"))),
    };
    conn.prepare_cached(sql)?.execute(params![debtor_id, instant(at)])?;
    Ok(())
}

/// Debtors with neither a good phone nor a good postal address on file.
pub fn unreachable_debtors(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM debtor d WHERE NOT EXISTS (
             SELECT 1 FROM contact_point c
             WHERE c.debtor_id = d.id AND c.status = 'good' AND c.kind IN ('phone', 'address'))",
    )?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}
