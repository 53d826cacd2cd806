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

#[test]
fn find_a_debtor_log_a_call_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let bin = env!("CARGO_BIN_EXE_dun");
    let status = std::process::Command::new(bin)
        .args(["demo", "--debtors", "120", "--db"])
        .arg(&db)
        .env("DUN_TODAY", "2026-11-22")
        .status()
        .unwrap();
    assert!(status.success());
    let name: String = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT name FROM debtor WHERE id = 17", [], |r| r.get(0)).unwrap()
    };

    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.arg("--db");
    cmd.arg(&db);
    cmd.env("DUN_TODAY", "2026-11-22");
    cmd.env("DUN_CONFIG_DIR", dir.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut keys = pty.master.take_writer().unwrap();
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
    let mut type_keys = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
    };

    screen.wait_for("Worklist");
    screen.wait_for("accounts");
    // Filter by the debtor's name, open the account, log a call.
    type_keys("/");
    type_keys(&name);
    screen.wait_for("1 match");
    type_keys("\r");
    type_keys("\r");
    screen.wait_for("Invoices (");
    type_keys("c");
    screen.wait_for("Log contact");
    type_keys("\tRPC\tpty note\t+2");
    screen.wait_for("pty note");
    type_keys("\r");
    let shown = screen.wait_for("Logged Call (outbound)");
    assert!(shown.contains(&name), "{shown}");
    type_keys("\t");
    screen.wait_for("pty note");
    // Back to the worklist, then quit.
    type_keys("q");
    screen.wait_for("Enter open");
    type_keys("q");

    let exit = child.wait().unwrap();
    assert!(exit.success(), "dun exited with {exit:?}");
    drop(pty.master);
    let _ = pump.join();
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
    let bin = env!("CARGO_BIN_EXE_dun");
    let status = std::process::Command::new(bin)
        .args(["demo", "--debtors", "40", "--db"])
        .arg(&db)
        .env("DUN_TODAY", "2026-11-22")
        .status()
        .unwrap();
    assert!(status.success());
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
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.arg("--db");
    cmd.arg(&db);
    cmd.env("DUN_TODAY", "2026-11-22");
    cmd.env("DUN_NOW", "2026-11-22T12:30:00Z"); // 07:30 in New York
    cmd.env("DUN_CONFIG_DIR", dir.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut keys = pty.master.take_writer().unwrap();
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
    let mut type_keys = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
    };
    screen.wait_for("accounts");
    type_keys("/");
    type_keys(&name);
    screen.wait_for("1 match");
    type_keys("\r\r");
    let header = screen.wait_for("Call now: BLOCK");
    assert!(header.contains("F-TIME"), "{header}");
    type_keys("c");
    screen.wait_for("Log contact");
    type_keys("\r");
    let refused = screen.wait_for("blocked by");
    assert!(refused.contains("F-TIME"), "{refused}");
    // Channel → Outcome → Note → Follow-up → Promise $ → Promise by → Override.
    type_keys("\t\t\t\t\t\tasked for an early call");
    screen.wait_for("asked for an early call");
    type_keys("\r");
    screen.wait_for("Logged Call (outbound)");
    type_keys("q");
    screen.wait_for("Enter open");
    type_keys("q");
    assert!(child.wait().unwrap().success());
    drop(pty.master);
    let _ = pump.join();

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
