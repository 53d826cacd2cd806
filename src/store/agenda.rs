//! What is due on which day: open follow-ups, pending promises, the installments of active
//! plans and holds that end, for the agenda and the calendar export.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, get_date};
use crate::domain::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    FollowUp,
    Promise,
    Installment,
    HoldEnds,
}

/// One dated thing to do or to expect.
#[derive(Debug, Clone)]
pub struct DueItem {
    pub kind: DueKind,
    /// The follow-up, promise or installment id: stable across exports.
    pub id: i64,
    pub debtor_id: i64,
    pub debtor_name: String,
    pub due_on: NaiveDate,
    pub amount: Option<Money>,
    pub currency: String,
    /// The follow-up's text, "3/6" for an installment, the reason of a hold.
    pub detail: String,
}

/// Everything still open that falls due between `from` and `to` (either end open), by date.
pub fn due_items(conn: &Connection, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Vec<DueItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
         SELECT 0, f.id, f.debtor_id, d.name, f.due_on, NULL, d.currency, f.what
           FROM follow_up f JOIN debtor d ON d.id = f.debtor_id
          WHERE f.done_at IS NULL
         UNION ALL
         SELECT 1, p.id, p.debtor_id, d.name, p.due_on, p.amount_cents - p.paid_cents, p.currency, ''
           FROM promise p JOIN debtor d ON d.id = p.debtor_id
          WHERE p.status = 'pending'
         UNION ALL
         SELECT 2, i.id, pl.debtor_id, d.name, i.due_on, i.amount_cents - i.paid_cents, pl.currency,
                i.seq || '/' || (SELECT COUNT(*) FROM installment j WHERE j.plan_id = pl.id)
           FROM installment i JOIN plan pl ON pl.id = i.plan_id JOIN debtor d ON d.id = pl.debtor_id
          WHERE pl.status = 'active' AND i.status = 'due'
         UNION ALL
         SELECT 3, h.id, h.debtor_id, d.name, h.ends_on, NULL, d.currency, h.reason
           FROM hold h JOIN debtor d ON d.id = h.debtor_id
          WHERE h.released_at IS NULL AND h.ends_on IS NOT NULL)
         WHERE (?1 IS NULL OR due_on >= ?1) AND (?2 IS NULL OR due_on <= ?2)
         ORDER BY 5, 1, 2",
    )?;
    let rows = stmt.query_map(params![from.map(date), to.map(date)], |r| {
        let kind = match r.get::<_, i64>(0)? {
            0 => DueKind::FollowUp,
            1 => DueKind::Promise,
            2 => DueKind::Installment,
            _ => DueKind::HoldEnds,
        };
        Ok(DueItem {
            kind,
            id: r.get(1)?,
            debtor_id: r.get(2)?,
            debtor_name: r.get(3)?,
            due_on: get_date(r, 4)?,
            amount: r.get::<_, Option<i64>>(5)?.map(Money),
            currency: r.get(6)?,
            detail: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
