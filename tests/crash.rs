//! Killing dun (SIGKILL) at random moments in the middle of a large import, into an empty
//! book (rollback journal) and into a book another connection has open (WAL), and in the
//! middle of a burst of CLI writes of several kinds, leaves a sound database: integrity
//! intact, the event chain intact, every transaction wholly there or wholly absent, and no
//! copy of the book left behind in `backups/`.
//!
//! The moments are drawn from a seeded generator (`DUN_CRASH_SEED` to replay another run;
//! the seed is printed) as fractions of how long the same work takes uninterrupted, so most
//! kills land while dun is working, and the test counts that they did.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn dun() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dun"));
    c.env("DUN_TODAY", "2026-11-22").stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// splitmix64: small, seeded, good enough to spread kill moments.
struct Moments(u64);

impl Moments {
    fn seeded(test: u64) -> Moments {
        let seed = std::env::var("DUN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_d00d);
        println!("kill moments from seed {seed} (DUN_CRASH_SEED={seed} replays them)");
        Moments(seed ^ test)
    }

    /// A fraction in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A European open-items list with `rows` invoices for 500 customers.
fn big_export(path: &Path, rows: usize) {
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

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Integrity, the event chain (`dun check`), and no copy of the book left in `backups/`
/// once dun has opened it again.
fn sound(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    let status = dun().args(["check", "--db"]).arg(db).status().unwrap();
    assert!(status.success(), "dun check after a kill");
    let stem = db.file_stem().unwrap().to_str().unwrap();
    let left: Vec<String> = std::fs::read_dir(db.parent().unwrap().join("backups"))
        .map(|d| d.flatten().filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    let copies: Vec<&String> = left.iter().filter(|n| n.starts_with(&format!(".{stem}-copy-in-progress"))).collect();
    assert!(copies.is_empty(), "a killed import's copy of the book is still there: {copies:?}");
}

/// Kill `child` after `delay`; whether it was still running when killed.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Time one uninterrupted run of `command`.
fn timed(mut command: Command) -> Duration {
    let started = Instant::now();
    assert!(command.status().unwrap().success());
    started.elapsed()
}

#[test]
fn an_import_killed_at_random_moments_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("open-items.csv");
    let rows = 40_000;
    big_export(&csv, rows);
    let base = dir.path().join("base.db");
    assert!(dun().args(["demo", "--debtors", "30", "--db"]).arg(&base).status().unwrap().success());
    let mut moments = Moments::seeded(1);
    let (mut runs, mut killed_running) = (0, 0);
    // Into an empty book (written with a rollback journal: no one else has it open), and into
    // a book a desk has open (written in WAL).
    for into_open_book in [false, true] {
        let scratch = dir.path().join(format!("scratch-{into_open_book}.db"));
        let desk = into_open_book.then(|| {
            std::fs::copy(&base, &scratch).unwrap();
            rusqlite::Connection::open(&scratch).unwrap()
        });
        let mut timing = dun();
        timing.args(["import", "--db"]).arg(&scratch).arg(&csv);
        let whole = timed(timing);
        drop(desk);
        for n in 0..8 {
            let db = dir.path().join(format!("book-{into_open_book}-{n}.db"));
            let (invoices_before, events_before) = if into_open_book {
                std::fs::copy(&base, &db).unwrap();
                let conn = rusqlite::Connection::open(&db).unwrap();
                (count(&conn, "SELECT count(*) FROM invoice"), count(&conn, "SELECT count(*) FROM event"))
            } else {
                (0, 0)
            };
            let desk = into_open_book.then(|| {
                let conn = rusqlite::Connection::open(&db).unwrap();
                count(&conn, "SELECT count(*) FROM debtor");
                conn
            });
            let delay = whole.mul_f64(0.05 + 1.0 * moments.next());
            let child = dun().args(["import", "--db"]).arg(&db).arg(&csv).spawn().unwrap();
            runs += 1;
            killed_running += usize::from(kill_after(child, delay));
            drop(desk);
            if !db.exists() {
                continue;
            }
            sound(&db);
            let conn = rusqlite::Connection::open(&db).unwrap();
            let invoices = count(&conn, "SELECT count(*) FROM invoice") - invoices_before;
            let batches = count(&conn, "SELECT count(*) FROM import_batch");
            let committed = count(&conn, "SELECT count(*) FROM event WHERE kind = 'import-committed'");
            let events = count(&conn, "SELECT count(*) FROM event") - events_before;
            let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
            assert_eq!(journal, "wal", "the book is back in WAL");
            assert!(
                (invoices == 0 && batches == 0 && committed == 0 && events == 0)
                    || (invoices == rows as i64 && batches == 1 && committed == 1),
                "killed after {delay:?} of {whole:?}: {invoices} invoices, {batches} batches, {committed} commits"
            );
        }
    }
    println!("{killed_running} of {runs} imports killed while they ran");
    assert!(killed_running * 2 >= runs, "only {killed_running} of {runs} kills landed while dun ran");
}

#[test]
fn a_burst_of_writes_killed_at_random_moments_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    assert!(dun().args(["demo", "--debtors", "20", "--db"]).arg(&db).status().unwrap().success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let [notes_before, payments_before, attempts_before, events_before] =
        ["note", "payment", "attempt", "event"].map(|t| count(&conn, &format!("SELECT coalesce(max(id), 0) FROM {t}")));
    drop(conn);
    // Notes, payments (each allocated over invoices) and logged attempts, three of each kind
    // of write for each account, all at once.
    let writer = |i: usize| {
        let account = format!("{}", 1 + i % 6);
        let mut c = dun();
        match i % 3 {
            0 => c.args(["note", &account, &format!("burst note {i}")]),
            1 => c.args(["pay", &account, "10.00", "--ref", &format!("burst-{i}")]),
            _ => c.args(["log", &account, "--channel", "letter", "--outcome", "SENT", "--override", "crash test"]),
        };
        c.arg("--db").arg(&db);
        c
    };
    // How long one write takes alone, each kind.
    let alone = (0..3).map(|i| timed(writer(i))).max().unwrap();
    let mut moments = Moments::seeded(2);
    // The burst: writers that run to their end, all at once; meanwhile others, one after
    // another, each killed at a random moment of its life.
    let burst: Vec<Child> = (3..39).map(|i| writer(i).spawn().unwrap()).collect();
    let (mut killed, mut killed_running) = (0, 0);
    for i in 39..57 {
        let child = writer(i).spawn().unwrap();
        killed += 1;
        killed_running += usize::from(kill_after(child, alone.mul_f64(moments.next())));
    }
    let mut finished = 0;
    for mut child in burst {
        finished += usize::from(child.wait().unwrap().success());
    }
    sound(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    // Every row the burst wrote has its event, and every event its row.
    for (table, kind, before) in [
        ("note", "note-added", notes_before),
        ("payment", "payment-recorded", payments_before),
        ("attempt", "attempt-logged", attempts_before),
    ] {
        let orphans = count(
            &conn,
            &format!(
                "SELECT count(*) FROM {table} t WHERE t.id > {before} AND NOT EXISTS
                   (SELECT 1 FROM event e WHERE e.kind = '{kind}' AND e.entity = '{table}' AND e.entity_id = t.id)"
            ),
        );
        let ghosts = count(
            &conn,
            &format!(
                "SELECT count(*) FROM event e WHERE e.id > {events_before} AND e.kind = '{kind}' AND NOT EXISTS
                   (SELECT 1 FROM {table} t WHERE t.id = e.entity_id)"
            ),
        );
        assert_eq!((orphans, ghosts), (0, 0), "{table}: rows without their event, events without their row");
    }
    // A payment is whole: its allocations add up to it (the burst's are smaller than any balance).
    let torn = count(
        &conn,
        &format!(
            "SELECT count(*) FROM payment p WHERE p.id > {payments_before} AND p.amount_cents <>
               (SELECT coalesce(sum(a.amount_cents), 0) FROM allocation a WHERE a.payment_id = p.id)"
        ),
    );
    assert_eq!(torn, 0, "a payment whose allocations do not add up to it");
    let written = count(&conn, &format!("SELECT count(*) FROM event WHERE id > {events_before}"));
    assert_eq!(finished, 36, "every writer not killed succeeds, however many write at once");
    assert!(written >= 3 + 36, "{written} writes, 3 timed and 36 in the burst");
    println!("{killed_running} of {killed} writers killed while they ran");
    assert!(killed_running * 2 >= killed, "only {killed_running} of {killed} kills landed while dun ran");
}
