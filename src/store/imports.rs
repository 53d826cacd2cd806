//! What imports need from the book: the current state to reconcile against, and
//! the batch, issue and ledger writes of a commit.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::borrowed_scan::BorrowedScan;
use super::codec::{date, instant};
use crate::domain::{ContactKind, Money};
use crate::import::reconcile::BookDebtor;
use crate::import::{Existing, ExistingInvoice, ItemKind};

pub fn item_kind_code(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Invoice => "invoice",
        ItemKind::CreditMemo => "credit-memo",
        ItemKind::UnappliedPayment => "unapplied-payment",
    }
}

/// Where `kind` sorts in the book's UNIQUE (debtor, kind, number) key, whose kind is
/// compared as text: "credit-memo" < "invoice" < "unapplied-payment".
pub fn item_kind_rank(kind: ItemKind) -> u8 {
    match kind {
        ItemKind::CreditMemo => 0,
        ItemKind::Invoice => 1,
        ItemKind::UnappliedPayment => 2,
    }
}

fn item_kind(code: &str) -> ItemKind {
    match code {
        "credit-memo" => ItemKind::CreditMemo,
        "unapplied-payment" => ItemKind::UnappliedPayment,
        _ => ItemKind::Invoice,
    }
}

/// The whole book as an import reconciles against it. On a file of 100k invoices or more,
/// the first two thirds of the invoices (by id) are read on a connection of its own on
/// another core, the debtors and the last third on this one: a re-import of a million rows
/// waits on this before it can reconcile a row. The caller's write transaction has written
/// nothing yet, so both read the same book.
pub fn existing_for_import(conn: &Connection) -> Result<Existing> {
    let top: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM invoice", [], |r| r.get(0))?;
    let path = conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
    // This thread reads the debtors too (100k of them took as long as a fifth of the
    // invoices): it takes the last third of the invoices, the other thread the first two
    // thirds, into a list with room for this third, appended once both are read. (The other
    // way round, two thirds were copied into place after the load, every other thread
    // waiting.)
    let split = top - top / 3;
    let (mut existing, mut invoices, later) = match path.filter(|_| top >= 100_000) {
        None => (existing_debtors_for_import(conn)?, invoices_for_import(conn, 0..=top, 0)?, Vec::new()),
        Some(path) => std::thread::scope(|scope| -> Result<_> {
            let first = scope.spawn(|| -> Result<Vec<ExistingInvoice>> {
                let reader = Connection::open_with_flags(
                    &path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                let mut first = invoices_for_import(&reader, 0..=split, (top - split) as usize)?;
                touch_room(&mut first, (top - split) as usize);
                Ok(first)
            });
            let debtors = existing_debtors_for_import(conn)?;
            let later = invoices_for_import(conn, split + 1..=top, 0)?;
            let first = first.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            Ok((debtors, first, later))
        })?,
    };
    invoices.extend(later);
    existing.invoices = invoices;
    Ok(existing)
}

/// Write the first `slots` of `list`'s spare room once, so that their memory is in place
/// before the rest of the book is copied into them: the copy then does not stop at each new
/// page while every other thread of the import waits for it.
fn touch_room(list: &mut Vec<ExistingInvoice>, slots: usize) {
    let blank = ExistingInvoice {
        id: 0,
        debtor_id: 0,
        number: compact_str::CompactString::const_new(""),
        kind: crate::import::ItemKind::Invoice,
        balance: crate::domain::Money::ZERO,
        open: false,
    };
    for slot in list.spare_capacity_mut().iter_mut().take(slots) {
        slot.write(blank.clone());
    }
}

/// About how many invoices the book holds (the highest id: exact until one is deleted).
pub fn invoices_held(conn: &Connection) -> Result<usize> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM invoice", [], |r| r.get::<_, i64>(0))? as usize)
}

