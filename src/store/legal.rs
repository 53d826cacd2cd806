//! Legal cases: an account referred to an attorney or agency, and what the court did.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::codec::{date, get_date, get_opt_date, instant};
use crate::domain::{LegalCase, Money};

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LegalCase> {
    Ok(LegalCase {
        id: r.get(0)?,
        debtor_id: r.get(1)?,
        referred_on: get_date(r, 2)?,
        attorney: r.get(3)?,
        court: r.get(4)?,
        case_number: r.get(5)?,
        status: r.get(6)?,
        costs: Money(r.get(7)?),
        judgment: r.get::<_, Option<i64>>(8)?.map(Money),
        next_court_on: get_opt_date(r, 9)?,
    })
}

pub fn insert_legal_case(conn: &Connection, c: &LegalCase, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO legal_case (debtor_id, referred_on, attorney, court, case_number, status, costs_cents,
                                 judgment_cents, next_court_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c.debtor_id,
        date(c.referred_on),
        c.attorney,
        c.court,
        c.case_number,
        c.status,
        c.costs.0,
        c.judgment.map(|m| m.0),
        c.next_court_on.map(date),
        instant(at),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Write every field of an existing case.
pub fn update_legal_case(conn: &Connection, c: &LegalCase) -> Result<()> {
    conn.prepare_cached(
        "UPDATE legal_case SET referred_on = ?2, attorney = ?3, court = ?4, case_number = ?5, status = ?6,
                costs_cents = ?7, judgment_cents = ?8, next_court_on = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        c.id,
        date(c.referred_on),
        c.attorney,
        c.court,
        c.case_number,
        c.status,
        c.costs.0,
        c.judgment.map(|m| m.0),
        c.next_court_on.map(date),
    ])?;
    Ok(())
}

pub fn legal_cases_of(conn: &Connection, debtor_id: i64) -> Result<Vec<LegalCase>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, referred_on, attorney, court, case_number, status, costs_cents, judgment_cents,
                next_court_on
           FROM legal_case WHERE debtor_id = ?1 AND undone_at IS NULL ORDER BY referred_on, id",
    )?;
    let rows = stmt.query_map([debtor_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The case still running for the debtor, if any (at most one is open at a time).
pub fn open_legal_case(conn: &Connection, debtor_id: i64) -> Result<Option<LegalCase>> {
    let sql = "SELECT id, debtor_id, referred_on, attorney, court, case_number, status, costs_cents, judgment_cents,
                      next_court_on
                 FROM legal_case WHERE debtor_id = ?1 AND status != 'closed' AND undone_at IS NULL
                ORDER BY id DESC LIMIT 1";
    Ok(conn.prepare_cached(sql)?.query_row([debtor_id], row).optional()?)
}
