//! The figures of the activity, roll-rate, plan and dispute reports: per-day sums, reductions
//! that were not cash, plans with their installments and the money their debtors paid, and
//! disputes with the amount they held back. Classification and ratios happen in `desk`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_date, get_opt_date};
use crate::domain::{Installment, Money};

/// What happened on one day: attempts by outcome code, promises made and falling due, money in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayActivity {
    pub day: NaiveDate,
    /// (outcome code, attempts) of every attempt that day, any channel.
    pub outcomes: Vec<(String, u64)>,
    pub promises_made: u64,
    /// The amount of the promises made that day.
    pub promised: Money,
    /// Promises (not cancelled) falling due that day.
    pub promises_due: u64,
    pub promises_kept: u64,
    /// What the kept promises among them brought in.
    pub kept_amount: Money,
    /// Payments, settlements and ledger payments less reversals received that day.
    pub collected: Money,
}

/// The days of `from..=to` on which anything happened, oldest first. Money and promises count
/// only in `currency`; attempts carry no currency and all count. An attempt's day is its UTC date.
pub fn activity_by_day(conn: &Connection, from: NaiveDate, to: NaiveDate, currency: &str) -> Result<Vec<DayActivity>> {
    let (from, to) = (date(from), date(to));
    let mut days: BTreeMap<NaiveDate, DayActivity> = BTreeMap::new();

    let mut stmt = conn.prepare(
        "SELECT substr(at, 1, 10), outcome, COUNT(*) FROM attempt
          WHERE substr(at, 1, 10) BETWEEN ?1 AND ?2 AND undone_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows =
        stmt.query_map(params![from, to], |r| Ok((get_date(r, 0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (day, code, n) = row?;
        entry(&mut days, day).outcomes.push((code, n as u64));
    }

    let mut stmt = conn.prepare(
        "SELECT promised_on, COUNT(*), SUM(amount_cents) FROM promise
          WHERE currency = ?3 AND promised_on BETWEEN ?1 AND ?2 GROUP BY promised_on",
    )?;
    let rows = stmt
        .query_map(params![from, to, currency], |r| Ok((get_date(r, 0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (day, n, cents) = row?;
        let d = entry(&mut days, day);
        d.promises_made = n as u64;
        d.promised = Money(cents);
    }

    let mut stmt = conn.prepare(
        "SELECT due_on, COUNT(*), COUNT(*) FILTER (WHERE status = 'kept'),
                COALESCE(SUM(paid_cents) FILTER (WHERE status = 'kept'), 0)
           FROM promise
          WHERE currency = ?3 AND status != 'cancelled' AND due_on BETWEEN ?1 AND ?2 GROUP BY due_on",
    )?;
    let rows = stmt.query_map(params![from, to, currency], |r| {
        Ok((get_date(r, 0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
    })?;
    for row in rows {
        let (day, due, kept, cents) = row?;
        let d = entry(&mut days, day);
        d.promises_due = due as u64;
        d.promises_kept = kept as u64;
        d.kept_amount = Money(cents);
    }

    let mut stmt = conn.prepare(
        "SELECT received_on, SUM(amount_cents) FROM payment
          WHERE kind IN ('payment', 'settlement', 'ledger', 'reversal') AND currency = ?3
            AND received_on BETWEEN ?1 AND ?2 GROUP BY received_on",
    )?;
    let rows = stmt.query_map(params![from, to, currency], |r| Ok((get_date(r, 0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (day, cents) = row?;
        entry(&mut days, day).collected = Money(cents);
    }
    Ok(days.into_values().collect())
}

fn entry(days: &mut BTreeMap<NaiveDate, DayActivity>, day: NaiveDate) -> &mut DayActivity {
    days.entry(day).or_insert_with(|| DayActivity { day, ..Default::default() })
}

/// Per invoice, what write-offs and credits (not cash) took off it from the day after `after`
/// through `through`.
pub fn written_off_between(conn: &Connection, after: NaiveDate, through: NaiveDate) -> Result<HashMap<i64, Money>> {
    let mut stmt = conn.prepare(
        "SELECT a.invoice_id, SUM(a.amount_cents) FROM allocation a JOIN payment p ON p.id = a.payment_id
          WHERE p.kind IN ('write-off', 'credit') AND p.received_on > ?1 AND p.received_on <= ?2
          GROUP BY a.invoice_id",
    )?;
    let rows = stmt.query_map(params![date(after), date(through)], |r| Ok((r.get(0)?, Money(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A payment plan with its schedule and the days money could have gone to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFacts {
    pub id: i64,
    pub debtor_id: i64,
    /// As stored: active, completed, broken, replaced or cancelled.
    pub status: String,
    pub total: Money,
    pub grace_days: u32,
    /// The day it was agreed, or its first due date if that is earlier (a plan entered late).
    pub started_on: NaiveDate,
    /// For a replaced plan, the day the plan that replaced it was agreed.
    pub ended_on: Option<NaiveDate>,
    /// In due order.
    pub installments: Vec<Installment>,
}

/// Every plan in `currency`, oldest first.
pub fn plans_with_installments(conn: &Connection, currency: &str) -> Result<Vec<PlanFacts>> {
    let mut stmt = conn.prepare(concat!(
        "SELECT p.id, p.debtor_id, p.status, p.total_cents, p.grace_days, ",
        plan_span!(),
        " FROM plan p WHERE p.currency = ?1 ORDER BY p.id"
    ))?;
    let mut plans = stmt
        .query_map([currency], |r| {
            Ok(PlanFacts {
                id: r.get(0)?,
                debtor_id: r.get(1)?,
                status: r.get(2)?,
                total: Money(r.get(3)?),
                grace_days: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
                started_on: get_date(r, 5)?,
                ended_on: get_opt_date(r, 6)?,
                installments: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut by_plan: HashMap<i64, Vec<Installment>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT i.plan_id, i.seq, i.due_on, i.amount_cents, i.paid_cents, i.status
           FROM installment i JOIN plan p ON p.id = i.plan_id
          WHERE p.currency = ?1 ORDER BY i.plan_id, i.due_on, i.seq",
    )?;
    let rows = stmt.query_map([currency], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Installment {
                seq: r.get(1)?,
                due_on: get_date(r, 2)?,
                amount: Money(r.get(3)?),
                paid: Money(r.get(4)?),
                status: r.get(5)?,
                paid_on: None,
            },
        ))
    })?;
    for row in rows {
        let (plan_id, installment) = row?;
        by_plan.entry(plan_id).or_default().push(installment);
    }
    for plan in &mut plans {
        plan.installments = by_plan.remove(&plan.id).unwrap_or_default();
    }
    Ok(plans)
}

/// The money that pays plan installments: payments, settlements and ledger payments, and
/// reversals (negative).
macro_rules! plan_receipts {
    () => {
        "kind IN ('payment', 'settlement', 'ledger', 'reversal')"
    };
}

/// One debtor's receipts that pay plan installments, in the order received.
pub fn plan_receipts_of(conn: &Connection, debtor_id: i64) -> Result<Vec<(NaiveDate, Money)>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT received_on, amount_cents FROM payment WHERE debtor_id = ?1 AND ",
        plan_receipts!(),
        " ORDER BY received_on, id"
    ))?;
    let rows = stmt.query_map([debtor_id], |r| Ok((get_date(r, 0)?, Money(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Money received from debtors who have a plan (payments, settlements and ledger payments;
/// reversals negative), per debtor in the order received.
pub fn receipts_of_plan_debtors(conn: &Connection) -> Result<HashMap<i64, Vec<(NaiveDate, Money)>>> {
    let mut stmt = conn.prepare(concat!(
        "SELECT debtor_id, received_on, amount_cents FROM payment WHERE ",
        plan_receipts!(),
        " AND debtor_id IN (SELECT debtor_id FROM plan) ORDER BY debtor_id, received_on, id"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, get_date(r, 1)?, Money(r.get(2)?))))?;
    let mut out: HashMap<i64, Vec<(NaiveDate, Money)>> = HashMap::new();
    for row in rows {
        let (debtor_id, on, amount) = row?;
        out.entry(debtor_id).or_default().push((on, amount));
    }
    Ok(out)
}

/// A dispute and the amount it held back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeFacts {
    pub reason: String,
    /// open, upheld, rejected or withdrawn.
    pub status: String,
    pub opened_on: NaiveDate,
    pub resolved_on: Option<NaiveDate>,
    /// The amount recorded with it; else what the disputed invoice (or, for the whole account,
    /// every invoice issued by then) owed at the start of the day it was opened.
    pub amount: Money,
}

/// Disputes opened in `from..=to` by debtors billed in `currency`, oldest first.
pub fn disputes_opened_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
) -> Result<Vec<DisputeFacts>> {
    let mut stmt = conn.prepare(
        "SELECT d.reason, d.status, d.opened_on, d.resolved_on,
                COALESCE(d.amount_cents, (
                    SELECT SUM(i.balance_cents + COALESCE((SELECT SUM(a.amount_cents) FROM allocation a
                                                           JOIN payment p ON p.id = a.payment_id
                                                           WHERE a.invoice_id = i.id AND p.received_on >= d.opened_on), 0))
                      FROM invoice i
                     WHERE i.status != 'void'
                       AND (i.id = d.invoice_id
                            OR (d.invoice_id IS NULL AND i.debtor_id = d.debtor_id
                                AND COALESCE(i.issued_on, substr(i.created_at, 1, 10)) <= d.opened_on))
                ), 0)
           FROM dispute d JOIN debtor deb ON deb.id = d.debtor_id
          WHERE deb.currency = ?3 AND d.opened_on BETWEEN ?1 AND ?2
          ORDER BY d.opened_on, d.id",
    )?;
    let rows = stmt.query_map(params![date(from), date(to), currency], |r| {
        Ok(DisputeFacts {
            reason: r.get(0)?,
            status: r.get(1)?,
            opened_on: get_date(r, 2)?,
            resolved_on: get_opt_date(r, 3)?,
            amount: Money(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
