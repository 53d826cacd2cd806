//! Writing an import's new customers and invoices as the file is read, inside the
//! import's transaction: many rows per statement, texts read in place.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use super::Result;
use super::borrowed_insert::{BorrowedInsert, Param};
use super::codec::{DateText, instant};
use super::imports::item_kind_code;
use crate::domain::Money;
use crate::import::ItemKind;

/// A customer an import adds to the book.
pub struct ImportedDebtor<'a> {
    pub external_ref: Option<&'a str>,
    pub name: &'a str,
    pub currency: &'a str,
}

pub struct ImportedInvoice<'a> {
    pub debtor_id: i64,
    pub number: &'a str,
    pub kind: ItemKind,
    pub job: Option<&'a str>,
    pub issued: Option<NaiveDate>,
    pub due: NaiveDate,
    pub original: Money,
    pub balance: Money,
    /// None: the book's currency.
    pub currency: Option<&'a str>,
}

/// Writes an import's new customers and invoices as the file is read, inside the import's
/// transaction.
/// A load that dwarfs the book's invoices drops the secondary indexes of the tables it fills
/// (invoice, and debtor: such a file names mostly new customers) and builds them again in
/// [`ImportWriter::finish`]: sorting a million keys once is several times cheaper than a
/// million b-tree inserts per index. The statements are read back from the schema, so what
/// is rebuilt is what was there. UNIQUE keys stay: they decide what is written.
pub struct ImportWriter<'c> {
    indexes: Vec<(String, String)>,
    /// The INSERTs of [`INSERT_SIZES`] rows, each prepared when first needed (a 200-row
    /// statement takes milliseconds to prepare).
    inserts: [Option<BorrowedInsert<'c>>; INSERT_SIZES.len()],
    /// The same, for runs of plain invoices ([`plain_invoice_insert`]).
    plain_inserts: [Option<BorrowedInsert<'c>>; INSERT_SIZES.len()],
    /// The same, for new debtors.
    debtor_inserts: [Option<BorrowedInsert<'c>>; INSERT_SIZES.len()],
    /// What every invoice of the import shares: bound once per statement.
    shared: Shared,
}

struct Shared {
    at: String,
    currency: String,
    batch: i64,
}

impl<'c> ImportWriter<'c> {
    /// `expected`: about how many rows the file holds; `currency`: the book's, for invoices
    /// that name none.
    pub fn begin(
        conn: &Connection,
        expected: usize,
        at: DateTime<Utc>,
        currency: &str,
        batch: i64,
    ) -> Result<ImportWriter<'c>> {
        let held: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM invoice", [], |r| r.get(0))?;
        let mut indexes: Vec<(String, String)> = Vec::new();
        if expected >= 10_000 && expected as i64 > held {
            let mut stmt = conn.prepare(
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name IN ('invoice', 'debtor') AND sql IS NOT NULL",
            )?;
            indexes = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            for (name, _) in &indexes {
                conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            }
        }
        Ok(ImportWriter {
            indexes,
            inserts: Default::default(),
            plain_inserts: Default::default(),
            debtor_inserts: Default::default(),
            shared: Shared { at: instant(at), currency: currency.to_string(), batch },
        })
    }

    /// Write `invoices`, best in the order of the book's UNIQUE (debtor, kind, number) key:
    /// each insert into that index then lands after the one before it instead of searching
    /// the tree. No two may share a key, nor any with one written before: see [`Self::replace`].
    pub fn write(&mut self, conn: &'c Connection, invoices: &[ImportedInvoice<'_>]) -> Result<()> {
        // Many rows per statement: each run of an INSERT pays for its setup once, not once
        // per invoice. The texts are bound in place, the dates spelt out first.
        let dates: Vec<(Option<DateText>, DateText)> =
            invoices.iter().map(|i| (i.issued.map(DateText::of), DateText::of(i.due))).collect();
        let mut params = Vec::with_capacity(SHARED_PARAMETERS + INSERT_SIZES[0] * INVOICE_PARAMETERS);
        for (size, rows) in runs(invoices.len()) {
            params.clear();
            let run = &invoices[rows.clone()];
            let book = self.shared.currency.as_str();
            let currency = run[0].currency.unwrap_or(book);
            if run.iter().all(|i| i.is_plain() && i.currency.unwrap_or(book) == currency) {
                plain_params_of(&mut params, run, &dates[rows], &self.shared, currency);
                statement(&mut self.plain_inserts, size, conn, plain_invoice_insert)?.execute(&params)?;
            } else {
                params_of(&mut params, run, &dates[rows], &self.shared);
                statement(&mut self.inserts, size, conn, invoice_insert)?.execute(&params)?;
            }
        }
        Ok(())
    }

    /// Insert `debtors` in their order, appending the id of each to `ids`.
    pub fn write_debtors(
        &mut self,
        conn: &'c Connection,
        debtors: &[ImportedDebtor<'_>],
        ids: &mut Vec<i64>,
    ) -> Result<()> {
        let mut params = Vec::with_capacity(1 + INSERT_SIZES[0] * DEBTOR_PARAMETERS);
        for (size, rows) in runs(debtors.len()) {
            let rows = &debtors[rows];
            params.clear();
            params.push(Param::Text(&self.shared.at));
            for d in rows {
                params.extend([
                    d.external_ref.map_or(Param::Null, Param::Text),
                    Param::Text(d.name),
                    Param::Text(d.currency),
                ]);
            }
            statement(&mut self.debtor_inserts, size, conn, debtor_insert)?.execute(&params)?;
            // Each row was given the next id after the largest (SQLite's rowid rule: no id
            // is named, and none is near the largest possible), so the rows' ids run up to
            // the last one in order.
            let last = conn.last_insert_rowid();
            ids.extend(last + 1 - rows.len() as i64..=last);
        }
        Ok(())
    }

    /// Write `invoice` over what this import wrote under its key (a row the file repeats:
    /// the later row wins), or afresh if nothing was. Row by row: asking for a conflict on
    /// every row doubled the cost of the plain insert.
    pub fn replace(&mut self, conn: &Connection, invoice: &ImportedInvoice<'_>) -> Result<()> {
        let mut stmt = conn.prepare_cached(&format!("{}{INVOICE_REPLACE}", invoice_insert(1)))?;
        let dates = [(invoice.issued.map(DateText::of), DateText::of(invoice.due))];
        let mut params = Vec::with_capacity(SHARED_PARAMETERS + INVOICE_PARAMETERS);
        params_of(&mut params, std::slice::from_ref(invoice), &dates, &self.shared);
        for (at, param) in params.iter().enumerate() {
            match *param {
                Param::Int(n) => stmt.raw_bind_parameter(at + 1, n)?,
                Param::Text(text) => stmt.raw_bind_parameter(at + 1, text)?,
                Param::Null => stmt.raw_bind_parameter(at + 1, rusqlite::types::Null)?,
            }
        }
        stmt.raw_execute()?;
        Ok(())
    }

    /// Build again the indexes [`ImportWriter::begin`] dropped.
    pub fn finish(self, conn: &Connection) -> Result<()> {
        let started = std::time::Instant::now();
        for (_, sql) in &self.indexes {
            conn.execute_batch(sql)?;
        }
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: indexes rebuilt");
        Ok(())
    }
}

/// Rows per INSERT, largest first: a batch is written 200 rows at a time and its rest in
/// the smaller sizes, so that four statements serve every batch.
const INSERT_SIZES: [usize; 4] = [200, 50, 10, 1];
/// One invoice that replaces what an earlier row of the same import wrote under its key
/// (or is written afresh: the caller's test for a repeat may err that way, never the other).
const INVOICE_REPLACE: &str = "
         ON CONFLICT (debtor_id, kind, number) DO UPDATE SET job = excluded.job, issued_on = excluded.issued_on,
            due_on = excluded.due_on, original_cents = excluded.original_cents, balance_cents = excluded.balance_cents,
            currency = excluded.currency, status = excluded.status, last_import_id = excluded.last_import_id,
            updated_at = excluded.updated_at";

/// The runs `len` rows are written in, as (place in [`INSERT_SIZES`], rows): each time the
/// largest statement that fits what is left (the last size is 1).
fn runs(len: usize) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        (at < len).then(|| {
            let size = INSERT_SIZES.iter().position(|&n| n <= len - at).unwrap_or(INSERT_SIZES.len() - 1);
            let rows = at..at + INSERT_SIZES[size];
            at = rows.end;
            (size, rows)
        })
    })
}

