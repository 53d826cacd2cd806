//! The real binary in a pseudo-terminal, its screen read back through a terminal
//! emulator: open a demo book, find a debtor, log a call, quit; then check the
//! screen, that the terminal was restored, and the database.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait (bounded) until the screen shows `needle`. Waiting for output is not a
    /// timing assertion: the budget is generous and only guards against a hang.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(Instant::now() < deadline, "screen never showed {needle:?}; it shows:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The real binary in a 80×24 pseudo-terminal, its output pumped into a terminal
/// emulator on another thread.
struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    keys: Box<dyn Write + Send>,
    screen: Screen,
    master: Box<dyn portable_pty::MasterPty + Send>,
    pump: std::thread::JoinHandle<()>,
}

impl Session {
    fn start(db: &std::path::Path, config: &std::path::Path, env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dun"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("DUN_CONFIG_DIR", config);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let keys = pty.master.take_writer().unwrap();
        let screen = Screen {
            parser: Arc::new(Mutex::new(vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0))),
            raw: Arc::default(),
        };
        let (parser, raw) = (screen.parser.clone(), screen.raw.clone());
        let pump = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
                raw.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session { child, keys, screen, master: pty.master, pump }
    }

    fn type_keys(&mut self, s: &str) {
        self.keys.write_all(s.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// From an account: back to the worklist, then quit (the session is then finished).
    fn back_to_the_worklist_and_quit(mut self) -> Session {
        self.type_keys("q");
        self.screen.wait_for("Enter open");
        self.type_keys("q");
        self
    }

    /// Wait for the process to exit successfully; the screen and raw output stay readable.
    fn finish(mut self) -> Screen {
        let status = self.child.wait().unwrap();
        assert!(status.success(), "dun exited with {status:?}");
        drop(self.master);
        let _ = self.pump.join();
        self.screen
    }
}

fn demo_book(db: &std::path::Path, debtors: &str) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dun"))
        .args(["demo", "--debtors", debtors, "--db"])
        .arg(db)
        .env("DUN_TODAY", "2026-11-22")
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn find_a_debtor_log_a_call_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    demo_book(&db, "120");
    let name: String = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT name FROM debtor WHERE id = 17", [], |r| r.get(0)).unwrap()
    };
    let mut s = Session::start(&db, &dir.path().join("config"), &[("DUN_TODAY", "2026-11-22")]);
    s.screen.wait_for("Worklist");
    s.screen.wait_for("accounts");
    // Filter by the debtor's name, open the account, log a call.
    s.type_keys("/");
    s.type_keys(&name);
    s.screen.wait_for("1 match");
    s.type_keys("\r");
    s.type_keys("\r");
    s.screen.wait_for("Invoices (");
    s.type_keys("c");
    s.screen.wait_for("Log contact");
    s.type_keys("\tRPC\tpty note\t+2");
    s.screen.wait_for("pty note");
    s.type_keys("\r");
    let shown = s.screen.wait_for("Logged Call (outbound)");
    assert!(shown.contains(&name), "{shown}");
    s.type_keys("\t");
    s.screen.wait_for("pty note");
    // Back to the worklist, then quit.
    s = s.back_to_the_worklist_and_quit();
    let screen = s.finish();
    let raw = String::from_utf8_lossy(&screen.raw.lock().unwrap()).to_string();
    assert!(raw.contains("\x1b[?1049h"), "the desk entered the alternate screen");
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen was left on quit");
    assert!(raw.rfind("\x1b[?25h") > raw.rfind("\x1b[?25l"), "the cursor was shown again");
    assert!(!screen.parser.lock().unwrap().screen().alternate_screen());

    let conn = rusqlite::Connection::open(&db).unwrap();
    let (outcome, note, follow): (String, String, Option<String>) = conn
        .query_row(
            "SELECT outcome, note, follow_up_on FROM attempt WHERE debtor_id = 17 ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((outcome.as_str(), note.as_str(), follow.as_deref()), ("RPC", "pty note", Some("2026-11-24")));
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

/// Issue 5's desk check: at 07:30 in New York the header says BLOCK before dialling, the
/// log form refuses, and a typed reason logs the call with the override audited.
#[test]
fn a_block_shows_before_dialling_and_an_override_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    demo_book(&db, "40");
    let (id, name): (i64, String) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row(
            "SELECT id, name FROM debtor WHERE region = 'NY' AND NOT (cease_contact OR attorney OR bankruptcy OR deceased)
             AND id IN (SELECT debtor_id FROM invoice WHERE status = 'open') ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    // 07:30 in New York.
    let env = [("DUN_TODAY", "2026-11-22"), ("DUN_NOW", "2026-11-22T12:30:00Z")];
    let mut s = Session::start(&db, &dir.path().join("config"), &env);
    s.screen.wait_for("accounts");
    s.type_keys("/");
    s.type_keys(&name);
    s.screen.wait_for("1 match");
    s.type_keys("\r\r");
    let header = s.screen.wait_for("Call now: BLOCK");
    assert!(header.contains("F-TIME"), "{header}");
    s.type_keys("c");
    s.screen.wait_for("Log contact");
    s.type_keys("\r");
    let refused = s.screen.wait_for("blocked by");
    assert!(refused.contains("F-TIME"), "{refused}");
    // Channel → Outcome → Note → Follow-up → Call at → Promise $ → Promise by → Override.
    s.type_keys("\t\t\t\t\t\t\tasked for an early call");
    s.screen.wait_for("asked for an early call");
    s.type_keys("\r");
    s.screen.wait_for("Logged Call (outbound)");
    s = s.back_to_the_worklist_and_quit();
    s.finish();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let reason: String = conn
        .query_row(
            "SELECT override_reason FROM attempt WHERE debtor_id = ?1 AND override_reason IS NOT NULL",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "asked for an early call");
    let after: String =
        conn.query_row("SELECT after FROM event WHERE kind = 'guard-overridden'", [], |r| r.get(0)).unwrap();
    assert!(after.contains("F-TIME"), "{after}");
}

/// Issue 7's concurrency: the desk stays open while the command line writes to the same
/// book; both succeed and the desk shows the change without a restart.
#[test]
fn the_desk_sees_writes_from_another_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    demo_book(&db, "30");
    let mut s = Session::start(&db, &dir.path().join("config"), &[("DUN_TODAY", "2026-11-22")]);
    s.screen.wait_for("accounts");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dun"))
        .args(["note", "C000001", "written from another terminal", "--db"])
        .arg(&db)
        .env("DUN_TODAY", "2026-11-22")
        .status()
        .unwrap();
    assert!(status.success(), "the CLI write succeeds while the desk is open");
    s.screen.wait_for("changed from elsewhere");
    s.type_keys("/C000001");
    s.screen.wait_for("1 match");
    s.type_keys("\r\r\t");
    s.screen.wait_for("written from another terminal");
    s = s.back_to_the_worklist_and_quit();
    s.finish();
}

