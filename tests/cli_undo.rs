//! `dun undo` and `dun redo`: each step its own process, so every undo and redo is read
//! back from the book's event log after a restart.

mod book;

use book::Book;
use predicates::prelude::*;
use serde_json::Value;

fn promise_status(book: &Book, account: &str, due_on: &str) -> String {
    let show = book.json(&["show", account, "--json"]);
    let promise = show["promises"].as_array().unwrap().iter().find(|p| p["due_on"] == due_on).cloned();
    promise.map(|p| p["status"].as_str().unwrap().to_string()).unwrap_or_default()
}

fn events(book: &Book) -> Vec<(i64, String, Option<Value>)> {
    let conn = rusqlite::Connection::open(book.db()).unwrap();
    let mut stmt = conn.prepare("SELECT id, kind, after FROM event ORDER BY id").unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?.map(|s| serde_json::from_str(&s).unwrap())))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn undo_and_redo_survive_restarts_and_stay_in_the_log() {
    let book = Book::with_demo(20);
    // Nothing of the collector's yet: the demo book itself is not undone.
    book.dun(&["undo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the last action (demo book created) cannot be undone"));
    book.dun(&["redo"]).assert().code(2).stderr(predicate::str::contains("nothing to redo"));

    // The top of the worklist owes more than the promise.
    let top = book.json(&["worklist", "--json", "--limit", "1"])[0]["id"].as_i64().unwrap().to_string();
    let account = top.as_str();
    let name = book.json(&["show", account, "--json"])["debtor"]["name"].as_str().unwrap().to_string();
    book.dun(&["promise", account, "150", "--by", "2026-11-27"]).assert().success();
    assert_eq!(promise_status(&book, account, "2026-11-27"), "pending");

    let undone = book.json(&["undo", "--json"]);
    assert_eq!(undone["message"], format!("Undid: promise of $150.00 by 2026-11-27 ({name})"));
    assert_eq!(undone["debtor_id"].to_string(), top);
    assert_eq!(promise_status(&book, account, "2026-11-27"), "cancelled");

    // The original event and the undo are both in the log, and the chain holds.
    let log = events(&book);
    let (made, _, _) = log.iter().find(|(_, k, _)| k == "promise-made").unwrap().clone();
    let (_, kind, after) = log.last().unwrap();
    assert_eq!(kind, "undone");
    assert_eq!(after.as_ref().unwrap()["undoes"]["event"], made);
    book.dun(&["check"]).assert().success().stdout(predicate::str::contains("hash chain intact"));

    book.dun(&["redo"]).assert().success().stdout(format!("Redid: promise of $150.00 by 2026-11-27 ({name})\n"));
    assert_eq!(promise_status(&book, account, "2026-11-27"), "pending");
    book.dun(&["redo"]).assert().code(2).stderr(predicate::str::contains("nothing to redo"));

    // Undo, then something new: the undone promise can no longer be redone.
    book.dun(&["undo"]).assert().success();
    book.dun(&["note", account, "asked for an invoice copy"]).assert().success();
    book.dun(&["redo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to redo: note \"asked for an invoice copy\""));
    assert_eq!(promise_status(&book, account, "2026-11-27"), "cancelled");

    // Undo walks back: the note, then (the promise being undone already) nothing of ours.
    book.dun(&["undo"]).assert().success().stdout(predicate::str::starts_with("Undid: note"));
    let notes = book.json(&["show", account, "--json"])["notes"].clone();
    assert!(notes.as_array().unwrap().iter().all(|n| n["body"] != "asked for an invoice copy"), "{notes}");
    book.dun(&["undo"]).assert().code(2).stderr(predicate::str::contains("demo book created"));
    book.dun(&["check"]).assert().success();
}

#[test]
fn a_payment_undone_from_the_cli_is_reversed_and_its_balance_restored() {
    let book = Book::with_demo(20);
    let balance = |book: &Book| book.json(&["show", "3", "--json"])["open_balance"].as_str().unwrap().to_string();
    let before = balance(&book);
    book.dun(&["pay", "3", "25.00", "--ref", "chk 88"]).assert().success();
    assert_ne!(balance(&book), before);
    book.dun(&["undo"]).assert().success().stdout(predicate::str::starts_with("Undid: payment of $25.00 received"));
    assert_eq!(balance(&book), before);
    let show = book.json(&["show", "3", "--json"]);
    assert!(show["payments"].as_array().unwrap().iter().any(|p| p["kind"] == "reversal" && p["amount"] == "-25.00"));
    book.dun(&["redo", "--json"]).assert().success().stdout(predicate::str::contains("Redid: payment of $25.00"));
    assert_ne!(balance(&book), before);
    book.dun(&["check"]).assert().success();
}

#[test]
fn a_write_off_is_not_undone_and_nothing_older_is_undone_past_it() {
    let book = Book::with_demo(5);
    book.dun(&["note", "1", "before the write-off"]).assert().success();
    book.dun(&["write-off", "1", "--reason", "small-balance"]).assert().success();
    book.dun(&["undo"]).assert().code(2).stderr(
        predicate::str::contains("the last action (write-off of $").and(predicate::str::contains("cannot be undone")),
    );
    let notes = book.json(&["show", "1", "--json"])["notes"].clone();
    assert!(notes.as_array().unwrap().iter().any(|n| n["body"] == "before the write-off"));
}