/// The statement of the `size`-th of [`INSERT_SIZES`] rows among `slots`, prepared from
/// `sql` the first time it is asked for.
fn statement<'s, 'c>(
    slots: &'s mut [Option<BorrowedInsert<'c>>],
    size: usize,
    conn: &'c Connection,
    sql: fn(usize) -> String,
) -> Result<&'s mut BorrowedInsert<'c>> {
    Ok(match &mut slots[size] {
        Some(insert) => insert,
        slot => slot.insert(BorrowedInsert::prepare(conn, &sql(INSERT_SIZES[size]))?),
    })
}

/// How the import's many-row INSERTs begin. `OR FAIL`: a row that breaks a constraint stops
/// its statement and leaves the rows before it. SQLite can then write the statement without
/// a statement journal, which under the default `OR ABORT` copied every page each
/// statement touched that was already dirty (the last leaf and its parents, thousands of
/// times an import) so as to undo just that statement. The import needs no such undo: any
/// failure fails the whole import, whose one transaction is rolled back.
const INSERT: &str = "INSERT OR FAIL INTO";

/// Parameters of each debtor row, after ?1 (the time).
const DEBTOR_PARAMETERS: usize = 3;

/// A many-row INSERT of debtors, as business customers with no flags set.
fn debtor_insert(rows: usize) -> String {
    let row = |n: usize| {
        let p = |i: usize| 1 + n * DEBTOR_PARAMETERS + i;
        format!("(?{}, ?{}, 'business', ?{}, ?1, ?1)", p(1), p(2), p(3))
    };
    format!(
        "{INSERT} debtor (external_ref, name, kind, currency, created_at, updated_at) VALUES {}",
        (0..rows).map(row).collect::<Vec<_>>().join(", ")
    )
}

