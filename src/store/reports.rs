//! The figures reports are made of: balances as they stood on a past date and the money, promises
//! and attempts of a period. Only sums and dated items leave here; formulas live in `domain::kpi`.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_date};
use crate::domain::Money;

/// One invoice's balance as it stood on the report date.
#[derive(Debug, Clone)]
pub struct BalanceAsOf {
    pub invoice_id: i64,
    pub debtor_id: i64,
    pub debtor_name: String,
    pub currency: String,
    pub due_on: NaiveDate,
    pub balance: Money,
}

/// Every invoice issued by `as_of` with a balance that day: today's balance with the money
/// applied after `as_of` added back. Balances the ledger changed by import without a payment in
/// dun are taken as they are now.
pub fn balances_as_of(conn: &Connection, as_of: NaiveDate) -> Result<Vec<BalanceAsOf>> {
    // The money applied after `as_of` is summed once per invoice that had any (one pass over
    // the later payments), not looked up for each of a million invoices; rows whose balance
    // that day was nil never leave SQLite.
    let mut stmt = conn.prepare(
        "WITH later (invoice_id, cents) AS (
             SELECT a.invoice_id, SUM(a.amount_cents) FROM payment p JOIN allocation a ON a.payment_id = p.id
             WHERE p.received_on > ?1 GROUP BY a.invoice_id)
         SELECT id, debtor_id, name, currency, due_on, balance FROM (
             SELECT i.id, i.debtor_id, d.name, i.currency, i.due_on,
                    i.balance_cents + COALESCE(l.cents, 0) AS balance
             FROM invoice i JOIN debtor d ON d.id = i.debtor_id LEFT JOIN later l ON l.invoice_id = i.id
             WHERE i.status != 'void' AND COALESCE(i.issued_on, substr(i.created_at, 1, 10)) <= ?1)
         WHERE balance != 0",
    )?;
    let rows = stmt.query_map(params![date(as_of)], |r| {
        Ok(BalanceAsOf {
            invoice_id: r.get(0)?,
            debtor_id: r.get(1)?,
            debtor_name: r.get(2)?,
            currency: r.get(3)?,
            due_on: get_date(r, 4)?,
            balance: Money(r.get(5)?),
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let row = row?;
        if row.balance != Money::ZERO {
            out.push(row);
        }
    }
    Ok(out)
}

/// Money and promise counts of a period, both ends inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    /// Invoices issued in the period, net of credit memos.
    pub credit_sales: Money,
    /// Payments, settlements and ledger payments less reversals.
    pub collected: Money,
    pub written_off: Money,
    pub promises_due: u64,
    pub promises_kept: u64,
    pub promised: Money,
    pub paid_against_promises: Money,
    pub promises_made: u64,
}

pub fn period_figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<PeriodFigures> {
    let (from, to) = (date(from), date(to));
    let money = |sql: &str| -> Result<Money> {
        Ok(Money(conn.query_row(sql, params![from, to], |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0)))
    };
    let credit_sales = money(
        "SELECT SUM(original_cents) FROM invoice
         WHERE kind IN ('invoice', 'credit-memo') AND status != 'void' AND issued_on BETWEEN ?1 AND ?2",
    )?;
    let collected = money(
        "SELECT SUM(amount_cents) FROM payment
         WHERE kind IN ('payment', 'settlement', 'ledger', 'reversal') AND received_on BETWEEN ?1 AND ?2",
    )?;
    let written_off =
        money("SELECT SUM(amount_cents) FROM payment WHERE kind = 'write-off' AND received_on BETWEEN ?1 AND ?2")?;
    let (promises_due, promises_kept, promised, paid_against_promises) = conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'kept'), COALESCE(SUM(amount_cents), 0), COALESCE(SUM(paid_cents), 0)
         FROM promise WHERE status != 'cancelled' AND due_on BETWEEN ?1 AND ?2",
        params![from, to],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
    )?;
    let promises_made: i64 =
        conn.query_row("SELECT COUNT(*) FROM promise WHERE promised_on BETWEEN ?1 AND ?2", params![from, to], |r| {
            r.get(0)
        })?;
    Ok(PeriodFigures {
        credit_sales,
        collected,
        written_off,
        promises_due: promises_due as u64,
        promises_kept: promises_kept as u64,
        promised: Money(promised),
        paid_against_promises: Money(paid_against_promises),
        promises_made: promises_made as u64,
    })
}