/// Each import batch's format, shared: a book of a million invoices names a handful.
fn import_formats(conn: &Connection) -> Result<HashMap<i64, std::sync::Arc<str>>> {
    let mut stmt = conn.prepare("SELECT id, profile FROM import_batch")?;
    let mut rows = stmt.query([])?;
    let mut shared: Vec<std::sync::Arc<str>> = Vec::new();
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let profile = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let format = match shared.iter().find(|known| &***known == profile) {
            Some(known) => known.clone(),
            None => {
                shared.push(profile.into());
                shared[shared.len() - 1].clone()
            }
        };
        out.insert(r.get::<_, i64>(0)?, format);
    }
    Ok(out)
}

fn invoices_for_import(
    conn: &Connection,
    ids: std::ops::RangeInclusive<i64>,
    room_after: usize,
) -> Result<Vec<ExistingInvoice>> {
    let mut scan = BorrowedScan::query(
        conn,
        "SELECT id, debtor_id, number, kind, balance_cents, status = 'open'
         FROM invoice WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        &[*ids.start(), *ids.end()],
    )?;
    // Room for every id at once (ids are dense until invoices are deleted): growing a
    // million-entry list copies it again and again.
    let mut out = Vec::with_capacity((ids.end() - ids.start() + 1).clamp(0, 1 << 24) as usize + room_after);
    while let Some(r) = scan.next()? {
        out.push(ExistingInvoice {
            id: r.int(0)?,
            debtor_id: r.int(1)?,
            number: r.text(2)?.into(),
            kind: item_kind(r.text(3)?),
            balance: Money(r.int(4)?),
            open: r.int(5)? != 0,
        });
    }
    Ok(out)
}

/// The format of the import that last saw each of the invoices `ids` (sorted), where one did:
/// asked after a file is read, of the book's open invoices it did not list, instead of loaded
/// with every invoice before. A few far apart are looked up one by one, many in one pass
/// over their range.
pub fn last_import_formats(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, std::sync::Arc<str>>> {
    // The pass below walks `ids` beside the table's own order.
    debug_assert!(ids.is_sorted(), "invoice ids asked in order");
    let mut out = HashMap::with_capacity(ids.len());
    let (Some(&low), Some(&high)) = (ids.first(), ids.last()) else { return Ok(out) };
    let formats = import_formats(conn)?;
    let mut note = |id: i64, batch: Option<i64>| {
        if let Some(format) = batch.and_then(|b| formats.get(&b)) {
            out.insert(id, format.clone());
        }
    };
    if (ids.len() as u64).saturating_mul(16) < high.saturating_sub(low) as u64 {
        let mut stmt = conn.prepare_cached("SELECT last_import_id FROM invoice WHERE id = ?1")?;
        for &id in ids {
            let batch = stmt.query_row([id], |r| r.get::<_, Option<i64>>(0)).optional()?.flatten();
            note(id, batch);
        }
    } else {
        let mut wanted = ids.iter().copied().peekable();
        let mut scan = BorrowedScan::query(
            conn,
            "SELECT id, last_import_id FROM invoice WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
            &[low, high],
        )?;
        while let Some(r) = scan.next()? {
            let id = r.int(0)?;
            while wanted.next_if(|&w| w < id).is_some() {}
            if wanted.next_if_eq(&id).is_some() {
                note(id, r.int_or_null(1)?);
            }
        }
    }
    Ok(out)
}

/// The book's debtors as an import matches them (by name and by reference), without
/// its invoices: what committing a plan needs.
pub fn existing_debtors_for_import(conn: &Connection) -> Result<Existing> {
    let mut existing = Existing::default();
    // Room for them all at once: growing two maps of 100k debtors rehashed each again and
    // again (the highest id: exact until a debtor is deleted).
    let held: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM debtor", [], |r| r.get(0))?;
    let held = held.clamp(0, 1 << 22) as usize;
    existing.by_name.reserve(held);
    existing.by_ref.reserve(held);
    existing.debtors.reserve(held);
    let mut scan = BorrowedScan::query(conn, "SELECT id, name, external_ref FROM debtor ORDER BY id", &[])?;
    while let Some(r) = scan.next()? {
        let id = r.int(0)?;
        let name = r.text(1)?;
        let reference = r.text_or_null(2)?;
        existing.by_name.entry(crate::import::reconcile::name_key(name)).or_insert(id);
        if let Some(reference) = reference {
            existing.by_ref.insert(reference.into(), id);
        }
        existing.debtors.push(BookDebtor { id, name: name.into(), reference: reference.map(Into::into) });
    }
    Ok(existing)
}

/// Contact points already held, as (debtor, kind, comparable value).
pub fn contact_keys(conn: &Connection) -> Result<HashSet<(i64, ContactKind, String)>> {
    let mut stmt = conn.prepare("SELECT debtor_id, kind, value FROM contact_point")?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(1)?;
        let value: String = r.get(2)?;
        Ok((r.get::<_, i64>(0)?, kind, value))
    })?;
    let mut out = HashSet::new();
    for row in rows {
        let (debtor, kind, value) = row?;
        if let Some(kind) = ContactKind::parse(&kind) {
            out.insert((debtor, kind, contact_key(kind, &value)));
        }
    }
    Ok(out)
}