impl ImportedInvoice<'_> {
    /// An invoice with no job: most rows of most exports.
    fn is_plain(&self) -> bool {
        self.kind == ItemKind::Invoice && self.job.is_none()
    }
}

/// Parameters of each row of plain invoices; ?1 (the time) and ?2 (the batch) are
/// [`Shared`]'s, ?3 the currency of every row of the statement.
const PLAIN_PARAMETERS: usize = 6;
const PLAIN_SHARED_PARAMETERS: usize = 3;

/// A many-row INSERT of plain invoices ([`ImportedInvoice::is_plain`]) in one currency:
/// what they share is spelt in the statement or bound once, so that each row binds six
/// values, not nine (binding was a sixth of the writing thread's work).
fn plain_invoice_insert(rows: usize) -> String {
    invoice_insert_of(rows, |n| {
        let p = |i: usize| PLAIN_SHARED_PARAMETERS + n * PLAIN_PARAMETERS + i;
        let kind = item_kind_code(ItemKind::Invoice);
        format!(
            "?{}, ?{}, '{kind}', NULL, ?{}, ?{}, ?{}, ?{}, ?3, {}",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            status_of(p(6))
        )
    })
}

/// An INSERT of `rows` invoices, each row's values but the batch's and the time's as
/// `values` spells them.
fn invoice_insert_of(rows: usize, values: impl Fn(usize) -> String) -> String {
    format!(
        "{INSERT} invoice (debtor_id, number, kind, job, issued_on, due_on, original_cents, balance_cents, currency,
            status, last_import_id, created_at, updated_at) VALUES {}",
        (0..rows).map(|n| format!("({}, ?2, ?1, ?1)", values(n))).collect::<Vec<_>>().join(", ")
    )
}

/// An invoice's status, told from its balance (parameter `balance`): paid at zero, else open.
fn status_of(balance: usize) -> String {
    format!("CASE WHEN ?{balance} = 0 THEN 'paid' ELSE 'open' END")
}

/// The parameters of a many-row INSERT of plain invoices `rows` in `currency`, whose dates
/// are `dates`.
fn plain_params_of<'a>(
    params: &mut Vec<Param<'a>>,
    rows: &'a [ImportedInvoice<'_>],
    dates: &'a [(Option<DateText>, DateText)],
    shared: &'a Shared,
    currency: &'a str,
) {
    params.extend([Param::Text(&shared.at), Param::Int(shared.batch), Param::Text(currency)]);
    for (i, (issued, due)) in rows.iter().zip(dates) {
        params.extend([
            Param::Int(i.debtor_id),
            Param::Text(i.number),
            issued.as_ref().map_or(Param::Null, |d| Param::Text(d.as_str())),
            Param::Text(due.as_str()),
            Param::Int(i.original.cents()),
            Param::Int(i.balance.cents()),
        ]);
    }
}

/// Parameters of each row; ?1 (the time) and ?2 (the batch) are [`Shared`]'s.
const INVOICE_PARAMETERS: usize = 9;
const SHARED_PARAMETERS: usize = 2;

/// A many-row INSERT. What every row shares (the time, the batch) is bound once and named
/// by every row; the rest is bound as it will be stored, so that SQLite only copies it.
fn invoice_insert(rows: usize) -> String {
    invoice_insert_of(rows, |n| {
        let p = |i: usize| SHARED_PARAMETERS + n * INVOICE_PARAMETERS + i;
        let values: Vec<String> = (1..=INVOICE_PARAMETERS).map(|i| format!("?{}", p(i))).collect();
        format!("{}, {}", values.join(", "), status_of(p(8)))
    })
}

