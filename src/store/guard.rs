//! What the compliance guard needs to know about one debtor.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{get_code, get_instant, instant};
use crate::domain::Channel;

#[derive(Debug, Clone, Default)]
pub struct GuardInputs {
    /// Phones not marked bad or do-not-use.
    pub phones: Vec<String>,
    /// An open dispute covers the whole account (what each invoice holds back is on the
    /// invoices themselves, `open_items`).
    pub account_disputed: bool,
    /// (when, channel, outcome code, follow-up asked for) since the given instant.
    pub attempts: Vec<(DateTime<Utc>, Channel, String, Option<chrono::NaiveDate>)>,
    /// Active restrictions: (kind, value).
    pub restrictions: Vec<(String, String)>,
    /// Whether the phone a call would go to is a work number.
    pub first_phone_is_work: bool,
}

pub fn guard_inputs(conn: &Connection, debtor_id: i64, since: DateTime<Utc>) -> Result<GuardInputs> {
    let mut inputs = GuardInputs::default();
    let mut stmt = conn.prepare_cached(
        "SELECT value FROM contact_point WHERE debtor_id = ?1 AND kind = 'phone' AND status IN ('good', 'unverified')",
    )?;
    inputs.phones = stmt.query_map([debtor_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    inputs.account_disputed = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM dispute WHERE debtor_id = ?1 AND status = 'open' AND invoice_id IS NULL)",
        )?
        .query_row([debtor_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, channel, outcome, follow_up_on FROM attempt WHERE debtor_id = ?1 AND at >= ?2 ORDER BY at",
    )?;
    inputs.attempts = stmt
        .query_map(params![debtor_id, instant(since)], |r| {
            Ok((get_instant(r, 0)?, get_code(r, 1, Channel::parse)?, r.get(2)?, super::codec::get_opt_date(r, 3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT kind, value FROM contact_restriction WHERE debtor_id = ?1 AND revoked_at IS NULL ORDER BY id",
    )?;
    inputs.restrictions =
        stmt.query_map([debtor_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    inputs.first_phone_is_work = conn
        .prepare_cached(
            "SELECT is_work FROM contact_point WHERE debtor_id = ?1 AND kind = 'phone' AND status IN ('good', 'unverified')
             ORDER BY CASE status WHEN 'good' THEN 0 ELSE 1 END, id LIMIT 1",
        )?
        .query_row([debtor_id], |r| r.get(0))
        .unwrap_or(false);
    Ok(inputs)
}

/// Set or clear an account's rule-profile facts.
pub fn set_rule_profile(
    conn: &Connection,
    debtor_id: i64,
    purpose: Option<&str>,
    role: Option<&str>,
    natural_person: Option<bool>,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE debtor SET debt_purpose = ?2, collector_role = ?3, natural_person = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![debtor_id, purpose, role, natural_person, instant(at)])?;
    Ok(())
}

/// Record a time, weekday or place the debtor said is inconvenient.
pub fn add_restriction(
    conn: &Connection,
    debtor_id: i64,
    kind: &str,
    value: &str,
    source: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO contact_restriction (debtor_id, kind, value, source, captured_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![debtor_id, kind, value, source, instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// (first communication, first validation notice), when they happened.
pub type ValidationDates = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The first communication about the debt (a conversation, or a letter or email sent) and
/// the first validation notice (outcome VN), as instants.
pub fn validation_dates(conn: &Connection, debtor_id: i64) -> Result<ValidationDates> {
    let first = |sql: &str| -> Result<Option<DateTime<Utc>>> {
        let s: Option<String> = conn.prepare_cached(sql)?.query_row([debtor_id], |r| r.get(0))?;
        Ok(s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()).map(|t| t.with_timezone(&Utc)))
    };
    let initial = first(
        "SELECT min(at) FROM attempt WHERE debtor_id = ?1
         AND outcome IN ('RPC', 'RPC-NC', 'PTP', 'PLAN', 'RTP', 'DISP', 'CB', 'INC', 'IN-RPC', 'SENT', 'VN')",
    )?;
    let notice = first("SELECT min(at) FROM attempt WHERE debtor_id = ?1 AND outcome = 'VN'")?;
    Ok((initial, notice))
}

/// End every active hold on the account; the number ended.
pub fn release_holds(conn: &Connection, debtor_id: i64, at: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE hold SET released_at = ?2 WHERE debtor_id = ?1 AND released_at IS NULL")?
        .execute(params![debtor_id, instant(at)])?)
}

/// Revoke every active restriction on the account; the number revoked.
pub fn revoke_restrictions(conn: &Connection, debtor_id: i64, at: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE contact_restriction SET revoked_at = ?2 WHERE debtor_id = ?1 AND revoked_at IS NULL")?
        .execute(params![debtor_id, instant(at)])?)
}

/// Close an open dispute with its resolution.
pub fn resolve_dispute(
    conn: &Connection,
    id: i64,
    status: &str,
    resolution: &str,
    on: chrono::NaiveDate,
) -> Result<()> {
    conn.prepare_cached("UPDATE dispute SET status = ?2, resolution = ?3, resolved_on = ?4 WHERE id = ?1")?
        .execute(params![id, status, resolution, super::codec::date(on)])?;
    Ok(())
}

/// Lower one of the debtor's standing flags (a dismissal, a revoked request).
pub fn clear_debtor_flag(conn: &Connection, debtor_id: i64, flag: &str, at: DateTime<Utc>) -> Result<()> {
    let sql = match flag {
        "cease_contact" => "UPDATE debtor SET cease_contact = 0, updated_at = ?2 WHERE id = ?1",
        "attorney" => "UPDATE debtor SET attorney = 0, updated_at = ?2 WHERE id = ?1",
        "bankruptcy" => "UPDATE debtor SET bankruptcy = 0, updated_at = ?2 WHERE id = ?1",
        "deceased" => "UPDATE debtor SET deceased = 0, updated_at = ?2 WHERE id = ?1",
        "do_not_call" => "UPDATE debtor SET do_not_call = 0, updated_at = ?2 WHERE id = ?1",
        "email_opt_out" => "UPDATE debtor SET email_opt_out = 0, updated_at = ?2 WHERE id = ?1",
        other => return Err(super::StoreError::NotFound(format!("debtor flag {other}"))),
    };
    conn.prepare_cached(sql)?.execute(params![debtor_id, instant(at)])?;
    Ok(())
}

/// (first conversation, first letter or email sent) about the debt, as instants.
pub fn first_contacts(conn: &Connection, debtor_id: i64) -> Result<ValidationDates> {
    let first = |sql: &str| -> Result<Option<DateTime<Utc>>> {
        let s: Option<String> = conn.prepare_cached(sql)?.query_row([debtor_id], |r| r.get(0))?;
        Ok(s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()).map(|t| t.with_timezone(&Utc)))
    };
    let talk = first(
        "SELECT min(at) FROM attempt WHERE debtor_id = ?1 AND channel IN ('call-out', 'call-in', 'visit')
         AND outcome IN ('RPC', 'RPC-NC', 'PTP', 'PLAN', 'RTP', 'DISP', 'CB', 'INC', 'IN-RPC')",
    )?;
    let written = first(
        "SELECT min(at) FROM attempt WHERE debtor_id = ?1 AND channel IN ('letter', 'email') AND outcome IN ('SENT', 'VN')",
    )?;
    Ok((talk, written))
}