/// The comparable form of a contact value: digits of a phone, lower-case email or address.
pub fn contact_key(kind: ContactKind, value: &str) -> String {
    match kind {
        ContactKind::Phone => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
    }
}

/// The batch that imported a file with this content, if one did.
pub fn batch_with_hash(conn: &Connection, sha256: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM import_batch WHERE file_sha256 = ?1 AND status = 'committed' ORDER BY id DESC")?
        .query_row([sha256], |r| r.get(0))
        .optional()?)
}

pub struct NewBatch<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub profile: &'a str,
    pub at: DateTime<Utc>,
    pub rows_read: usize,
    pub rows_imported: usize,
    pub rows_rejected: usize,
    pub newest_date: Option<NaiveDate>,
}

/// The record of an import about to be written, filled in by [`complete_import_batch`] once
/// its file is read (its invoices name it first). Until then it names no file nor format, so
/// it is never taken for the last import of one.
pub fn begin_import_batch(conn: &Connection, at: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO import_batch (file_name, file_sha256, profile, imported_at, status)
         VALUES ('', '', '', ?1, 'committed')",
    )?
    .execute([instant(at)])?;
    Ok(conn.last_insert_rowid())
}

/// Fill in a batch inserted before its file was read to the end (its invoices name it).
pub fn complete_import_batch(conn: &Connection, id: i64, b: &NewBatch<'_>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE import_batch SET file_name = ?2, file_sha256 = ?3, profile = ?4, imported_at = ?5, rows_read = ?6,
            rows_imported = ?7, rows_rejected = ?8, newest_date = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        b.file_name,
        b.sha256,
        b.profile,
        instant(b.at),
        b.rows_read as i64,
        b.rows_imported as i64,
        b.rows_rejected as i64,
        b.newest_date.map(date),
    ])?;
    Ok(())
}

pub fn insert_import_issue(
    conn: &Connection,
    batch: i64,
    line: usize,
    column: Option<&str>,
    reason: &str,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO import_issue (batch_id, line, column_name, reason) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![batch, line as i64, column, reason])?;
    Ok(())
}

/// Set an invoice's balance as the ledger states it; `closed` when it vanished from
/// an open-items export rather than being reported paid.
pub fn set_ledger_balance(
    conn: &Connection,
    id: i64,
    balance: Money,
    closed: bool,
    batch: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let status = match (balance == Money::ZERO, closed) {
        (true, true) => "closed",
        (true, false) => "paid",
        _ => "open",
    };
    conn.prepare_cached(
        "UPDATE invoice SET balance_cents = ?2, status = ?3, last_import_id = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![id, balance.cents(), status, batch, instant(at)])?;
    Ok(())
}

pub fn set_external_ref(conn: &Connection, debtor_id: i64, reference: &str, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE debtor SET external_ref = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        debtor_id,
        reference,
        instant(at)
    ])?;
    Ok(())
}

/// Invoices per debtor id, for grouping ledger payments.
pub fn debtor_of_invoices(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    let mut stmt = conn.prepare_cached("SELECT debtor_id FROM invoice WHERE id = ?1")?;
    let mut out = HashMap::new();
    for id in ids {
        out.insert(*id, stmt.query_row([id], |r| r.get(0))?);
    }
    Ok(out)
}

