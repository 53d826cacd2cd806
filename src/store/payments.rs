//! Payments and how each was applied to invoices.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_date, instant};
use crate::domain::{AppliedAmount, Money, Payment};

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub debtor_id: i64,
    pub kind: String,
    pub amount: Money,
    pub currency: String,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: String,
}

pub fn insert_payment(conn: &Connection, p: &NewPayment, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO payment (debtor_id, kind, amount_cents, currency, received_on, method, reference, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.debtor_id,
        p.kind,
        p.amount.cents(),
        p.currency,
        date(p.received_on),
        p.method,
        p.reference,
        instant(at)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_allocation(conn: &Connection, payment_id: i64, invoice_id: i64, amount: Money) -> Result<()> {
    conn.prepare_cached("INSERT INTO allocation (payment_id, invoice_id, amount_cents) VALUES (?1, ?2, ?3)")?
        .execute(params![payment_id, invoice_id, amount.cents()])?;
    Ok(())
}

/// Payments of a debtor, newest first, each with its allocations.
pub fn payments_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, kind, amount_cents, currency, received_on, method, reference
         FROM payment WHERE debtor_id = ?1 ORDER BY received_on DESC, id DESC",
    )?;
    let mut payments = stmt
        .query_map([debtor_id], |r| {
            Ok(Payment {
                id: r.get(0)?,
                debtor_id: r.get(1)?,
                kind: r.get(2)?,
                amount: Money(r.get(3)?),
                currency: r.get(4)?,
                received_on: get_date(r, 5)?,
                method: r.get(6)?,
                reference: r.get(7)?,
                allocations: Vec::new(),
                unapplied: Money::ZERO,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.invoice_id, i.number, a.amount_cents FROM allocation a JOIN invoice i ON i.id = a.invoice_id
         WHERE a.payment_id = ?1 ORDER BY a.id",
    )?;
    for p in &mut payments {
        p.allocations = stmt
            .query_map([p.id], |r| {
                Ok(AppliedAmount { invoice_id: r.get(0)?, invoice_number: r.get(1)?, amount: Money(r.get(2)?) })
            })?
            .collect::<rusqlite::Result<_>>()?;
        p.unapplied = p.amount - p.allocations.iter().map(|a| a.amount).sum();
    }
    Ok(payments)
}

/// Money received from a debtor and not applied to any invoice (none was open and undisputed
/// for it), payment by payment, oldest first: (payment id, what is left of it). Reversed
/// payments are not money in hand.
pub fn unapplied_payments(conn: &Connection, debtor_id: i64) -> Result<Vec<(i64, Money)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, left FROM (
             SELECT p.id, p.received_on,
                    p.amount_cents - coalesce((SELECT sum(a.amount_cents) FROM allocation a WHERE a.payment_id = p.id), 0)
                        AS left
             FROM payment p
             WHERE p.debtor_id = ?1 AND p.kind = 'payment'
               AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.reverses_payment_id = p.id))
         WHERE left > 0 ORDER BY received_on, id",
    )?;
    let rows = stmt.query_map([debtor_id], |r| Ok((r.get(0)?, Money(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Money received from a debtor on or after `since` (what counts toward a promise).
pub fn paid_since(conn: &Connection, debtor_id: i64, since: NaiveDate) -> Result<Money> {
    let cents: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(amount_cents), 0) FROM payment
             WHERE debtor_id = ?1 AND received_on >= ?2 AND kind IN ('payment', 'settlement', 'ledger', 'reversal')",
        )?
        .query_row(params![debtor_id, date(since)], |r| r.get(0))?;
    Ok(Money(cents))
}

/// Money received between two dates (reversals subtract).
pub fn paid_between(conn: &Connection, debtor_id: i64, from: NaiveDate, until: NaiveDate) -> Result<Money> {
    let cents: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(amount_cents), 0) FROM payment
             WHERE debtor_id = ?1 AND received_on >= ?2 AND received_on <= ?3
               AND kind IN ('payment', 'settlement', 'ledger', 'reversal')",
        )?
        .query_row(params![debtor_id, date(from), date(until)], |r| r.get(0))?;
    Ok(Money(cents))
}

/// (debtor, kind, amount, already reversed?) of a payment.
pub fn payment_facts(conn: &Connection, id: i64) -> Result<Option<(i64, String, Money, bool)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT debtor_id, kind, amount_cents,
                    EXISTS (SELECT 1 FROM payment r WHERE r.reverses_payment_id = payment.id)
             FROM payment WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, Money(r.get(2)?), r.get(3)?)))
        .optional()?)
}

pub fn allocations_of(conn: &Connection, payment_id: i64) -> Result<Vec<(i64, Money)>> {
    let mut stmt = conn.prepare_cached("SELECT invoice_id, amount_cents FROM allocation WHERE payment_id = ?1")?;
    let rows = stmt.query_map([payment_id], |r| Ok((r.get(0)?, Money(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_reversal(
    conn: &Connection,
    reverses: i64,
    debtor_id: i64,
    amount: Money,
    currency: &str,
    on: NaiveDate,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    insert_taking_back(conn, ("reversal", "reversal"), (reverses, debtor_id), (amount, currency), on, reason, at)
}

/// A row that takes back an earlier one (`reverses`), of `kind` and `method`.
fn insert_taking_back(
    conn: &Connection,
    (kind, method): (&str, &str),
    (reverses, debtor_id): (i64, i64),
    (amount, currency): (Money, &str),
    on: NaiveDate,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO payment (debtor_id, kind, amount_cents, currency, received_on, method, reference, note,
            reverses_payment_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8, ?9)",
    )?
    .execute(params![
        debtor_id,
        kind,
        amount.cents(),
        currency,
        date(on),
        method,
        reason,
        reverses,
        instant(at)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The write-off that took a settlement's remainder, if it stands (not reversed yet).
pub fn settlement_remainder(conn: &Connection, settlement_id: i64) -> Result<Option<(i64, Money)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.amount_cents FROM payment p
              WHERE p.kind = 'write-off' AND p.method = 'settlement-remainder' AND p.reference = ?1
                AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.reverses_payment_id = p.id)",
        )?
        .query_row([format!("settlement #{settlement_id}")], |r| Ok((r.get(0)?, Money(r.get(1)?))))
        .optional()?)
}

/// Take back a write-off: a negative write-off row that names it, so write-off totals net out
/// and collections are untouched.
pub fn insert_write_off_reversal(
    conn: &Connection,
    reverses: i64,
    debtor_id: i64,
    (amount, currency): (Money, &str),
    on: NaiveDate,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let kind = ("write-off", "settlement-remainder");
    insert_taking_back(conn, kind, (reverses, debtor_id), (-amount, currency), on, reason, at)
}
