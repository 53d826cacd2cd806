//! Promises to pay, payment plans and their installments; disputes.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_code, get_date, instant};
use crate::domain::{Dispute, Installment, Money, Plan, Promise, PromiseStatus};

#[derive(Debug, Clone)]
pub struct NewPromise {
    pub debtor_id: i64,
    pub attempt_id: Option<i64>,
    pub amount: Money,
    pub currency: String,
    pub promised_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    pub paid: Money,
}

pub fn insert_promise(conn: &Connection, p: &NewPromise, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO promise (debtor_id, attempt_id, amount_cents, currency, promised_on, due_on, status, paid_cents, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        p.debtor_id,
        p.attempt_id,
        p.amount.cents(),
        p.currency,
        date(p.promised_on),
        date(p.due_on),
        p.status.code(),
        p.paid.cents(),
        instant(at),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Promises of a debtor, newest due date first.
pub fn promises_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Promise>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, amount_cents, currency, promised_on, due_on, status, paid_cents
         FROM promise WHERE debtor_id = ?1 ORDER BY due_on DESC, id DESC",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(Promise {
            id: r.get(0)?,
            debtor_id: r.get(1)?,
            amount: Money(r.get(2)?),
            currency: r.get(3)?,
            promised_on: get_date(r, 4)?,
            due_on: get_date(r, 5)?,
            status: get_code(r, 6, PromiseStatus::parse)?,
            paid: Money(r.get(7)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn update_promise(
    conn: &Connection,
    id: i64,
    status: PromiseStatus,
    paid: Money,
    resolved_on: Option<NaiveDate>,
) -> Result<()> {
    conn.prepare_cached("UPDATE promise SET status = ?2, paid_cents = ?3, resolved_on = ?4 WHERE id = ?1")?
        .execute(params![id, status.code(), paid.cents(), resolved_on.map(date)])?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewPlan {
    pub debtor_id: i64,
    pub total: Money,
    pub down_payment: Money,
    pub currency: String,
    pub frequency: String,
    pub first_due_on: NaiveDate,
    pub grace_days: i64,
    pub status: String,
    pub installments: Vec<Installment>,
}

pub fn insert_plan(conn: &Connection, p: &NewPlan, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO plan (debtor_id, total_cents, down_payment_cents, currency, frequency, first_due_on, grace_days, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        p.debtor_id,
        p.total.cents(),
        p.down_payment.cents(),
        p.currency,
        p.frequency,
        date(p.first_due_on),
        p.grace_days,
        p.status,
        instant(at),
    ])?;
    let plan_id = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO installment (plan_id, seq, due_on, amount_cents, paid_cents, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for i in &p.installments {
        stmt.execute(params![plan_id, i.seq, date(i.due_on), i.amount.cents(), i.paid.cents(), i.status])?;
    }
    Ok(plan_id)
}

/// A plan's span, two columns of `plan p`: the day money could first go to it (the day it was
/// agreed, or its first due date if earlier: a plan entered late), and the day the plan that
/// replaced it was agreed. One text for the account view and the plans report.
macro_rules! plan_span {
    () => {
        "min(substr(p.created_at, 1, 10), COALESCE((SELECT min(i.due_on) FROM installment i WHERE i.plan_id = p.id), '9999-12-31')),
         (SELECT min(substr(n.created_at, 1, 10)) FROM plan n WHERE n.replaces_plan_id = p.id)"
    };
}

pub fn plans_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Plan>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT p.id, p.debtor_id, p.total_cents, p.down_payment_cents, p.currency, p.frequency, p.first_due_on,
                p.status, p.grace_days, ",
        plan_span!(),
        " FROM plan p WHERE p.debtor_id = ?1 ORDER BY p.id DESC"
    ))?;
    let mut plans = stmt
        .query_map([debtor_id], |r| {
            Ok(Plan {
                id: r.get(0)?,
                debtor_id: r.get(1)?,
                total: Money(r.get(2)?),
                down_payment: Money(r.get(3)?),
                currency: r.get(4)?,
                frequency: r.get(5)?,
                first_due_on: get_date(r, 6)?,
                status: r.get(7)?,
                grace_days: u32::try_from(r.get::<_, i64>(8)?).unwrap_or(0),
                started_on: get_date(r, 9)?,
                ended_on: super::codec::get_opt_date(r, 10)?,
                installments: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, due_on, amount_cents, paid_cents, status FROM installment WHERE plan_id = ?1 ORDER BY seq",
    )?;
    for plan in &mut plans {
        plan.installments = stmt
            .query_map([plan.id], |r| {
                Ok(Installment {
                    seq: r.get(0)?,
                    due_on: get_date(r, 1)?,
                    amount: Money(r.get(2)?),
                    paid: Money(r.get(3)?),
                    status: r.get(4)?,
                    paid_on: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(plans)
}

pub fn insert_dispute(
    conn: &Connection,
    debtor_id: i64,
    invoice_id: Option<i64>,
    amount: Option<Money>,
    reason: &str,
    opened_on: NaiveDate,
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO dispute (debtor_id, invoice_id, amount_cents, reason, opened_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![debtor_id, invoice_id, amount.map(Money::cents), reason, date(opened_on), instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// The debtor a dispute belongs to.
pub fn dispute_debtor(conn: &Connection, dispute_id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT debtor_id FROM dispute WHERE id = ?1")?
        .query_row([dispute_id], |r| r.get(0))
        .optional()?)
}

pub fn disputes_of(conn: &Connection, debtor_id: i64) -> Result<Vec<Dispute>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, debtor_id, invoice_id, amount_cents, reason, status, opened_on FROM dispute
         WHERE debtor_id = ?1 ORDER BY opened_on DESC",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(Dispute {
            id: r.get(0)?,
            debtor_id: r.get(1)?,
            invoice_id: r.get(2)?,
            amount: r.get::<_, Option<i64>>(3)?.map(Money),
            reason: r.get(4)?,
            status: r.get(5)?,
            opened_on: get_date(r, 6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A plan stored active or broken, with its schedule: what the worklist, the agenda and the
/// calendar judge (`domain::plan::judge_plan`) to tell due, missed and cancelled apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePlan {
    pub id: i64,
    pub debtor_id: i64,
    pub status: String,
    pub grace_days: u32,
    /// (installment id, due, amount, paid) in due order.
    pub installments: Vec<(i64, NaiveDate, Money, Money)>,
}

pub fn live_plans(conn: &Connection) -> Result<Vec<LivePlan>> {
    // In the order of the (plan_id, seq) index, each plan's installments then sorted by due
    // date here (stably: seq order among equal dates), the same order as
    // `ORDER BY p.id, i.due_on, i.seq`, without SQLite sorting every installment of the book
    // in a temporary b-tree (about four times the cost of the scan; the worklist reads them all).
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.debtor_id, p.status, p.grace_days, i.id, i.due_on, i.amount_cents, i.paid_cents
           FROM plan p JOIN installment i ON i.plan_id = p.id
          WHERE p.status IN ('active', 'broken')
          ORDER BY i.plan_id, i.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: Vec<LivePlan> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|p| p.id != id) {
            out.push(LivePlan {
                id,
                debtor_id: r.get(1)?,
                status: r.get(2)?,
                grace_days: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                installments: Vec::new(),
            });
        }
        if let Some(plan) = out.last_mut() {
            plan.installments.push((r.get(4)?, get_date(r, 5)?, Money(r.get(6)?), Money(r.get(7)?)));
        }
    }
    for plan in &mut out {
        plan.installments.sort_by_key(|i| i.1);
    }
    Ok(out)
}

impl LivePlan {
    /// As `judge_plan` takes it: receipts are not needed to tell missed from cancelled, so
    /// the day it started does not matter; its first due date stands in.
    pub fn life(&self) -> crate::domain::plan::PlanLife<'_> {
        let first = self.installments.first().map(|i| i.1).unwrap_or(NaiveDate::MIN);
        crate::domain::plan::PlanLife {
            stored: &self.status,
            grace_days: self.grace_days,
            started_on: first,
            ended_on: None,
        }
    }

    pub fn schedule(&self) -> Vec<(NaiveDate, Money, Money)> {
        self.installments.iter().map(|i| (i.1, i.2, i.3)).collect()
    }
}

/// An installment of an active plan that is not fully paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInstallment {
    pub id: i64,
    pub plan_id: i64,
    pub due_on: NaiveDate,
    pub amount: Money,
    pub paid: Money,
}

pub fn open_installments(conn: &Connection, debtor_id: i64) -> Result<Vec<OpenInstallment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.plan_id, i.due_on, i.amount_cents, i.paid_cents FROM installment i
         JOIN plan p ON p.id = i.plan_id
         WHERE p.debtor_id = ?1 AND p.status = 'active' AND i.status <> 'paid'
         ORDER BY i.due_on, i.seq",
    )?;
    let rows = stmt.query_map([debtor_id], |r| {
        Ok(OpenInstallment {
            id: r.get(0)?,
            plan_id: r.get(1)?,
            due_on: get_date(r, 2)?,
            amount: Money(r.get(3)?),
            paid: Money(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn update_installment(conn: &Connection, id: i64, paid: Money, status: &str) -> Result<()> {
    conn.prepare_cached("UPDATE installment SET paid_cents = ?2, status = ?3 WHERE id = ?1")?.execute(params![
        id,
        paid.cents(),
        status
    ])?;
    Ok(())
}

/// A plan whose installments are all paid is completed.
pub fn complete_paid_plans(conn: &Connection, debtor_id: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE plan SET status = 'completed' WHERE debtor_id = ?1 AND status = 'active'
             AND NOT EXISTS (SELECT 1 FROM installment i WHERE i.plan_id = plan.id AND i.status <> 'paid')",
        )?
        .execute([debtor_id])?)
}

/// Mark the debtor's active plans replaced by a renegotiated one; their history stays.
pub fn replace_active_plans(conn: &Connection, debtor_id: i64) -> Result<Option<i64>> {
    let old: Option<i64> = conn
        .prepare_cached("SELECT max(id) FROM plan WHERE debtor_id = ?1 AND status = 'active'")?
        .query_row([debtor_id], |r| r.get(0))?;
    conn.prepare_cached("UPDATE plan SET status = 'replaced' WHERE debtor_id = ?1 AND status = 'active'")?
        .execute([debtor_id])?;
    Ok(old)
}

pub fn set_plan_replaces(conn: &Connection, plan_id: i64, replaces: i64) -> Result<()> {
    conn.prepare_cached("UPDATE plan SET replaces_plan_id = ?2 WHERE id = ?1")?.execute(params![plan_id, replaces])?;
    Ok(())
}

/// Take `amount` back off the newest paid installments of the active plan (a reversal).
pub fn unpay_installments(conn: &Connection, debtor_id: i64, amount: Money) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.paid_cents FROM installment i JOIN plan p ON p.id = i.plan_id
         WHERE p.debtor_id = ?1 AND p.status IN ('active', 'completed') AND i.paid_cents > 0
         ORDER BY i.due_on DESC, i.seq DESC",
    )?;
    let rows: Vec<(i64, i64)> =
        stmt.query_map([debtor_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut left = amount.cents();
    for (id, paid) in rows {
        if left <= 0 {
            break;
        }
        let take = paid.min(left);
        left -= take;
        conn.prepare_cached("UPDATE installment SET paid_cents = paid_cents - ?2, status = 'due' WHERE id = ?1")?
            .execute(params![id, take])?;
    }
    conn.prepare_cached("UPDATE plan SET status = 'active' WHERE debtor_id = ?1 AND status = 'completed'")?
        .execute([debtor_id])?;
    Ok(())
}
