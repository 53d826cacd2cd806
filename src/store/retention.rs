//! Record retention (F-RET): which closed accounts are past their keeping date, and
//! anonymising one. Ledger amounts stay (the books must still add up); who the person
//! was, and how to reach them, go.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::Result;
use super::codec::{date, instant, parse_date_ref};

/// Accounts with nothing open (no open balance, pending promise or active plan) whose
/// last activity of any kind was before `before`, with that date.
pub fn purge_candidates(conn: &Connection, before: NaiveDate) -> Result<Vec<(i64, NaiveDate)>> {
    let mut stmt = conn.prepare(
        "WITH activity AS (
            SELECT debtor_id, substr(at, 1, 10) AS on_ FROM attempt
            UNION ALL SELECT debtor_id, received_on FROM payment
            UNION ALL SELECT debtor_id, substr(at, 1, 10) FROM note
            UNION ALL SELECT debtor_id, substr(updated_at, 1, 10) FROM invoice
            UNION ALL SELECT id, substr(updated_at, 1, 10) FROM debtor
         )
         SELECT d.id, max(a.on_) AS last FROM debtor d JOIN activity a ON a.debtor_id = d.id
         WHERE d.name NOT LIKE 'Purged #%'
           AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.debtor_id = d.id AND i.status = 'open' AND i.balance_cents > 0)
           AND NOT EXISTS (SELECT 1 FROM promise p WHERE p.debtor_id = d.id AND p.status = 'pending')
           AND NOT EXISTS (SELECT 1 FROM plan p WHERE p.debtor_id = d.id AND p.status = 'active')
         GROUP BY d.id
         HAVING last < ?1
         ORDER BY d.id",
    )?;
    let rows = stmt.query_map([date(before)], |r| Ok((r.get(0)?, parse_date_ref(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replace what identifies a person ("Purged #id", "(purged)") in one debtor's records.
pub fn anonymise_debtor(conn: &Connection, debtor_id: i64, at: DateTime<Utc>) -> Result<()> {
    let when = instant(at);
    conn.execute(
        "UPDATE debtor SET name = 'Purged #' || id, external_ref = NULL, region = NULL, postal_code = NULL,
                time_zone = NULL, status = 'closed', updated_at = ?2 WHERE id = ?1",
        params![debtor_id, when],
    )?;
    conn.execute(
        "UPDATE contact_point SET value = '(purged)', label = '', updated_at = ?2 WHERE debtor_id = ?1",
        params![debtor_id, when],
    )?;
    conn.execute("UPDATE note SET body = '(purged)' WHERE debtor_id = ?1", [debtor_id])?;
    conn.execute("UPDATE attempt SET note = '', override_reason = NULL WHERE debtor_id = ?1", [debtor_id])?;
    conn.execute("UPDATE legal_case SET attorney = '', case_number = '' WHERE debtor_id = ?1", [debtor_id])?;
    Ok(())
}
