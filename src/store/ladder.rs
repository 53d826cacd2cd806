//! What the escalation ladder needs to know of one account beyond its worklist row: the
//! calls, letters and emails since its oldest open invoice fell due, and whether a dispute, plan or legal case is open.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::date;
use crate::domain::Channel;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LadderHistory {
    /// Outbound calls, letters and emails after `since`: channel and the note's first word
    /// (letters and emails dun wrote start with their template's name).
    pub marks: Vec<(Channel, String, NaiveDate)>,
    pub disputed: bool,
    pub active_plan: bool,
    pub referred: bool,
    /// An account-wide hold in force today.
    pub on_hold: bool,
    /// The due date of the oldest open invoice with a balance, disputed ones included.
    pub oldest_due_on: Option<NaiveDate>,
}

pub fn ladder_history(conn: &Connection, debtor_id: i64, today: NaiveDate) -> Result<LadderHistory> {
    let oldest_due_on: Option<String> = conn
        .prepare_cached(
            "SELECT min(due_on) FROM invoice WHERE debtor_id = ?1 AND status = 'open' AND balance_cents > 0",
        )?
        .query_row([debtor_id], |r| r.get(0))?;
    let oldest_due_on = oldest_due_on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
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
    let (disputed, active_plan, referred, on_hold) = conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM dispute WHERE debtor_id = ?1 AND status = 'open'),
                EXISTS(SELECT 1 FROM plan WHERE debtor_id = ?1 AND status = 'active'),
                EXISTS(SELECT 1 FROM legal_case WHERE debtor_id = ?1 AND status != 'closed' AND undone_at IS NULL),
                EXISTS(SELECT 1 FROM hold WHERE debtor_id = ?1 AND invoice_id IS NULL AND released_at IS NULL
                          AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2))",
        )?
        .query_row(params![debtor_id, date(today)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(LadderHistory { marks, disputed, active_plan, referred, on_hold, oldest_due_on })
}