/// One attempt of a period: who and with what outcome code (undone ones left out).
pub fn attempts_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT debtor_id, outcome FROM attempt WHERE substr(at, 1, 10) BETWEEN ?1 AND ?2 AND undone_at IS NULL",
    )?;
    let rows = stmt.query_map(params![date(from), date(to)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A payment, settlement, write-off or reversal with the invoices it touched, for the way back
/// to the accounting system.
#[derive(Debug, Clone)]
pub struct PaymentEntry {
    pub id: i64,
    pub kind: String,
    pub debtor_name: String,
    pub debtor_ref: Option<String>,
    pub received_on: NaiveDate,
    pub amount: Money,
    pub currency: String,
    pub method: String,
    pub reference: String,
    pub note: String,
    /// (invoice number, amount applied): negative for a reversal.
    pub applied: Vec<(String, Money)>,
}

/// Money movements recorded in dun from `since` on, oldest first. Ledger payments came from
/// the accounting system and are left out: sending them back would count them twice.
pub fn payments_since(conn: &Connection, since: NaiveDate) -> Result<Vec<PaymentEntry>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.kind, d.name, d.external_ref, p.received_on, p.amount_cents, p.currency, p.method,
                p.reference, p.note
           FROM payment p JOIN debtor d ON d.id = p.debtor_id
          WHERE p.received_on >= ?1 AND p.kind != 'ledger'
          ORDER BY p.received_on, p.id",
    )?;
    let mut applied = conn.prepare_cached(
        "SELECT i.number, a.amount_cents FROM allocation a JOIN invoice i ON i.id = a.invoice_id
          WHERE a.payment_id = ?1 ORDER BY a.id",
    )?;
    let rows = stmt.query_map(params![date(since)], |r| {
        Ok(PaymentEntry {
            id: r.get(0)?,
            kind: r.get(1)?,
            debtor_name: r.get(2)?,
            debtor_ref: r.get(3)?,
            received_on: get_date(r, 4)?,
            amount: Money(r.get(5)?),
            currency: r.get(6)?,
            method: r.get(7)?,
            reference: r.get(8)?,
            note: r.get(9)?,
            applied: Vec::new(),
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let mut entry = row?;
        entry.applied = applied
            .query_map(params![entry.id], |r| Ok((r.get(0)?, Money(r.get(1)?))))?
            .collect::<rusqlite::Result<_>>()?;
        out.push(entry);
    }
    Ok(out)
}

/// Accounts placed with an attorney or agency (legal cases) up to `to`: for each, the
/// balance owed on the day it was referred and what came in from then until `to` (K-REC).
pub fn placements(conn: &Connection, to: NaiveDate, currency: &str) -> Result<Vec<(Money, Money)>> {
    let mut stmt = conn.prepare(
        "SELECT
           (SELECT coalesce(sum(i.original_cents), 0)
              FROM invoice i
             WHERE i.debtor_id = c.debtor_id AND i.kind IN ('invoice', 'credit-memo') AND i.status != 'void'
               AND i.currency = ?2 AND coalesce(i.issued_on, i.due_on) <= c.referred_on)
         - (SELECT coalesce(sum(p.amount_cents), 0) FROM payment p
             WHERE p.debtor_id = c.debtor_id AND p.currency = ?2 AND p.received_on <= c.referred_on),
           (SELECT coalesce(sum(p.amount_cents), 0) FROM payment p
             WHERE p.debtor_id = c.debtor_id AND p.currency = ?2
               AND p.kind IN ('payment', 'settlement', 'ledger', 'reversal')
               AND p.received_on > c.referred_on AND p.received_on <= ?1)
         FROM legal_case c WHERE c.referred_on <= ?1 AND c.undone_at IS NULL",
    )?;
    let rows = stmt.query_map(params![date(to), currency], |r| Ok((Money(r.get(0)?), Money(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Credit sales of each calendar month back from `to` (the last one up to `to`), newest
/// first, with the days each covers: the inputs of the count-back DSO.
pub fn monthly_sales(conn: &Connection, to: NaiveDate, months: u32) -> Result<Vec<(Money, u32)>> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let mut end = to;
    for _ in 0..months {
        let start = end.with_day(1).unwrap_or(end);
        let sales = period_figures(conn, start, end)?.credit_sales;
        out.push((sales, u32::try_from((end - start).num_days() + 1).unwrap_or(0)));
        end = start.pred_opt().unwrap_or(start);
    }
    Ok(out)
}