/// The newest date seen by the last committed import of `profile`, if any.
pub fn last_newest_date(conn: &Connection, profile: &str) -> Result<Option<NaiveDate>> {
    let s: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT newest_date FROM import_batch WHERE profile = ?1 AND status = 'committed' ORDER BY id DESC LIMIT 1",
        )?
        .query_row([profile], |r| r.get(0))
        .optional()?;
    Ok(s.flatten().and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty book whose import log names two formats (batches 1 and 2), then `rows` (SQL).
    fn book_of(rows: &str) -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open(&dir.path().join("book.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO import_batch (id, file_name, file_sha256, profile, imported_at, status)
                 VALUES (1, 'a.csv', '00', 'xero-invoices', '2026-11-01T00:00:00Z', 'committed'),
                        (2, 'b.csv', '00', 'sage-aged-debtors', '2026-11-02T00:00:00Z', 'committed');",
        )
        .unwrap();
        conn.execute_batch(rows).unwrap();
        (dir, conn)
    }

    /// A book of 100k invoices or more is read on two threads, the last third with the
    /// debtors: joined, it is the book in id order, as one reader reads it.
    #[test]
    fn a_large_book_read_on_two_threads_is_the_whole_book_in_order() {
        let (_dir, conn) = book_of(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             INSERT INTO debtor (id, name, kind, external_ref, currency, created_at, updated_at)
                 SELECT i, 'Customer ' || i, 'business', CASE WHEN i % 3 = 0 THEN NULL ELSE 'C' || i END, 'USD',
                        '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100050)
             INSERT INTO invoice (id, debtor_id, number, kind, due_on, original_cents, balance_cents,
                                  currency, status, last_import_id, created_at, updated_at)
                 SELECT i, 1 + i % 2000, 'INV-' || i, CASE WHEN i % 7 = 0 THEN 'credit-memo' ELSE 'invoice' END,
                        '2026-12-01', 100 + i, CASE WHEN i % 5 = 0 THEN 0 ELSE 100 + i END, 'USD',
                        CASE WHEN i % 5 = 0 THEN 'paid' ELSE 'open' END,
                        CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + i % 2 END,
                        '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;",
        );
        let existing = existing_for_import(&conn).unwrap();
        let one_reader = invoices_for_import(&conn, 0..=100_050, 0).unwrap();
        assert_eq!(existing.invoices.len(), 100_050);
        assert_eq!(existing.invoices, one_reader);
        assert_eq!(existing.by_ref.len(), 1334);
        assert_eq!(existing.by_name.len(), 2000);
    }

    /// The formats that last saw invoices, looked up one by one or in a pass over their
    /// range: the same answer either way, and nothing for an invoice no import saw.
    #[test]
    fn the_import_that_last_saw_an_invoice_is_found_however_it_is_asked() {
        let (_dir, conn) = book_of(
            "INSERT INTO debtor (id, name, kind, created_at, updated_at)
                 VALUES (1, 'Acme', 'business', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
             INSERT INTO invoice (id, debtor_id, number, due_on, original_cents, balance_cents, currency,
                                  last_import_id, created_at, updated_at)
                 SELECT i, 1, 'INV-' || i, '2026-12-01', 100, 100, 'USD',
                        CASE WHEN i % 3 = 0 THEN NULL ELSE 1 + i % 2 END,
                        '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;",
        );
        let expected = |id: i64| match id % 3 {
            0 => None,
            _ => Some(if id % 2 == 0 { "xero-invoices" } else { "sage-aged-debtors" }),
        };
        // Three far apart (looked up one by one), and every other one of a run (one pass).
        let few = [2, 150, 299];
        let many: Vec<i64> = (10..=250).step_by(2).collect();
        // And an invoice the book does not hold, asked either way.
        for ids in [&few[..], &many[..], &[][..], &[400][..], &[2, 150, 299, 400][..]] {
            let found = last_import_formats(&conn, ids).unwrap();
            assert_eq!(found.len(), ids.iter().filter(|&&id| id <= 300 && expected(id).is_some()).count());
            for &id in ids {
                assert_eq!(found.get(&id).map(|f| &**f), expected(id).filter(|_| id <= 300), "invoice {id}");
            }
        }
    }
}