/// The parameters of a many-row INSERT of `rows`, whose dates (issued, due) are `dates`.
fn params_of<'a>(
    params: &mut Vec<Param<'a>>,
    rows: &'a [ImportedInvoice<'_>],
    dates: &'a [(Option<DateText>, DateText)],
    shared: &'a Shared,
) {
    params.extend([Param::Text(&shared.at), Param::Int(shared.batch)]);
    for (i, (issued, due)) in rows.iter().zip(dates) {
        let text = |t: Option<&'a str>| t.map_or(Param::Null, Param::Text);
        params.extend([
            Param::Int(i.debtor_id),
            Param::Text(i.number),
            Param::Text(item_kind_code(i.kind)),
            text(i.job),
            text(issued.as_ref().map(DateText::as_str)),
            Param::Text(due.as_str()),
            Param::Int(i.original.cents()),
            Param::Int(i.balance.cents()),
            Param::Text(i.currency.unwrap_or(&shared.currency)),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the book holds of each invoice, as text: (debtor, number, kind, job, issued,
    /// due, original, balance, currency, status, batch, created, updated).
    fn written(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT debtor_id || '|' || number || '|' || kind || '|' || coalesce(job, '-') || '|' ||
                        coalesce(issued_on, '-') || '|' || due_on || '|' || original_cents || '|' || balance_cents
                        || '|' || currency || '|' || status || '|' || last_import_id || '|' || created_at || '|' ||
                        updated_at FROM invoice ORDER BY id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn plain_invoices_are_written_as_every_other_row_is() {
        let conn = crate::store::open_in_memory().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T18:00:00Z").unwrap().to_utc();
        let batch = crate::store::begin_import_batch(&conn, at).unwrap();
        let mut writer = ImportWriter::begin(&conn, 0, at, "EUR", batch).unwrap();
        let mut ids = Vec::new();
        let debtors = [ImportedDebtor { external_ref: Some("K1"), name: "Acme", currency: "EUR" }];
        writer.write_debtors(&conn, &debtors, &mut ids).unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let invoice = |number: &'static str, balance: i64| ImportedInvoice {
            debtor_id: ids[0],
            number,
            kind: ItemKind::Invoice,
            job: None,
            issued: Some(day(1)),
            due: day(31),
            original: Money(10_000),
            balance: Money(balance),
            currency: None,
        };
        // Runs of plain rows only (one open, one paid, one without an issue date), and a
        // run with every kind of row that is not plain: the same columns either way.
        let plain = [invoice("P1", 10_000), invoice("P2", 0), ImportedInvoice { issued: None, ..invoice("P3", 5) }];
        let mixed = [
            invoice("M1", 10_000),
            invoice("M2", 0),
            ImportedInvoice { issued: None, ..invoice("M3", 5) },
            ImportedInvoice { kind: ItemKind::CreditMemo, ..invoice("M4", -300) },
            ImportedInvoice { job: Some("Site B"), ..invoice("M5", 70) },
            ImportedInvoice { currency: Some("USD"), ..invoice("M6", 80) },
        ];
        writer.write(&conn, &plain).unwrap();
        writer.write(&conn, &mixed).unwrap();
        let rows = written(&conn);
        let tail = format!("{batch}|2026-11-22T18:00:00Z|2026-11-22T18:00:00Z");
        let d = ids[0];
        assert_eq!(
            rows,
            [
                format!("{d}|P1|invoice|-|2026-01-01|2026-01-31|10000|10000|EUR|open|{tail}"),
                format!("{d}|P2|invoice|-|2026-01-01|2026-01-31|10000|0|EUR|paid|{tail}"),
                format!("{d}|P3|invoice|-|-|2026-01-31|10000|5|EUR|open|{tail}"),
                format!("{d}|M1|invoice|-|2026-01-01|2026-01-31|10000|10000|EUR|open|{tail}"),
                format!("{d}|M2|invoice|-|2026-01-01|2026-01-31|10000|0|EUR|paid|{tail}"),
                format!("{d}|M3|invoice|-|-|2026-01-31|10000|5|EUR|open|{tail}"),
                format!("{d}|M4|credit-memo|-|2026-01-01|2026-01-31|10000|-300|EUR|open|{tail}"),
                format!("{d}|M5|invoice|Site B|2026-01-01|2026-01-31|10000|70|EUR|open|{tail}"),
                format!("{d}|M6|invoice|-|2026-01-01|2026-01-31|10000|80|USD|open|{tail}"),
            ]
        );
    }

    #[test]
    fn rows_are_written_in_the_largest_runs_that_fit_and_cover_them_all() {
        for len in [0, 1, 9, 200, 263, 16_000, 16_011] {
            let runs: Vec<(usize, std::ops::Range<usize>)> = runs(len).collect();
            assert_eq!(runs.iter().map(|(_, r)| r.len()).sum::<usize>(), len);
            assert!(runs.windows(2).all(|w| w[0].1.end == w[1].1.start && w[0].0 <= w[1].0));
            assert!(runs.iter().all(|(size, rows)| rows.len() == INSERT_SIZES[*size]));
        }
        let sizes: Vec<usize> = runs(263).map(|(_, r)| r.len()).collect();
        assert_eq!(sizes, [200, 50, 10, 1, 1, 1]);
    }
}
