//! The CLI as a process: the real binary on a temporary database with a pinned day.

use predicates::prelude::*;
use serde_json::Value;

mod book;

use book::Book;

#[test]
fn demo_then_worklist_as_table_and_json() {
    let book = Book::with_demo(80);
    book.dun(&["worklist", "--limit", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("BALANCE").and(predicate::str::contains("WHY")));
    let rows = book.json(&["worklist", "--json"]);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 50);
    for key in ["id", "name", "balance_cents", "balance", "currency", "days_past_due", "bucket", "score", "reason"] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    let cents = rows[0]["balance_cents"].as_i64().unwrap();
    assert_eq!(rows[0]["balance"].as_str().unwrap(), format!("{}.{:02}", cents / 100, cents % 100));
    assert_eq!(book.json(&["worklist", "--json", "--limit", "3"]).as_array().unwrap().len(), 3);
}

#[test]
fn the_demo_is_the_same_every_time() {
    let (a, b) = (Book::with_demo(40), Book::with_demo(40));
    assert_eq!(a.json(&["worklist", "--json"]), b.json(&["worklist", "--json"]));
}

#[test]
fn show_by_id_or_customer_reference() {
    let book = Book::with_demo(10);
    let by_id = book.json(&["show", "3", "--json"]);
    let by_ref = book.json(&["show", "C000003", "--json"]);
    assert_eq!(by_id, by_ref);
    for key in ["debtor", "contact_points", "invoices", "attempts", "promises", "plans", "payments", "notes"] {
        assert!(by_id.get(key).is_some(), "missing {key}");
    }
    book.dun(&["show", "3"]).assert().success().stdout(predicate::str::contains("Invoices"));
    book.dun(&["show", "nobody"]).assert().code(1).stderr(predicate::str::contains("no account 'nobody'"));
}

