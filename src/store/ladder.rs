//! What the escalation ladder needs to know of one account beyond its worklist row: the
//! calls, letters and emails since its oldest invoice in collection fell due, how much is in
//! collection, and whether a dispute stops it, a plan or legal case is open.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::date;
use crate::domain::dispute::held_back;
use crate::domain::{Channel, Money};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LadderHistory {
    /// Outbound calls, letters and emails after `since`: channel and the note's first word
    /// (letters and emails dun wrote start with their template's name).
    pub marks: Vec<(Channel, String, NaiveDate)>,
    /// Nothing of the open balance is left to demand: a whole-account dispute, or disputes
    /// that hold back every invoice in full. (A partial dispute leaves the rest to collect.)
    pub disputed: bool,
    /// The open balance less what open disputes hold back.
    pub in_collection: Money,
    pub active_plan: bool,
    pub referred: bool,
    /// An account-wide hold in force today.
    pub on_hold: bool,
    /// The due date of the oldest open invoice with something in collection (of the oldest
    /// open one when all of it is disputed).
    pub oldest_due_on: Option<NaiveDate>,
}

pub fn ladder_history(conn: &Connection, debtor_id: i64, today: NaiveDate) -> Result<LadderHistory> {
    let disputes = super::open_invoice_disputes(conn, Some(debtor_id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, due_on, balance_cents FROM invoice WHERE debtor_id = ?1 AND status = 'open' AND balance_cents > 0",
    )?;
    let open = stmt
        .query_map([debtor_id], |r| Ok((r.get::<_, i64>(0)?, super::codec::get_date(r, 1)?, Money(r.get(2)?))))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let collectable: Vec<(NaiveDate, Money)> = open
        .iter()
        .map(|(id, due, balance)| {
            let held = disputes.get(id).map_or(Money::ZERO, |d| held_back(*balance, d.iter().copied()));
            (*due, *balance - held)
        })
        .collect();
    let in_collection: Money = collectable.iter().map(|(_, m)| *m).sum();
    let oldest_due_on = collectable
        .iter()
        .filter(|(_, m)| m.is_positive())
        .map(|(due, _)| *due)
        .min()
        .or_else(|| open.iter().map(|(_, due, _)| *due).min());
    let Some(since) = oldest_due_on else {
        return Ok(LadderHistory::default());
    };
    let after = date(since.checked_add_days(Days::new(1)).unwrap_or(since));
    let mut stmt = conn.prepare_cached(
        "SELECT channel, substr(note, 1, instr(note || ' ', ' ') - 1), substr(at, 1, 10) FROM attempt
         WHERE debtor_id = ?1 AND at >= ?2 AND undone_at IS NULL AND channel IN ('call-out', 'letter', 'email')",
    )?;
    let marks = stmt
        .query_map(params![debtor_id, after], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, super::codec::get_date(r, 2)?))
        })?
        .filter_map(|r| r.map(|(c, w, on)| Channel::parse(&c).map(|c| (c, w, on))).transpose())
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (account_disputed, active_plan, referred, on_hold): (bool, _, _, _) = conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM dispute WHERE debtor_id = ?1 AND status = 'open' AND invoice_id IS NULL),
                EXISTS(SELECT 1 FROM plan WHERE debtor_id = ?1 AND status = 'active'),
                EXISTS(SELECT 1 FROM legal_case WHERE debtor_id = ?1 AND status != 'closed' AND undone_at IS NULL),
                EXISTS(SELECT 1 FROM hold WHERE debtor_id = ?1 AND invoice_id IS NULL AND released_at IS NULL
                          AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2))",
        )?
        .query_row(params![debtor_id, date(today)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let disputed = account_disputed || !in_collection.is_positive();
    Ok(LadderHistory { marks, disputed, in_collection, active_plan, referred, on_hold, oldest_due_on })
}