/// A large first import writes a book no one has open with a rollback journal and holds it
/// whole until it commits. A desk opened meanwhile says at once that it waits, then opens
/// on the book as the import left it (here a held write stands in for the import).
#[test]
fn the_desk_waits_for_an_import_that_holds_the_whole_book() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    demo_book(&db, "30");
    let writer = rusqlite::Connection::open(&db).unwrap();
    let mode: String = writer.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    writer.execute_batch("BEGIN EXCLUSIVE; UPDATE debtor SET name = 'Held Until Commit LLC' WHERE id = 1;").unwrap();
    let mut s = Session::start(&db, &dir.path().join("config"), &[("DUN_TODAY", "2026-11-22")]);
    let shown = s.screen.wait_for("is being written by another program");
    assert!(!shown.contains("busy"), "the desk waits; it does not give up: {shown}");
    // Longer than the busy timeout: the desk goes on waiting.
    std::thread::sleep(std::time::Duration::from_secs(6));
    assert!(!s.screen.text().contains("busy"), "still waiting: {}", s.screen.text());
    writer.execute_batch("COMMIT").unwrap();
    drop(writer);
    s.screen.wait_for("accounts");
    s.type_keys("/Held Until Commit");
    s.screen.wait_for("1 match");
    s.type_keys("\r\r");
    s.screen.wait_for("Invoices (");
    s = s.back_to_the_worklist_and_quit();
    s.finish();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the desk put the book back in WAL");
}

/// Issue 4's call session in the real binary: five accounts worked with one key each (two
/// with their small forms), the running score on screen, paused, the calls in the book.
#[test]
fn a_call_session_over_five_accounts_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    demo_book(&db, "120");
    let mut s = Session::start(&db, &dir.path().join("config"), &[("DUN_TODAY", "2026-11-22")]);
    s.screen.wait_for("accounts");
    s.type_keys("S");
    s.screen.wait_for("0 worked");
    s.type_keys("1");
    s.screen.wait_for("1 worked");
    s.type_keys("2");
    s.screen.wait_for("2 worked");
    s.type_keys("4");
    s.screen.wait_for("Log contact");
    s.type_keys("150\t+5\r");
    s.screen.wait_for("1 PTP $150.00");
    s.type_keys("3");
    s.screen.wait_for("4 worked");
    s.type_keys("7");
    s.screen.wait_for("Log contact");
    s.type_keys("+2\r");
    let shown = s.screen.wait_for("5 worked");
    assert!(shown.contains("3 RPC"), "promise, talked and call back reached the right party: {shown}");
    s.type_keys("S");
    s.screen.wait_for("paused");
    s.type_keys("q");
    s.finish();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT outcome, channel FROM attempt WHERE at >= '2026-11-22T17:00' AND at < '2026-11-23' ORDER BY id",
        )
        .unwrap();
    let logged: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let outcomes: Vec<&str> = logged.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(outcomes, ["NA", "LM", "PTP", "RPC", "CB"]);
    assert!(logged.iter().all(|(_, c)| c == "call-out"));
    let promised: i64 =
        conn.query_row("SELECT amount_cents FROM promise ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(promised, 15_000);
}

/// Found by a review: a name holding a terminal escape (`ESC [2J` clears the screen) was
/// printed raw by `dun show` on a terminal. On a terminal it is shown as `�`.
#[test]
fn control_characters_in_the_data_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let file = dir.path().join("esc.csv");
    std::fs::write(
        &file,
        "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
         30001;Evil\x1b[2JCorp;RE-1;15.01.2026;14.02.2026;100,00;100,00\n",
    )
    .unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dun"))
        .args(["import", "--db"])
        .arg(&db)
        .arg(&file)
        .env("DUN_TODAY", "2026-11-22")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dun"));
    cmd.args(["show", "1", "--db"]);
    cmd.arg(&db);
    cmd.env("DUN_TODAY", "2026-11-22");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let pump = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    assert!(child.wait().unwrap().success());
    drop(pty.master);
    let raw = String::from_utf8_lossy(&pump.join().unwrap()).to_string();
    assert!(raw.contains("Evil�[2JCorp") && !raw.contains("\x1b[2J"), "{raw:?}");
}
