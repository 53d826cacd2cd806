//! Helpers for `benches/run.sh` (not part of dun):
//!
//! - `bench_data export BOOK.db OUT.csv`: every invoice of a book (a `dun demo` book) as a
//!   European open-items list, the `eu-open-items` import format
//!   (`Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen`, `1234,56`,
//!   `dd.mm.yyyy`), streamed row by row. Prints the row count.
//! - `bench_data aging BOOK.db YYYY-MM-DD`: the bare GROUP BY that computes the aging report
//!   (`dun report aging --as-of`): the balance each non-void invoice issued by that day had on
//!   it (money applied later added back, summed once per invoice as `store::balances_as_of`
//!   does), bucketed by days past due in SQL, per currency and debtor.
//!   Prints the debtor count, the total and the query's own time.

use std::io::{BufWriter, Write};
use std::time::Instant;

use rusqlite::{Connection, OpenFlags};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["export", db, out] => export(db, out),
        ["aging", db, as_of] => aging(db, as_of, false),
        ["aging-plan", db, as_of] => aging(db, as_of, true),
        _ => {
            eprintln!("usage: bench_data export BOOK.db OUT.csv | bench_data aging BOOK.db YYYY-MM-DD");
            std::process::exit(2);
        }
    }
}

fn open(db: &str) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open the book")
}

fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100)
}

fn german(date: &str) -> String {
    // YYYY-MM-DD → DD.MM.YYYY
    format!("{}.{}.{}", &date[8..10], &date[5..7], &date[..4])
}

fn field(s: &str) -> String {
    if s.contains([';', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn export(db: &str, out: &str) {
    let conn = open(db);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out).expect("create the CSV"));
    writeln!(w, "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen").unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT COALESCE(d.external_ref, 'D' || d.id), d.name, i.number, COALESCE(i.issued_on, i.due_on),
                    i.due_on, i.original_cents, i.balance_cents
             FROM invoice i JOIN debtor d ON d.id = i.debtor_id
             WHERE i.kind = 'invoice' AND i.status != 'void'
             ORDER BY i.id",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut n = 0u64;
    while let Some(r) = rows.next().unwrap() {
        let (reference, name, number): (String, String, String) =
            (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
        let (issued, due): (String, String) = (r.get(3).unwrap(), r.get(4).unwrap());
        let (original, balance): (i64, i64) = (r.get(5).unwrap(), r.get(6).unwrap());
        writeln!(
            w,
            "{};{};{};{};{};{};{}",
            field(&reference),
            field(&name),
            field(&number),
            german(&issued),
            german(&due),
            cents(original),
            cents(balance)
        )
        .unwrap();
        n += 1;
    }
    w.flush().unwrap();
    println!("{n}");
}

fn aging(db: &str, as_of: &str, plan: bool) {
    let conn = open(db);
    let started = Instant::now();
    let sql = format!(
        "{}SELECT currency, debtor_id, MAX(name),
                    SUM(CASE WHEN dpd <= 0 THEN bal ELSE 0 END),
                    SUM(CASE WHEN dpd BETWEEN 1 AND 30 THEN bal ELSE 0 END),
                    SUM(CASE WHEN dpd BETWEEN 31 AND 60 THEN bal ELSE 0 END),
                    SUM(CASE WHEN dpd BETWEEN 61 AND 90 THEN bal ELSE 0 END),
                    SUM(CASE WHEN dpd BETWEEN 91 AND 120 THEN bal ELSE 0 END),
                    SUM(CASE WHEN dpd > 120 THEN bal ELSE 0 END),
                    SUM(bal), COUNT(*)
             FROM (WITH later (invoice_id, cents) AS (
                       SELECT a.invoice_id, SUM(a.amount_cents) FROM payment p
                       JOIN allocation a ON a.payment_id = p.id
                       WHERE p.received_on > ?1 GROUP BY a.invoice_id)
                   SELECT i.currency, i.debtor_id, d.name,
                          CAST(julianday(?1) - julianday(i.due_on) AS INTEGER) AS dpd,
                          i.balance_cents + COALESCE(l.cents, 0) AS bal
                   FROM invoice i JOIN debtor d ON d.id = i.debtor_id LEFT JOIN later l ON l.invoice_id = i.id
                   WHERE i.status != 'void' AND COALESCE(i.issued_on, substr(i.created_at, 1, 10)) <= ?1)
             WHERE bal != 0
             GROUP BY currency, debtor_id",
        if plan { "EXPLAIN QUERY PLAN " } else { "" }
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    if plan {
        let mut rows = stmt.query([as_of]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            println!("{}", r.get::<_, String>(3).unwrap());
        }
        return;
    }
    let mut rows = stmt.query([as_of]).unwrap();
    let (mut debtors, mut total) = (0u64, 0i64);
    while let Some(r) = rows.next().unwrap() {
        let sum: i64 = r.get(9).unwrap();
        if sum != 0 {
            debtors += 1;
        }
        total += sum;
    }
    println!(
        "{debtors} debtors, total {} ({:.1} ms in the query)",
        cents(total),
        started.elapsed().as_secs_f64() * 1e3
    );
}