#[test]
fn log_pay_and_note_change_what_show_reports() {
    let book = Book::with_demo(10);
    let id = book.json(&["worklist", "--json"])[0]["id"].as_i64().unwrap().to_string();
    let before = book.json(&["show", &id, "--json"]);
    book.dun(&[
        "log",
        &id,
        "--channel",
        "call",
        "--outcome",
        "RPC",
        "--note",
        "will pay friday",
        "--follow-up",
        "+5",
        "--at",
        "2026-11-22T15:30:00Z",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("Right party"));
    book.dun(&["pay", &id, "125.50", "--method", "check", "--ref", "1042"])
        .assert()
        .success()
        .stdout(predicate::str::contains("$125.50"));
    book.dun(&["note", &id, "Sent W-9 on request"]).assert().success();
    let after = book.json(&["show", &id, "--json"]);
    assert_eq!(after["attempts"][0]["outcome"], "RPC");
    assert_eq!(after["attempts"][0]["at"], "2026-11-22T15:30:00Z");
    assert_eq!(after["payments"][0]["reference"], "1042");
    assert_eq!(after["payments"][0]["amount"], "125.50");
    assert_eq!(after["notes"][0]["body"], "Sent W-9 on request");
    assert_eq!(after["follow_ups"][0]["due_on"], "2026-11-27");
    let cents = |v: &Value| {
        let s = v["open_balance"].as_str().unwrap().replace('.', "");
        s.parse::<i64>().unwrap()
    };
    assert_eq!(cents(&before) - cents(&after), 12_550);
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let book = Book::with_demo(5);
    let before = book.json(&["show", "1", "--json"]);
    book.dun(&["pay", "1", "12.345"]).assert().code(2).stderr(predicate::str::contains("2 decimal"));
    book.dun(&["log", "1", "--channel", "fax", "--outcome", "NA"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("channel"));
    book.dun(&["log", "1", "--channel", "letter", "--outcome", "VM"]).assert().code(2);
    book.dun(&["log", "1", "--channel", "call", "--outcome", "ZZ"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("outcome"));
    book.dun(&["pay", "1", "10", "--on", "2027-01-01"]).assert().code(2).stderr(predicate::str::contains("future"));
    book.dun(&["note", "1", "   "]).assert().code(2);
    book.dun(&["frobnicate"]).assert().code(2);
    assert_eq!(book.json(&["show", "1", "--json"]), before);
}

#[test]
fn demo_refuses_a_book_with_data() {
    let book = Book::with_demo(3);
    book.dun(&["demo"]).assert().code(1).stderr(predicate::str::contains("already has debtors"));
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let book = Book::new();
    {
        let conn = rusqlite::Connection::open(book.db()).unwrap();
        conn.execute_batch("PRAGMA user_version = 42;").unwrap();
    }
    book.dun(&["worklist"]).assert().code(1).stderr(predicate::str::contains("newer dun"));
}

#[test]
fn a_bad_config_names_its_line() {
    let book = Book::new();
    std::fs::create_dir_all(book.dir.path().join("config")).unwrap();
    std::fs::write(book.dir.path().join("config/config.toml"), "collector = \"Dana\"\nbogus = 1\n").unwrap();
    book.dun(&["worklist"]).assert().code(2).stderr(predicate::str::contains("line 2"));
}

#[test]
fn completions_are_generated() {
    let book = Book::new();
    book.dun(&["completions", "bash"]).assert().success().stdout(predicate::str::contains("worklist"));
}

#[test]
fn the_database_file_is_private() {
    let book = Book::with_demo(2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(book.db()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn import_dry_run_then_commit_then_again() {
    let book = Book::new();
    book.dun(&["import", &fixture("qbo_ar_aging_detail.csv"), "--dry-run"]).assert().success().stdout(
        predicate::str::contains("new invoices (7)").and(predicate::str::contains("dry run: nothing was written")),
    );
    assert!(!book.db().exists(), "a dry run on a new book leaves no file behind");
    book.dun(&["import", &fixture("qbo_ar_aging_detail.csv")])
        .assert()
        .success()
        .stdout(predicate::str::contains("imported as batch #1"));
    book.dun(&["import", &fixture("qbo_ar_aging_detail.csv")])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing changed"));
    let report = book.json(&["import", &fixture("qbo_ar_aging_detail_next.csv"), "--json"]);
    assert_eq!(report[0]["committed"], true);
    assert_eq!(report[0]["plan"]["vanished"].as_array().unwrap().len(), 2);
    assert_eq!(book.json(&["worklist", "--json"]).as_array().unwrap().len(), 3);
}

/// Found by a review: an open-items export with only its header closed every open invoice
/// of its ledger, and an import is not undone. One that lists nothing, or would close most
/// of what its ledger brought in, is refused (the command fails) unless --force.
#[test]
fn an_export_that_would_close_most_of_the_book_is_refused_without_force() {
    let book = Book::new();
    let export = |name: &str, invoices: std::ops::Range<usize>| {
        let mut text = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
        for i in invoices {
            text.push_str(&format!("{};Firma {i};RE-{i};15.01.2026;14.02.2026;100,00;100,00\n", 10001 + i));
        }
        let path = book.path(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    book.dun(&["import", &export("all.csv", 0..30)]).assert().success();
    let open = "SELECT count(*) FROM invoice WHERE status = 'open'";
    assert_eq!(book.count(open), 30);
    book.dun(&["import", &export("header.csv", 0..0)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("lists 0 receivable(s) and would close 30 of the 30"))
        .stdout(predicate::str::contains("--force"));
    book.dun(&["import", &export("cut.csv", 0..5)]).assert().code(1);
    assert_eq!(book.count(open), 30, "nothing was closed");
    // A month's turnover (found by a review): twenty-five of them paid, fifty new.
    book.dun(&["import", &export("turnover.csv", 25..80)]).assert().success();
    assert_eq!(book.count(open), 55);
    book.dun(&["import", &export("cut.csv", 50..55)]).assert().code(1);
    book.dun(&["import", &export("cut.csv", 0..0), "--force"]).assert().success();
    assert_eq!(book.count(open), 0);
}

/// A pipe cannot be read by windows twice over: what it gives is held and read as a whole.
#[cfg(unix)]
#[test]
fn an_export_piped_in_imports() {
    let book = Book::new();
    book.dun(&["import", "/dev/stdin"])
        .write_stdin(std::fs::read(fixture("qbo_ar_aging_detail.csv")).unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("new invoices (7)").and(predicate::str::contains("imported as batch #1")));
}

#[test]
fn import_refuses_unknown_files_and_files_with_rejects() {
    let book = Book::new();
    book.dun(&["import", &fixture("unknown.csv")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a format dun knows"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(fixture("qbo_open_invoices.csv")).unwrap();
    std::fs::write(&bad, text.replace("10/15/2025", "10/45/2025")).unwrap();
    book.dun(&["import", bad.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("line 14, column 'Date (B)'"))
        .stderr(predicate::str::contains("bad.csv: 1 row(s) rejected: nothing was imported"));
    book.dun(&["worklist", "--json"]).assert().success().stdout(predicate::str::contains("[]"));
    book.dun(&["import", bad.to_str().unwrap(), "--skip-invalid"]).assert().success();
}

#[test]
fn formats_lists_every_built_in_format() {
    let book = Book::new();
    let out = book.dun(&["formats"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "qbo-ar-aging-detail",
        "qbd-ar-aging-detail",
        "xero-invoices",
        "sage50-aged-debtors",
        "freshbooks-invoice-details",
        "wave-accounting",
        "zoho-invoices",
        "eu-open-items",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
}

#[test]
fn a_user_profile_reads_any_csv() {
    let book = Book::new();
    let profiles = book.dir.path().join("config/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(
        profiles.join("shop.toml"),
        r#"name = "shop-export"
title = "Our shop's receivables"
kind = "invoices"
date_order = "dmy"
[detect]
all = ["client", "bill no", "owing"]
[columns]
customer = ["client"]
number = ["bill no"]
due = ["pay by"]
balance = ["owing"]
"#,
    )
    .unwrap();
    let csv = book.dir.path().join("shop.csv");
    std::fs::write(&csv, "Client,Bill No,Pay By,Owing\nRiver Cafe,B-1,03/02/2026,\"1,250.00\"\n").unwrap();
    book.dun(&["formats"]).assert().success().stdout(predicate::str::contains("shop-export"));
    book.dun(&["import", csv.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("River Cafe #B-1 due 2026-02-03"));
}

/// A demo debtor in `state` with no flags, holds or disputes and no contact in the
/// last 10 days, so only the rule under test can speak.
fn quiet_debtor(book: &Book, state: &str) -> String {
    let rows = book.json(&["worklist", "--json"]);
    for r in rows.as_array().unwrap() {
        let id = r["id"].as_i64().unwrap().to_string();
        let quiet =
            r["last_contact"].as_str().is_none_or(|d| d < "2026-11-12") && r["flags"].as_array().unwrap().is_empty();
        if !quiet || r["tier"] == "on-hold" {
            continue;
        }
        let show = book.json(&["show", &id, "--json"]);
        let clean = show["disputes"].as_array().unwrap().is_empty() && show["holds"].as_array().unwrap().is_empty();
        if show["debtor"]["region"] == state && clean {
            return id;
        }
    }
    panic!("no quiet debtor in {state}");
}

#[test]
fn check_contact_across_time_zones_and_a_dst_change() {
    let book = Book::with_demo(250);
    let ny = quiet_debtor(&book, "NY");
    let ca = quiet_debtor(&book, "CA");
    let check = |id: &str, at: &str| {
        book.json(&["check-contact", id, "--at", at, "--json"])["level"].as_str().unwrap().to_string()
    };
    // 07:30 in New York is too early; 08:00 is fine.
    assert_eq!(check(&ny, "2026-11-23T12:30:00Z"), "block");
    assert_eq!(check(&ny, "2026-11-23T13:00:00Z"), "allow");
    // The same UTC instant is 04:30 in California, and 08:00 there is 16:00 UTC.
    assert_eq!(check(&ca, "2026-11-23T15:59:00Z"), "block");
    assert_eq!(check(&ca, "2026-11-23T16:00:00Z"), "allow");
    // 20:45 is inside the last-dial buffer: a warning.
    assert_eq!(check(&ny, "2026-11-24T01:45:00Z"), "warn");
    // Spring forward (2026-03-08): 12:30 UTC is 07:30 EST the day before, 08:30 EDT on the day.
    assert_eq!(check(&ny, "2026-03-07T12:30:00Z"), "block");
    assert_eq!(check(&ny, "2026-03-08T12:30:00Z"), "allow");
    let text = book.dun(&["check-contact", &ny, "--at", "2026-11-23T12:30:00Z"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("BLOCK F-TIME") && text.contains("08:00 America/New_York"), "{text}");
}

#[test]
fn log_refuses_a_blocked_call_with_exit_3_and_accepts_an_override() {
    let book = Book::with_demo(250);
    let ny = quiet_debtor(&book, "NY");
    let early = ["log", &ny, "--channel", "call", "--outcome", "NA", "--at", "2026-11-22T12:30:00Z"];
    book.dun(&early).assert().code(3).stderr(predicate::str::contains("F-TIME"));
    let attempts = |b: &Book| b.json(&["show", &ny, "--json"])["attempts"].as_array().unwrap().len();
    let before = attempts(&book);
    let mut with_reason = early.to_vec();
    with_reason.extend(["--override", "debtor asked for a 7:30 call"]);
    book.dun(&with_reason).assert().success();
    assert_eq!(attempts(&book), before + 1);
    let conn = rusqlite::Connection::open(book.db()).unwrap();
    let reason: String = conn
        .query_row("SELECT override_reason FROM attempt WHERE override_reason IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reason, "debtor asked for a 7:30 call");
    let events: i64 =
        conn.query_row("SELECT count(*) FROM event WHERE kind = 'guard-overridden'", [], |r| r.get(0)).unwrap();
    assert_eq!(events, 1);
    // A conversation now starts seven quiet days.
    book.dun(&["log", &ny, "--channel", "call", "--outcome", "RPC", "--at", "2026-11-22T15:00:00Z"]).assert().success();
    book.dun(&["log", &ny, "--channel", "call", "--outcome", "NA", "--at", "2026-11-22T17:00:00Z"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("F-FREQ-B"));
}

#[test]
fn check_verifies_integrity_and_the_event_chain() {
    let book = Book::with_demo(5);
    book.dun(&["note", "1", "first"]).assert().success();
    book.dun(&["note", "1", "second"]).assert().success();
    book.dun(&["check"]).assert().success().stdout(predicate::str::contains("hash chain intact"));
    {
        let conn = rusqlite::Connection::open(book.db()).unwrap();
        conn.execute("UPDATE event SET actor = 'mallory' WHERE id = 2", []).unwrap();
    }
    book.dun(&["check"]).assert().code(1).stdout(predicate::str::contains("BROKEN at event 2"));
}

#[test]
fn export_debtor_writes_a_private_file_with_everything() {
    let book = Book::with_demo(5);
    book.dun(&["note", "2", "asked for a copy of their data"]).assert().success();
    let out = book.dir.path().join("access.json");
    book.dun(&["export", "debtor", "C000002", "--out", out.to_str().unwrap()]).assert().success();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["account"]["debtor"]["external_ref"], "C000002");
    assert!(doc["account"]["contact_points"].as_array().unwrap().len() >= 2);
    assert_eq!(doc["events"][0]["kind"], "note-added");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_profile_change_needs_a_reason_is_recorded_and_changes_the_rules() {
    let book = Book::with_demo(250);
    let ny = quiet_debtor(&book, "NY");
    let early = "2026-11-23T12:30:00Z";
    assert_eq!(book.json(&["check-contact", &ny, "--at", early, "--json"])["level"], "block");
    book.dun(&["profile", &ny, "--purpose", "commercial", "--role", "first-party", "--reason", ""]).assert().code(2);
    book.dun(&["profile", &ny, "--purpose", "business"]).assert().code(2);
    book.dun(&[
        "profile",
        &ny,
        "--purpose",
        "commercial",
        "--role",
        "first-party",
        "--reason",
        "our own trade invoice",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("commercial debt, creditor collecting its own debt"));
    let answer = book.json(&["check-contact", &ny, "--at", early, "--json"]);
    assert_eq!(answer["level"], "warn", "good practice only for a creditor's commercial debt: {answer}");
    let conn = rusqlite::Connection::open(book.db()).unwrap();
    let after: String =
        conn.query_row("SELECT after FROM event WHERE kind = 'profile-changed'", [], |r| r.get(0)).unwrap();
    assert!(after.contains("our own trade invoice"), "{after}");
}

#[test]
fn a_promise_to_pay_from_the_command_line() {
    let book = Book::with_demo(10);
    let id = book.json(&["worklist", "--json"])[0]["id"].as_i64().unwrap().to_string();
    book.dun(&["log", &id, "--channel", "call", "--outcome", "PTP"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("amount and a date"));
    book.dun(&["log", &id, "--channel", "call", "--outcome", "PTP", "--promise", "300", "--by", "+5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("promise $300.00 by 2026-11-27"));
    let show = book.json(&["show", &id, "--json"]);
    let pending: Vec<_> = show["promises"].as_array().unwrap().iter().filter(|p| p["status"] == "pending").collect();
    assert!(pending.iter().any(|p| p["amount"] == "300.00" && p["due_on"] == "2026-11-27"));
    book.dun(&["log", &id, "--channel", "call", "--outcome", "NA", "--at", "2027-01-01T12:00:00Z"]).assert().code(2);
}

#[test]
fn purge_keeps_three_years_and_anonymises_older_closed_accounts() {
    let book = Book::with_demo(250);
    book.dun(&["purge", "--closed-before", "2026-01-01"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("kept 3 years").and(predicate::str::contains("2023-11-22")));
    // Four years on, the accounts that were settled in 2026 are past their keeping date.
    let later = |args: &[&str]| {
        let mut cmd = book.dun(args);
        cmd.env("DUN_TODAY", "2030-12-01");
        cmd
    };
    let dry = later(&["purge", "--closed-before", "2027-12-01", "--dry-run", "--json"]).output().unwrap();
    let dry: Value = serde_json::from_slice(&dry.stdout).unwrap();
    let ids: Vec<i64> = dry["accounts"].as_array().unwrap().iter().map(|a| a[0].as_i64().unwrap()).collect();
    assert!(!ids.is_empty(), "demo accounts with nothing open");
    let open: Vec<i64> =
        book.json(&["worklist", "--json"]).as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.iter().all(|id| !open.contains(id)), "an account with an open balance is never purged");
    later(&["purge", "--closed-before", "2027-12-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Anonymised"));
    let show = book.json(&["show", &ids[0].to_string(), "--json"]);
    assert_eq!(show["debtor"]["name"], format!("Purged #{}", ids[0]));
    assert!(show["contact_points"].as_array().unwrap().iter().all(|c| c["value"] == "(purged)"));
    book.dun(&["check"]).assert().success();
}

#[test]
fn an_inconvenient_time_the_debtor_named_is_blocked() {
    let book = Book::with_demo(250);
    let ny = quiet_debtor(&book, "NY");
    let noon = "2026-11-23T17:30:00Z"; // Monday 12:30 in New York
    assert_eq!(book.json(&["check-contact", &ny, "--at", noon, "--json"])["level"], "allow");
    book.dun(&["restrict", &ny, "--inconvenient", "25:00-26:00"]).assert().code(2);
    book.dun(&["restrict", &ny, "--inconvenient", "12:00-13:30"]).assert().success();
    let a = book.json(&["check-contact", &ny, "--at", noon, "--json"]);
    assert_eq!((a["level"].as_str(), a["findings"][0]["rule"].as_str()), (Some("block"), Some("F-TIME-3")));
    assert_eq!(a["next_allowed"], "2026-11-23T18:30:00Z");
}

#[test]
fn promise_follow_up_dispute_hold_and_why_from_the_command_line() {
    let book = Book::with_demo(30);
    let id = book.json(&["worklist", "--json"])[5]["id"].as_i64().unwrap().to_string();
    book.dun(&["promise", &id, "200", "--by", "+7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("$200.00 by 2026-11-29"));
    book.dun(&["follow-up", &id, "tomorrow", "--what", "confirm the check was mailed"]).assert().success();
    book.dun(&["dispute", &id, "--invoice", "NOPE", "--reason", "x"]).assert().code(2);
    book.dun(&["dispute", &id, "--reason", "says the whole bill is wrong"]).assert().success();
    let why = book.dun(&["why", &id]).output().unwrap();
    let why = String::from_utf8(why.stdout).unwrap();
    assert!(why.contains("ranks") && why.contains("dollar-days"), "{why}");
    book.dun(&["hold", &id, "--reason", "owner in hospital", "--until", "+14"]).assert().success();
    let row = book
        .json(&["worklist", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_i64() == id.parse().ok())
        .cloned()
        .unwrap();
    assert_eq!(row["tier"], "on-hold");
    // A dispute of the whole account blocks collection calls for a third party (F-DISP).
    assert!(
        book.json(&["check-contact", &id, "--json"])["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "F-DISP")
    );
}

#[test]
fn a_personal_guarantee_brings_a_california_trade_debt_under_the_rosenthal_act() {
    let book = Book::with_demo(250);
    let ca = quiet_debtor(&book, "CA");
    let early = "2026-11-23T15:30:00Z"; // 07:30 in California
    let level = || book.json(&["check-contact", &ca, "--at", early, "--json"])["level"].as_str().unwrap().to_string();
    let reason = ["--reason", "trade account"];
    let set = |extra: &[&str]| {
        let mut args = vec!["profile", ca.as_str(), "--purpose", "commercial", "--role", "first-party"];
        args.extend(extra);
        args.extend(reason);
        book.dun(&args).assert().success();
    };
    set(&["--natural-person", "no"]);
    assert_eq!(level(), "warn");
    set(&["--natural-person", "yes"]);
    assert_eq!(level(), "block", "SB 1286: a natural person's commercial debt in California");
    book.dun(&["profile", &ca, "--natural-person", "maybe", "--reason", "x"]).assert().code(2);
}

#[test]
fn holds_disputes_flags_and_restrictions_can_be_lifted() {
    let book = Book::with_demo(30);
    let id = book.json(&["worklist", "--json"])[3]["id"].as_i64().unwrap().to_string();
    let rules = |b: &Book| -> Vec<String> {
        b.json(&["check-contact", &id, "--json"])["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    book.dun(&["hold", &id, "--reason", "payment in transit"]).assert().success();
    book.dun(&["flag", &id, "bankruptcy", "--reason", "petition filed"]).assert().success();
    book.dun(&["restrict", &id, "--weekday", "mon"]).assert().success();
    book.dun(&["dispute", &id, "--reason", "never ordered"]).assert().success();
    let before = rules(&book);
    for r in ["D-HOLD", "F-BK", "F-DISP"] {
        assert!(before.contains(&r.to_string()), "{r} in {before:?}");
    }
    book.dun(&["hold", &id, "--release"]).assert().success();
    book.dun(&["flag", &id, "bankruptcy", "--clear", "--reason", "case dismissed"]).assert().success();
    book.dun(&["restrict", &id, "--revoke"]).assert().success();
    book.dun(&["dispute", &id, "--resolve", "rejected", "--reason", "signed delivery note"]).assert().success();
    let after = rules(&book);
    assert!(after.iter().all(|r| !["D-HOLD", "F-BK", "F-DISP", "F-TIME-3"].contains(&r.as_str())), "{after:?}");
    // An upheld dispute on an invoice credits it to zero.
    let show = book.json(&["show", &id, "--json"]);
    let inv =
        show["invoices"].as_array().unwrap().iter().find(|i| i["status"] == "open" && i["kind"] == "invoice").unwrap();
    let number = inv["number"].as_str().unwrap().to_string();
    book.dun(&["dispute", &id, "--invoice", &number, "--reason", "short delivery"]).assert().success();
    book.dun(&["dispute", &id, "--invoice", &number, "--resolve", "upheld", "--reason", "credit agreed"])
        .assert()
        .success();
    let show = book.json(&["show", &id, "--json"]);
    let inv = show["invoices"].as_array().unwrap().iter().find(|i| i["number"] == number.as_str()).unwrap();
    assert_eq!(inv["balance"], "0.00");
}

#[test]
fn show_private_masks_personal_details_and_overrides_are_marked() {
    let book = Book::with_demo(10);
    let plain = String::from_utf8(book.dun(&["show", "C000002"]).output().unwrap().stdout).unwrap();
    let private = String::from_utf8(book.dun(&["--private", "show", "C000002"]).output().unwrap().stdout).unwrap();
    assert!(plain.contains("555-01") && plain.contains('@'), "{plain}");
    assert!(!private.contains("555-01") && private.contains("•••") && !private.contains("C000002"), "{private}");
}

#[test]
fn backup_while_in_use_and_restore() {
    let book = Book::with_demo(20);
    // Another connection holds a read transaction, as an open desk would.
    let desk = rusqlite::Connection::open(book.db()).unwrap();
    desk.execute_batch("BEGIN; SELECT count(*) FROM debtor;").unwrap();
    let copy = book.dir.path().join("copy.db");
    book.dun(&["backup", copy.to_str().unwrap()]).assert().success();
    desk.execute_batch("COMMIT").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let before = book.json(&["show", "1", "--json"]);
    book.dun(&["note", "1", "written after the backup"]).assert().success();
    assert_ne!(book.json(&["show", "1", "--json"]), before);
    book.dun(&["restore", copy.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("as it was is in"));
    assert_eq!(book.json(&["show", "1", "--json"]), before);
    book.dun(&["check"]).assert().success();
    book.dun(&["restore", book.dir.path().join("nothing.db").to_str().unwrap()]).assert().code(1);
}

/// Found by a review: `restore` refused to run on a damaged book, which is when it is
/// needed; `backup` called a copy of a damaged book a backup; a backup from an older dun
/// was restored unmigrated, under a desk that could then not read it.
#[test]
fn restore_mends_a_damaged_book_and_backup_says_when_the_book_is_damaged() {
    let book = Book::with_demo(300);
    let copy = book.path("copy.db");
    book.dun(&["backup", copy.to_str().unwrap()]).assert().success();
    // Damage the middle of the book: it still opens, but does not read back whole.
    let mut bytes = std::fs::read(book.db()).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 8192].iter_mut().enumerate().for_each(|(i, b)| *b = (i * 7 % 251) as u8);
    std::fs::write(book.db(), &bytes).unwrap();
    let damaged_copy = book.path("damaged-copy.db");
    book.dun(&["backup", damaged_copy.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not read back whole"));
    // Damage the first page too: the book no longer opens. A restore still mends it.
    bytes[100..4096].fill(0x55);
    std::fs::write(book.db(), &bytes).unwrap();
    book.dun(&["check"]).assert().failure();
    let restored = book.json(&["restore", copy.to_str().unwrap(), "--json"]);
    assert_eq!(restored["previous_book_damaged"], true);
    for side in ["copy.db-wal", "copy.db-shm"] {
        assert!(!book.path(side).exists(), "{side} left beside the backup");
    }
    let aside = std::path::PathBuf::from(restored["previous_book"].as_str().unwrap());
    assert_eq!(std::fs::read(&aside).unwrap(), bytes, "the damaged book was set aside as it was");
    book.dun(&["check"]).assert().success();
    // A backup from schema v1 is brought to this dun's schema as it is restored.
    book.dun(&["restore", &fixture("book-v1.db")])
        .assert()
        .success()
        .stdout(predicate::str::contains("The book as it was is in"));
    assert_eq!(book.count("PRAGMA user_version"), dun::store::SCHEMA_VERSION);
    book.dun(&["restore", book.path("nothing.db").to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing.db was not found"));
}

#[test]
fn an_import_is_preceded_by_an_automatic_backup() {
    let book = Book::new();
    book.dun(&["import", &fixture("qbo_ar_aging_detail.csv")])
        .assert()
        .success()
        .stdout(predicate::str::contains("the book as it was before"));
    let backups: Vec<_> = std::fs::read_dir(book.dir.path().join("backups")).unwrap().collect();
    assert_eq!(backups.len(), 1);
}

/// Found by a review: rotation sorted backups by name, so `…-before-import-2.db` passed
/// for older than `…-before-import.db` (every backup is of the same second under a pinned
/// clock) and the backup an import had just reported was removed; and rotation counted
/// `dun backup` copies as its own.
#[test]
fn rotation_keeps_the_newest_backups_before_imports_and_every_backup_you_took() {
    let book = Book::new();
    book.config("backups_to_keep = 2\n");
    let export = |k: usize| {
        let mut text = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
        for i in 0..=k {
            text.push_str(&format!("{};Firma {i};RE-{i};15.01.2026;14.02.2026;100,00;100,00\n", 10001 + i));
        }
        let path = book.path(&format!("export-{k}.csv"));
        std::fs::write(&path, text).unwrap();
        path
    };
    let manual = book.stdout(&["backup"]);
    assert!(manual.contains("manual"), "{manual}");
    let mut reported = String::new();
    for k in 0..5 {
        reported = book.stdout(&["import", export(k).to_str().unwrap()]);
    }
    let mut left: Vec<String> = std::fs::read_dir(book.path("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "book-20261122-180000-before-import-4.db",
            "book-20261122-180000-before-import-5.db",
            "book-20261122-180000-manual.db",
        ],
        "the two newest before imports, and the one taken by hand"
    );
    assert!(reported.contains("before-import-5.db"), "{reported}");
}

#[test]
fn a_schema_v1_book_opens_in_this_version() {
    let book = Book::new();
    std::fs::copy(fixture("book-v1.db"), book.db()).unwrap();
    // The first start says why it takes a while (stderr: the JSON on stdout stays clean);
    // the next says nothing.
    let first = book.dun(&["worklist", "--json"]).assert().success();
    let said = String::from_utf8_lossy(&first.get_output().stderr).to_string();
    assert!(said.contains(&format!("from schema v1 to v{}", dun::store::SCHEMA_VERSION)), "{said}");
    let rows: Value = serde_json::from_slice(&first.get_output().stdout).unwrap();
    assert!(!rows.as_array().unwrap().is_empty());
    book.dun(&["worklist", "--json"]).assert().success().stderr(predicate::str::is_empty());
    book.dun(&["show", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("written by the first version of the schema"));
    book.dun(&["check"]).assert().success();
}

#[test]
fn a_payment_plan_previewed_agreed_and_renegotiated() {
    let book = Book::with_demo(30);
    let id = book.json(&["worklist", "--json"])[0]["id"].as_i64().unwrap().to_string();
    let plan = ["plan", id.as_str(), "--total", "1000", "--down", "100", "--count", "7", "--first", "+10"];
    let mut dry = plan.to_vec();
    dry.extend(["--dry-run", "--json"]);
    let rows = book.json(&dry);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(
        (rows[0]["amount"].as_str(), rows[1]["amount"].as_str(), rows[7]["amount"].as_str()),
        (Some("100.00"), Some("128.57"), Some("128.58"))
    );
    assert_eq!(
        book.json(&["show", &id, "--json"])["plans"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["total"] == "1000.00")
            .count(),
        0
    );
    book.dun(&plan).assert().success().stdout(predicate::str::contains("8 payment(s) every month"));
    book.dun(&["plan", &id, "--total", "900", "--installment", "300", "--every", "biweekly", "--first", "+7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("replaces the earlier plan"));
    let plans = book.json(&["show", &id, "--json"])["plans"].as_array().unwrap().clone();
    assert!(plans.iter().any(|p| p["total"] == "1000.00" && p["status"] == "replaced"), "history kept");
    assert!(plans.iter().any(|p| p["total"] == "900.00"
        && p["status"] == "active"
        && p["installments"].as_array().unwrap().len() == 3));
    book.dun(&["plan", &id, "--total", "99999999", "--count", "3", "--first", "+7"]).assert().code(2);
}

#[test]
fn settle_write_off_and_reverse_a_bounced_payment() {
    let book = Book::with_demo(30);
    let rows = book.json(&["worklist", "--json"]);
    let id = |n: usize| rows[n]["id"].as_i64().unwrap().to_string();
    let cents = |b: &Book, who: &str| -> i64 {
        b.json(&["show", who, "--json"])["open_balance"].as_str().unwrap().replace('.', "").parse().unwrap()
    };
    // A promise of 100 kept by a payment, then the check bounces: the promise is broken again.
    let a = id(2);
    book.dun(&["promise", &a, "100", "--by", "t"]).assert().success();
    let before = cents(&book, &a);
    let paid = book.json(&["pay", &a, "100", "--json"]);
    assert!(paid["message"].as_str().unwrap().contains("1 promise(s) kept"));
    let payment = paid["id"].as_i64().unwrap().to_string();
    book.dun(&["reverse", &payment, "--reason", "returned NSF"])
        .assert()
        .success()
        .stdout(predicate::str::contains("open again"));
    assert_eq!(cents(&book, &a), before, "the bounced money is owed again");
    let later = |args: &[&str]| {
        let mut cmd = book.dun(args);
        cmd.env("DUN_TODAY", "2026-12-05");
        cmd
    };
    let show: Value = serde_json::from_slice(&later(&["show", &a, "--json"]).output().unwrap().stdout).unwrap();
    let promise = show["promises"].as_array().unwrap().iter().find(|p| p["amount"] == "100.00").unwrap();
    assert_eq!(promise["status"], "broken");
    book.dun(&["reverse", &payment, "--reason", "again"]).assert().code(2);
    // Settle for less: the rest is written off, nothing stays open.
    let b = id(3);
    let open = cents(&book, &b);
    assert!(open > 200);
    book.dun(&["pay", &b, "1", "--settle"]).assert().success().stdout(predicate::str::contains("written off"));
    assert_eq!(cents(&book, &b), 0);
    // Write off one account's balance for a stated reason.
    let c = id(4);
    book.dun(&["write-off", &c, "--reason", "because"]).assert().code(2);
    book.dun(&["write-off", &c, "--reason", "uncollectible"]).assert().success();
    assert_eq!(cents(&book, &c), 0);
    book.dun(&["check"]).assert().success();
}

#[test]
fn reports_agree_with_the_worklist_in_every_format() {
    let book = Book::with_demo(40);
    let rows = book.json(&["worklist", "--json"]);
    let worklist_total: i64 = rows.as_array().unwrap().iter().map(|r| r["balance_cents"].as_i64().unwrap()).sum();
    let aging = book.json(&["report", "aging", "--format", "json"]);
    // Amounts are exact decimal strings: compare them as cents, never as floats.
    let cents = |s: &str| s.replace('.', "").parse::<i64>().unwrap();
    let section = &aging["sections"][0];
    let total = cents(section["total"].as_str().unwrap());
    let bucket_total: i64 =
        section["buckets"].as_array().unwrap().iter().map(|b| cents(b["amount"].as_str().unwrap())).sum();
    assert_eq!(bucket_total, total);
    // The worklist leaves out disputed and held accounts; aging counts every balance.
    assert!(total >= worklist_total);

    let csv = book.dun(&["report", "aging-detail", "--format", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    assert_eq!(reader.headers().unwrap().iter().next_back(), Some("TOTAL"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let last = records.last().unwrap();
    assert_eq!(&last[1], "Total");
    assert_eq!(cents(&last[last.len() - 1]), total);

    let kpis = book.json(&["report", "kpi", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"]);
    let names: Vec<&str> = kpis["kpis"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"DSO") && names.contains(&"CEI") && names.contains(&"Promise-kept rate"));
    book.dun(&["report", "kpi", "--format", "md"]).assert().success().stdout(predicate::str::contains("| DSO |"));
    book.dun(&["report", "kpi", "--from", "2026-11-30", "--to", "2026-11-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("after --to"));
}

#[test]
fn the_calendar_export_is_private_icalendar() {
    let book = Book::with_demo(40);
    let file = book.dir.path().join("due.ics");
    book.dun(&["export", "ics", "--out", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("event(s) due from 2026-11-22"));
    let ics = std::fs::read_to_string(&file).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert!(ics.matches("BEGIN:VEVENT").count() > 0);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn payments_go_back_to_accounting_as_csv_and_journal() {
    let book = Book::with_demo(40);
    book.dun(&["pay", "1", "25.00", "--on", "2026-11-21", "--ref", "CHK-77"]).assert().success();
    let out = book.dun(&["export", "payments", "--since", "2026-11-21"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("payment_id,date,kind,customer,customer_ref,invoice,amount"), "{text}");
    assert!(text.contains("CHK-77"), "{text}");
    let journal = book.dir.path().join("dun.journal");
    book.dun(&[
        "export",
        "payments",
        "--since",
        "2026-11-21",
        "--format",
        "ledger",
        "--out",
        journal.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("entries since 2026-11-21"));
    let journal = std::fs::read_to_string(journal).unwrap();
    assert!(journal.contains("2026-11-21 * ") && journal.contains("assets:bank"), "{journal}");
}

#[test]
fn the_letter_batch_dry_run_writes_nothing_and_the_real_run_logs_each_letter() {
    let book = Book::with_demo(40);
    std::fs::create_dir_all(book.dir.path().join("config")).unwrap();
    std::fs::write(book.dir.path().join("config/config.toml"), "[creditor]\nname = \"Northwind Supply Co.\"\n")
        .unwrap();
    let dry = book.dun(&["letters", "--dry-run"]).output().unwrap();
    let dry = String::from_utf8(dry.stdout).unwrap();
    let planned = dry.matches("would send").count();
    assert!(planned > 0 && dry.contains("days past due; this step from day"), "{dry}");
    // The demo's attorney-represented debtor: the dry run asks the guard like the real run.
    assert!(dry.contains("would skip: blocked by F-ATTY"), "{dry}");
    assert!(!book.dir.path().join("letters").exists());
    book.dun(&["letters"]).assert().success().stdout(predicate::str::contains(format!("{planned} letter(s) sent")));
    // A text copy and a print-ready PDF of each.
    assert_eq!(std::fs::read_dir(book.dir.path().join("letters")).unwrap().count(), 2 * planned);
}

#[test]
fn commands_that_used_to_speak_only_text_answer_in_json_too() {
    // Found by a review: flag, restrict, profile, check, backup and restore refused --json.
    let fresh = Book::new();
    let demo = fresh.json(&["demo", "--debtors", "5", "--json"]);
    assert_eq!(demo["summary"]["debtors"], 5);
    let book = Book::with_demo(20);
    let saved = book.json(&["flag", "3", "do-not-call", "--reason", "asked by phone", "--json"]);
    assert_eq!(saved["debtor_id"], 3);
    assert!(saved["message"].as_str().is_some_and(|m| !m.is_empty()));
    let saved = book.json(&["restrict", "3", "--weekday", "sun", "--json"]);
    assert_eq!(saved["debtor_id"], 3);
    let profile = book.json(&["profile", "3", "--purpose", "commercial", "--reason", "a company", "--json"]);
    assert_eq!(profile["debtor_id"], 3);
    let check = book.json(&["check", "--json"]);
    assert_eq!((check["ok"].as_bool(), check["check"]["integrity"].as_str()), (Some(true), Some("ok")));
    let copy = book.path("copy.db");
    let backup = book.json(&["backup", copy.to_str().unwrap(), "--json"]);
    assert_eq!(backup["backup"].as_str(), copy.to_str());
    let restored = book.json(&["restore", copy.to_str().unwrap(), "--json"]);
    assert!(restored["previous_book"].as_str().is_some());
    let queues = book.json(&["queues", "--json"]);
    let all = queues.as_array().unwrap().iter().find(|q| q["queue"] == "all").unwrap();
    let cents: i64 = all["balances"].as_array().unwrap().iter().map(|b| b["cents"].as_i64().unwrap()).sum();
    assert!(cents > 0);
    let aging = book.json(&["report", "aging", "--json"]);
    assert!(aging.is_object() || aging.is_array());
}

/// Output sent to a pipe or a file is written as the data is (a letter, an export, JSON for
/// a script): only a terminal gets control characters as `�` (tests/terminal.rs).
#[test]
fn output_to_a_pipe_is_the_data_as_it_is() {
    let book = Book::new();
    let file = book.path("esc.csv");
    std::fs::write(
        &file,
        "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
         30001;Evil\x1b[2JCorp;RE-1;15.01.2026;14.02.2026;100,00;100,00\n",
    )
    .unwrap();
    book.stdout(&["import", file.to_str().unwrap()]);
    let shown = book.stdout(&["show", "1"]);
    assert!(shown.contains("Evil\x1b[2JCorp"), "{shown}");
}

/// Item 3 of issue 7, found thin by a review: a command run while an import holds the book
/// failed after SQLite's five-second busy timeout. It waits (saying so) and succeeds, whether
/// the import holds the whole book (a first import's rollback journal) or its write lock (WAL).
#[test]
fn a_command_waits_for_an_import_that_holds_the_book_longer_than_the_busy_timeout() {
    let held = |journal: &'static str, import: bool| {
        std::thread::spawn(move || {
            let book = Book::with_demo(10);
            let export = book.path("export.csv");
            std::fs::write(
                &export,
                "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
                 20001;Firma;RE-1;15.01.2026;14.02.2026;100,00;100,00\n",
            )
            .unwrap();
            let writer = rusqlite::Connection::open(book.db()).unwrap();
            let mode: String = writer.query_row(&format!("PRAGMA journal_mode = {journal}"), [], |r| r.get(0)).unwrap();
            assert_eq!(mode, journal);
            let begin = if journal == "wal" { "BEGIN IMMEDIATE" } else { "BEGIN EXCLUSIVE" };
            writer.execute_batch(&format!("{begin}; UPDATE debtor SET name = name WHERE id = 1;")).unwrap();
            let note = std::process::Command::new(assert_cmd::cargo::cargo_bin("dun"))
                .env_clear()
                .env("DUN_DB", book.db())
                .env("DUN_TODAY", "2026-11-22")
                .env("DUN_CONFIG_DIR", book.path("config"))
                .env("DUN_DATA_DIR", book.path("data"))
                .args(match import {
                    // An import resets its connection's waiting around its journal switch.
                    true => vec!["import".to_string(), export.display().to_string()],
                    false => vec!["note".into(), "1".into(), "written while an import held the book".into()],
                })
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_secs(6));
            writer.execute_batch("COMMIT").unwrap();
            drop(writer);
            let out = note.wait_with_output().unwrap();
            let said = String::from_utf8_lossy(&out.stderr).to_string();
            assert!(out.status.success(), "{journal}: {said}");
            assert!(said.contains("waiting for it"), "{journal}: said {said:?}");
            let written = match import {
                true => book.count("SELECT count(*) FROM invoice WHERE number = 'RE-1'"),
                false => book.count("SELECT count(*) FROM note WHERE body LIKE 'written while%'"),
            };
            assert_eq!(written, 1, "{journal}");
        })
    };
    for waiting in [held("delete", false), held("wal", false), held("delete", true)] {
        waiting.join().unwrap();
    }
}
