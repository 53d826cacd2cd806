//! Killing dun (SIGKILL) in the middle of a large import and of a burst of CLI writes
//! leaves a sound database: integrity intact, the event chain intact, and every
//! transaction either wholly there or wholly absent.

use std::process::{Command, Stdio};
use std::time::Duration;

fn dun() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dun"));
    c.env("DUN_TODAY", "2026-11-22").stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// A European open-items list with `rows` invoices for 500 customers.
fn big_export(path: &std::path::Path, rows: usize) {
    let mut text = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
    for i in 0..rows {
        let c = i % 500;
        text.push_str(&format!(
            "{};Kunde {c} GmbH;RE-{i:07};15.01.2026;14.02.2026;{},{:02};{},{:02}\n",
            10_000 + c,
            100 + i % 900,
            i % 100,
            50 + i % 900,
            i % 100
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn sound(db: &std::path::Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let status = dun().args(["check", "--db"]).arg(db).status().unwrap();
    assert!(status.success(), "dun check after a kill");
}

#[test]
fn a_killed_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("open-items.csv");
    let rows = 20_000;
    big_export(&csv, rows);
    // Kill at a spread of moments: before the schema, mid-parse, mid-commit, after.
    for (n, delay_ms) in [0u64, 15, 60, 150, 400, 900, 2_000].into_iter().enumerate() {
        let db = dir.path().join(format!("book-{n}.db"));
        let mut child = dun().args(["import", "--db"]).arg(&db).arg(&csv).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if !db.exists() {
            continue;
        }
        sound(&db);
        let conn = rusqlite::Connection::open(&db).unwrap();
        let invoices: i64 = conn.query_row("SELECT count(*) FROM invoice", [], |r| r.get(0)).unwrap();
        let batches: i64 = conn.query_row("SELECT count(*) FROM import_batch", [], |r| r.get(0)).unwrap();
        assert!(
            (invoices == 0 && batches == 0) || (invoices == rows as i64 && batches == 1),
            "killed after {delay_ms} ms: {invoices} invoices, {batches} batches"
        );
    }
}

#[test]
fn a_burst_of_killed_writes_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    assert!(dun().args(["demo", "--debtors", "20", "--db"]).arg(&db).status().unwrap().success());
    let mut children = Vec::new();
    for i in 0..24 {
        let child =
            dun().args(["note", "C000001"]).arg(format!("burst note {i}")).arg("--db").arg(&db).spawn().unwrap();
        children.push(child);
    }
    // Kill every third writer at once, whatever it is doing; the others finish.
    let mut finished = 0;
    for (i, mut child) in children.into_iter().enumerate() {
        if i % 3 == 0 {
            let _ = child.kill();
            let _ = child.wait();
        } else if child.wait().unwrap().success() {
            finished += 1;
        }
    }
    sound(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let notes: i64 =
        conn.query_row("SELECT count(*) FROM note WHERE body LIKE 'burst note %'", [], |r| r.get(0)).unwrap();
    let events: i64 = conn.query_row("SELECT count(*) FROM event WHERE kind = 'note-added'", [], |r| r.get(0)).unwrap();
    assert_eq!(notes, events, "every note has its event and no event lacks its note");
    assert!(notes >= finished, "{notes} notes, {finished} writers finished");
    assert!(notes <= 24);
}
