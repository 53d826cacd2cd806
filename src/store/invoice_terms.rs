//! Terms on one invoice: a hold that sets it aside for a while, an extension that moves its
//! due date.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::Result;
use super::codec::{date, get_date, get_opt_date, instant};

pub fn insert_invoice_hold(
    conn: &Connection,
    debtor_id: i64,
    invoice_id: i64,
    reason: &str,
    (starts_on, ends_on): (NaiveDate, Option<NaiveDate>),
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO hold (debtor_id, invoice_id, reason, starts_on, ends_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![debtor_id, invoice_id, reason, date(starts_on), ends_on.map(date), instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// An invoice set aside by a hold in force on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceHold {
    pub id: i64,
    pub invoice_id: i64,
    pub reason: String,
    pub ends_on: Option<NaiveDate>,
}

pub fn invoice_holds_of(conn: &Connection, debtor_id: i64, today: NaiveDate) -> Result<Vec<InvoiceHold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, invoice_id, reason, ends_on FROM hold
         WHERE debtor_id = ?1 AND invoice_id IS NOT NULL AND released_at IS NULL
           AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![debtor_id, date(today)], |r| {
        Ok(InvoiceHold { id: r.get(0)?, invoice_id: r.get(1)?, reason: r.get(2)?, ends_on: get_opt_date(r, 3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every invoice a hold sets aside on `today`, across the book (the worklist leaves them out).
pub fn held_invoices(conn: &Connection, today: NaiveDate) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_id FROM hold WHERE invoice_id IS NOT NULL AND released_at IS NULL
           AND starts_on <= ?1 AND (ends_on IS NULL OR ends_on >= ?1)",
    )?;
    let rows = stmt.query_map([date(today)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extension {
    pub id: i64,
    pub invoice_id: i64,
    pub from_due_on: NaiveDate,
    pub to_due_on: NaiveDate,
    pub reason: String,
}

pub fn insert_extension(conn: &Connection, debtor_id: i64, e: &Extension, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO extension (debtor_id, invoice_id, from_due_on, to_due_on, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![debtor_id, e.invoice_id, date(e.from_due_on), date(e.to_due_on), e.reason, instant(at)])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE invoice SET due_on = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        e.invoice_id,
        date(e.to_due_on),
        instant(at)
    ])?;
    Ok(id)
}

/// Put an invoice's due date back (an undone extension).
pub fn set_invoice_due(conn: &Connection, invoice_id: i64, due_on: NaiveDate, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE invoice SET due_on = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        invoice_id,
        date(due_on),
        instant(at)
    ])?;
    Ok(())
}

/// The extensions in force: those whose new date is still the invoice's due date (an undone
/// one, or one a later extension moved on, is history in the event log).
pub fn extensions_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Extension>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.invoice_id, e.from_due_on, e.to_due_on, e.reason FROM extension e
           JOIN invoice i ON i.id = e.invoice_id
          WHERE e.debtor_id = ?1 AND i.due_on = e.to_due_on
          ORDER BY e.id",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(Extension {
            id: r.get(0)?,
            invoice_id: r.get(1)?,
            from_due_on: get_date(r, 2)?,
            to_due_on: get_date(r, 3)?,
            reason: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For the worklist's reason: per debtor, the invoices held and due dates extended that are
/// in force on `today`, in words ("1 invoice set aside until 2026-12-02; due date extended to
/// 2026-12-22").
pub fn invoice_term_notes(conn: &Connection, today: NaiveDate) -> Result<std::collections::HashMap<i64, String>> {
    let mut notes: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT debtor_id, count(*), max(ends_on) FROM hold
          WHERE invoice_id IS NOT NULL AND released_at IS NULL
            AND starts_on <= ?1 AND (ends_on IS NULL OR ends_on >= ?1)
          GROUP BY debtor_id",
    )?;
    let rows = stmt
        .query_map([date(today)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?)))?;
    for row in rows {
        let (debtor, n, until) = row?;
        let until = until.map(|u| format!(" until {u}")).unwrap_or_default();
        notes.entry(debtor).or_default().push(format!("{n} invoice(s) set aside{until}"));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT e.debtor_id, max(e.to_due_on) FROM extension e JOIN invoice i ON i.id = e.invoice_id
          WHERE i.due_on = e.to_due_on AND i.status = 'open' AND e.to_due_on >= ?1
          GROUP BY e.debtor_id",
    )?;
    let rows = stmt.query_map([date(today)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (debtor, to) = row?;
        notes.entry(debtor).or_default().push(format!("due date extended to {to}"));
    }
    Ok(notes.into_iter().map(|(k, v)| (k, v.join("; "))).collect())
}
