//! Working the queue from the command line: queues, contact points, the agenda, disputes.

mod book;

use book::Book;
use predicates::prelude::*;

#[test]
fn queues_partition_the_worklist_and_filter_the_letter_batch() {
    let book = Book::with_demo(120);
    let queues = book.json(&["queues", "--json"]);
    let count = |name: &str| {
        queues.as_array().unwrap().iter().find(|q| q["queue"] == name).unwrap()["accounts"].as_u64().unwrap()
    };
    let tiers: u64 = ["promises", "follow-ups", "plans", "new", "standard", "held"].iter().map(|q| count(q)).sum();
    let buckets: u64 = ["current", "1-30", "31-60", "61-90", "91-120", "120+"].iter().map(|q| count(q)).sum();
    assert_eq!(tiers, count("all"), "the tiers partition the worklist");
    assert_eq!(buckets, count("all"), "so do the buckets");
    assert_eq!(count("work") + count("held"), count("all"));
    assert!(count("held") > 0);

    let held = book.json(&["worklist", "--queue", "held", "--json"]);
    assert_eq!(held.as_array().unwrap().len() as u64, count("held"));
    // Held, or waiting for a promise not yet due: each says why and until when.
    let why = |r: &serde_json::Value| r["reason"].as_str().unwrap().to_string();
    assert!(
        held.as_array().unwrap().iter().all(|r| why(r).starts_with("on hold") || why(r).contains(": wait for it")),
        "{held}"
    );
    assert!(held.as_array().unwrap().iter().any(|r| why(r).starts_with("promise due 2026-")), "{held}");

    book.config("[creditor]\nname = \"Northwind Supply Co.\"\n");
    let dry = book.dun(&["letters", "--queue", "1-30", "--dry-run"]).output().unwrap();
    let text = String::from_utf8_lossy(&dry.stdout);
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.contains("would") && !l.starts_with("Dry run"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(!ids.is_empty(), "{text}");
    let in_queue = book.json(&["worklist", "--queue", "1-30", "--json"]);
    let queue_ids: Vec<String> = in_queue.as_array().unwrap().iter().map(|r| r["id"].to_string()).collect();
    assert!(ids.iter().all(|id| queue_ids.contains(&id.to_string())), "{ids:?} not all in {queue_ids:?}");

    book.dun(&["letters", "--queue", "vip", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no queue 'vip' (queues: all, work,"));
}

#[test]
fn contact_points_are_added_and_marked_and_drive_the_skip_trace_queue() {
    let book = Book::with_demo(120);
    let ids = |queue: &str| -> Vec<String> {
        book.json(&["worklist", "--queue", queue, "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].to_string())
            .collect()
    };
    let lost = ids("skip-trace");
    assert!(!lost.is_empty(), "the demo has accounts nobody can reach");
    let id = lost[0].clone();

    book.dun(&[
        "contact",
        &id,
        "add",
        "phone",
        "(312) 555-0142",
        "--label",
        "mobile",
        "--status",
        "good",
        "--source",
        "skip-trace",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("Added phone #"));
    assert!(!ids("skip-trace").contains(&id), "a good phone makes the account reachable");
    book.dun(&["contact", &id, "add", "phone", "312-555-0142"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already on file as #"));

    let listed = book.json(&["contact", &id, "--json"]);
    let phone =
        listed["contact_points"].as_array().unwrap().iter().find(|c| c["value"] == "(312) 555-0142").unwrap()["id"]
            .to_string();
    book.dun(&["contact", &id, "mark", &phone, "bad", "--reason", "disconnected"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(was good): disconnected"));
    assert!(ids("skip-trace").contains(&id), "back in the queue once the number is bad");
    book.dun(&["contact", &id, "mark", &phone, "gone", "--reason", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one of: good, bad, unverified, do-not-use"));

    let text = book.dun(&["contact", &id]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("added as good") && text.contains("good → bad") && text.contains("disconnected"), "{text}");
}

#[test]
fn the_agenda_and_resolving_a_dispute_by_its_number() {
    let book = Book::with_demo(120);
    book.dun(&["follow-up", "9", "2026-11-24", "--what", "confirm the wire"]).assert().success();
    let agenda = book.json(&["agenda", "--days", "3", "--json"]);
    let items = agenda.as_array().unwrap();
    assert!(items.iter().all(|i| i["due_on"].as_str().unwrap() <= "2026-11-25"));
    let mine = items.iter().find(|i| i["debtor_id"] == 9 && i["kind"] == "follow-up").unwrap();
    assert_eq!((mine["days_late"].as_i64(), mine["detail"].as_str()), (Some(-2), Some("confirm the wire")));
    book.dun(&["agenda"]).assert().success().stdout(predicate::str::contains("follow up: confirm the wire"));

    let saved = book.json(&["dispute", "9", "--reason", "price disagreement", "--json"]);
    let dispute = saved["id"].to_string();
    book.dun(&["resolve", &dispute, "rejected", "--note", "price was agreed in writing"])
        .assert()
        .success()
        .stdout(predicate::str::contains("rejected: back in collection"));
    book.dun(&["resolve", &dispute, "upheld"]).assert().code(2).stderr(predicate::str::contains("already resolved"));
    book.dun(&["resolve", "999999", "upheld"]).assert().code(2).stderr(predicate::str::contains("no dispute #999999"));
}

#[test]
fn a_plan_spelled_as_the_issue_spells_it_defaults_to_the_open_balance() {
    let book = Book::with_demo(40);
    let balance = book.json(&["show", "3", "--json"])["open_balance"].as_str().unwrap().to_string();
    let preview =
        book.json(&["plan", "3", "--installments", "4", "--every", "2weeks", "--first", "+14", "--preview", "--json"]);
    let rows = preview.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1]["due_on"], "2026-12-20", "every two weeks from the first");
    let cents = |s: &str| s.replace(['$', ','], "").replace('.', "").parse::<i64>().unwrap();
    let sum: i64 = rows.iter().map(|r| cents(r["amount"].as_str().unwrap())).sum();
    assert_eq!(sum, cents(&balance), "the schedule pays off the open balance exactly");
    book.dun(&["plan", "3", "--amount", "25", "--every", "fortnightly", "--first", "+7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("week, 2weeks, semimonth or month"));
}

#[test]
fn an_invoice_set_aside_and_a_due_date_extended_show_in_the_worklist_and_end_by_themselves() {
    let book = Book::with_demo(60);
    let shown = book.json(&["show", "5", "--json"]);
    let open: Vec<&serde_json::Value> =
        shown["invoices"].as_array().unwrap().iter().filter(|i| i["status"] == "open").collect();
    assert!(open.len() >= 2, "{shown}");
    let (first, second) = (open[0]["number"].as_str().unwrap(), open[1]["number"].as_str().unwrap());
    book.dun(&["hold", "5", "--invoice", first, "--reason", "delivery being checked", "--until", "2026-12-02"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Invoice {first} set aside until 2026-12-02")));
    book.dun(&["extend", "5", second, "--to", "2027-01-15", "--reason", "agreed by phone"])
        .assert()
        .success()
        .stdout(predicate::str::contains("now due 2027-01-15"));
    let row = |book: &Book, today: &str| {
        let out = book.dun(&["worklist", "--json"]).env("DUN_TODAY", today).output().unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        rows.as_array().unwrap().iter().find(|r| r["id"] == 5).cloned().unwrap()
    };
    let reason = row(&book, "2026-11-22")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("1 invoice(s) set aside until 2026-12-02")
            && reason.contains("due date extended to 2027-01-15"),
        "{reason}"
    );
    let later = row(&book, "2026-12-03")["reason"].as_str().unwrap().to_string();
    assert!(!later.contains("set aside"), "the hold ended by itself: {later}");
    book.dun(&["show", "5"]).assert().success().stdout(predicate::str::contains("(extended from"));
    book.dun(&["extend", "5", second, "--to", "2026-12-01", "--reason", "sooner"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not later than"));
}

#[test]
fn a_payment_goes_first_to_the_invoice_the_remittance_names() {
    let book = Book::with_demo(40);
    let shown = book.json(&["show", "5", "--json"]);
    let mut open: Vec<&serde_json::Value> = shown["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "open" && i["disputed"] == false)
        .collect();
    open.sort_by_key(|i| i["due_on"].as_str().unwrap().to_string());
    assert!(open.len() >= 2, "{shown}");
    let newest = open.last().unwrap()["number"].as_str().unwrap().to_string();
    book.dun(&["pay", "5", "1.00", "--invoice", &newest]).assert().success();
    let shown = book.json(&["show", "5", "--json"]);
    let payment = shown["payments"].as_array().unwrap().iter().max_by_key(|p| p["id"].as_i64()).unwrap().clone();
    let applied = payment["allocations"][0]["invoice_number"].as_str().unwrap();
    assert_eq!(applied, newest, "not the oldest: the one named");
    book.dun(&["pay", "5", "1.00", "--invoice", "NOPE-9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no invoice NOPE-9"));
}

#[test]
fn a_bounced_settlement_puts_the_whole_balance_back_remainder_included() {
    let book = Book::with_demo(40);
    let before = book.json(&["show", "6", "--json"])["open_balance"].as_str().unwrap().to_string();
    let settled = book.json(&["pay", "6", "10.00", "--settle", "--json"]);
    assert_eq!(book.json(&["show", "6", "--json"])["open_balance"], "0.00");
    let id = settled["id"].to_string();
    book.dun(&["reverse", &id, "--reason", "returned NSF"])
        .assert()
        .success()
        .stdout(predicate::str::contains("written off are owed again"));
    assert_eq!(book.json(&["show", "6", "--json"])["open_balance"].as_str().unwrap(), before);
    let net_written_off = book.count(
        "SELECT coalesce(sum(amount_cents), 0) FROM payment WHERE debtor_id = 6 AND kind = 'write-off' AND method = 'settlement-remainder'",
    );
    assert_eq!(net_written_off, 0, "the remainder's write-off is taken back");
}

/// Decimal string ("1018.00") → cents.
fn cents(v: &serde_json::Value) -> i64 {
    let s = v.as_str().unwrap();
    let (whole, frac) = s.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

/// An account's oldest-ranked past-due invoice nobody disputes: (number, balance in cents).
fn undisputed_past_due(book: &Book, id: &str) -> (String, i64) {
    let shown = book.json(&["show", id, "--json"]);
    let open: Vec<&serde_json::Value> = shown["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "open" && i["kind"] == "invoice" && i["disputed"] == false)
        .filter(|i| i["due_on"].as_str().unwrap() < "2026-11-22")
        .collect();
    assert!(open.len() >= 2, "{shown}");
    let i = open.iter().max_by_key(|i| cents(&i["balance"])).unwrap();
    (i["number"].as_str().unwrap().to_string(), cents(&i["balance"]))
}

#[test]
fn a_dispute_on_an_amount_leaves_the_rest_in_collection() {
    let book = Book::with_demo(40);
    let (number, balance) = undisputed_past_due(&book, "5");
    let row = |book: &Book| {
        let rows = book.json(&["worklist", "--json"]);
        rows.as_array().unwrap().iter().find(|r| r["id"] == 5).cloned().unwrap()
    };
    let before = row(&book);

    book.dun(&["dispute", "5", "--amount", "1.00", "--reason", "short"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("open invoices (").and(predicate::str::contains(number.as_str())));
    let over = format!("{}.{:02}", (balance + 1) / 100, (balance + 1) % 100);
    book.dun(&["dispute", "5", "--invoice", &number, "--amount", &over, "--reason", "short"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("is more than invoice {number}'s open balance")));
    book.dun(&["dispute", "5", "--invoice", &number, "--amount", "0", "--reason", "short"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must be more than zero"));
    book.dun(&["dispute", "5", "--invoice", &number, "--amount", "1", "--resolve", "upheld"]).assert().code(2);
    assert_eq!(book.count("SELECT count(*) FROM dispute WHERE debtor_id = 5 AND status = 'open'"), 0);

    let saved =
        book.json(&["dispute", "5", "--invoice", &number, "--amount", "120", "--reason", "two boxes short", "--json"]);
    let message = saved["message"].as_str().unwrap();
    assert!(message.starts_with(&format!("Dispute opened on $120.00 of invoice {number} (")), "{message}");

    // Still owed; only the 120.00 left collection.
    let shown = book.json(&["show", "5", "--json"]);
    let dispute = &shown["disputes"][0];
    assert_eq!((dispute["amount"].as_str(), dispute["status"].as_str()), (Some("120.00"), Some("open")));
    let invoice = shown["invoices"].as_array().unwrap().iter().find(|i| i["number"] == number.as_str()).unwrap();
    assert_eq!((invoice["disputed"].as_bool(), invoice["disputed_amount"].as_str()), (Some(true), Some("120.00")));
    let after = row(&book);
    assert_eq!(after["balance"], before["balance"], "a disputed amount is still owed");
    assert!(after["score"].as_i64() < before["score"].as_i64(), "ranked on less: {before} → {after}");
    let text = book.stdout(&["show", "5"]);
    assert!(text.contains("(disputed $120.00 of $") && text.contains("two boxes short"), "{text}");
    let check = book.json(&["check-contact", "5", "--json"]);
    let disp = check["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "F-DISP").unwrap().clone();
    assert_eq!(disp["level"], "warn");
    assert!(disp["message"].as_str().unwrap().contains("collect only the undisputed"), "{disp}");

    // A payment named for the invoice pays only its undisputed part; the rest waits unapplied.
    let amount = format!("{}.{:02}", balance / 100, balance % 100);
    book.dun(&["pay", "5", &amount, "--invoice", &number])
        .assert()
        .success()
        .stdout(predicate::str::contains("$120.00 unapplied"));
    let disputed_left = |book: &Book| {
        let shown = book.json(&["show", "5", "--json"]);
        let i = shown["invoices"].as_array().unwrap().iter().find(|i| i["number"] == number.as_str()).unwrap().clone();
        (cents(&i["balance"]), i["status"].as_str().unwrap().to_string())
    };
    assert_eq!(disputed_left(&book), (12_000, "open".to_string()));

    // Upheld: the 120.00 is credited and the invoice is paid.
    let id = saved["id"].to_string();
    book.dun(&["resolve", &id, "upheld", "--note", "two boxes were missing"])
        .assert()
        .success()
        .stdout(predicate::str::contains("credited $120.00"));
    assert_eq!(disputed_left(&book), (0, "paid".to_string()));
}

#[test]
fn opening_a_dispute_on_an_amount_is_undone() {
    let book = Book::with_demo(40);
    let (number, _) = undisputed_past_due(&book, "5");
    book.dun(&["dispute", "5", "--invoice", &number, "--amount", "50", "--reason", "price"]).assert().success();
    book.dun(&["undo"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Undid: dispute of $50.00 on invoice {number}")));
    let shown = book.json(&["show", "5", "--json"]);
    assert_eq!(shown["disputes"][0]["status"], "withdrawn");
    let invoice = shown["invoices"].as_array().unwrap().iter().find(|i| i["number"] == number.as_str()).unwrap();
    assert_eq!((invoice["disputed"].as_bool(), invoice["disputed_amount"].as_str()), (Some(false), Some("0.00")));
}

/// The reviewer's book: 60 demo debtors from seed 1, today 22 Nov 2026.
fn seed_one() -> Book {
    let book = Book::new();
    book.dun(&["demo", "--debtors", "60", "--seed", "1"]).assert().success();
    book
}

/// (balance in cents, status) of one invoice of an account.
fn invoice_state(book: &Book, id: &str, number: &str) -> (i64, String) {
    let shown = book.json(&["show", id, "--json"]);
    let i = shown["invoices"].as_array().unwrap().iter().find(|i| i["number"] == number).unwrap().clone();
    (cents(&i["balance"]), i["status"].as_str().unwrap().to_string())
}

#[test]
fn a_payment_named_for_an_invoice_pays_that_invoice_and_the_rest_waits_unapplied() {
    // D-ALLOC: the debtor's direction controls; money beyond the invoice it names is not put
    // on another debt without a direction (domain-rules.md, its third test vector).
    let book = seed_one();
    // #14 owes INV-001264 (1,197.00, due 4 Aug) and INV-001262 (1,187.00, due 17 Aug).
    book.dun(&["pay", "14", "1500", "--invoice", "INV-001262"])
        .assert()
        .success()
        .stdout(predicate::str::contains("applied to 1 invoice(s)").and(predicate::str::contains("$313.00 unapplied")));
    assert_eq!(invoice_state(&book, "14", "INV-001262"), (0, "paid".into()));
    assert_eq!(invoice_state(&book, "14", "INV-001264"), (119_700, "open".into()));
}

#[test]
fn a_whole_account_dispute_takes_no_payment_and_upheld_credits_what_it_held_back() {
    let book = seed_one();
    let opened = book.json(&["dispute", "14", "--reason", "not ours", "--json"]);
    book.dun(&["pay", "14", "100"])
        .assert()
        .success()
        .stdout(predicate::str::contains("applied to 0 invoice(s), $100.00 unapplied"));
    let text = book.stdout(&["show", "14"]);
    assert!(text.contains("Open balance $2,384.00") && text.contains("Unapplied payments $100.00"), "{text}");
    let check = book.json(&["check-contact", "14", "--json"]);
    let disp = check["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "F-DISP").unwrap().clone();
    assert_eq!(disp["level"], "block");

    book.dun(&["resolve", &opened["id"].to_string(), "upheld", "--note", "never ordered"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Dispute upheld: credited $2,384.00 on 2 invoices"));
    assert_eq!(book.json(&["show", "14", "--json"])["open_balance"], "0.00");
    assert_eq!(invoice_state(&book, "14", "INV-001264"), (0, "paid".into()));
}

#[test]
fn a_write_off_of_a_partly_disputed_invoice_leaves_the_disputed_part() {
    let book = seed_one();
    // #8: INV-001150 has 560.00 open; 200.00 of it disputed.
    book.dun(&["dispute", "8", "--invoice", "INV-001150", "--amount", "200", "--reason", "x"]).assert().success();
    book.dun(&["write-off", "8", "--invoice", "INV-001150", "--reason", "uncollectible"]).assert().success().stdout(
        predicate::str::contains("Wrote off $360.00 (uncollectible); the disputed $200.00 is left to its dispute"),
    );
    assert_eq!(invoice_state(&book, "8", "INV-001150"), (20_000, "open".into()));
    let shown = book.json(&["show", "8", "--json"]);
    assert_eq!(shown["disputes"][0]["status"], "open", "the dispute still has its 200.00");
}

#[test]
fn a_rejected_dispute_applies_the_money_that_waited_unapplied() {
    let book = seed_one();
    let opened = book.json(&["dispute", "14", "--reason", "not ours", "--json"]);
    book.dun(&["pay", "14", "100"]).assert().success().stdout(predicate::str::contains("$100.00 unapplied"));
    book.dun(&["resolve", &opened["id"].to_string(), "rejected", "--note", "signed for"]).assert().success().stdout(
        predicate::str::contains(
            "Dispute rejected: back in collection; $100.00 of unapplied payments applied to 1 invoice(s)",
        ),
    );
    let text = book.stdout(&["show", "14"]);
    assert!(text.contains("Open balance $2,284.00") && !text.contains("Unapplied payments"), "{text}");
    assert_eq!(invoice_state(&book, "14", "INV-001264"), (119_700 - 10_000, "open".into()));
}

#[test]
fn a_partial_dispute_leaves_the_ladder_going_and_demands_only_the_undisputed_part() {
    let book = seed_one();
    book.config("[creditor]\nname = \"Northwind Supply Co.\"\naddress = \"12 Harbor Road\\nPortland, ME 04101\"\n");
    // #8: INV-001150 560.00 past due (32 days), INV-001141 989.00 not due yet.
    book.dun(&["dispute", "8", "--invoice", "INV-001150", "--amount", "200", "--reason", "x"]).assert().success();
    let text = book.stdout(&["show", "8"]);
    assert!(text.contains("Next step: send the second notice (32 days past due"), "{text}");
    let letter = book.stdout(&["letter", "8", "second-notice"]);
    assert!(letter.contains("Past due now: $360.00"), "{letter}");
    // Its statement of the account marks the disputed part rather than asking for it.
    assert!(letter.contains("($200.00 in dispute)"), "{letter}");
    assert!(letter.contains("of which in dispute, not asked for: $200.00"), "{letter}");
    let letter = book.stdout(&["letter", "8", "final-demand"]);
    assert!(letter.contains("$360.00 remains unpaid") && !letter.contains("$560.00"), "{letter}");
}

/// The reviewer's plan on #7: 100.00 down today, then three monthly installments from 1 Dec.
fn plan_on_seven(book: &Book) {
    book.dun(&["plan", "7", "--installments", "3", "--every", "month", "--first", "2026-12-01", "--down", "100"])
        .assert()
        .success();
    book.dun(&["pay", "7", "100"]).assert().success();
}

#[test]
fn a_missed_installment_puts_the_account_in_the_plans_queue_and_says_why() {
    let book = Book::with_demo(60);
    plan_on_seven(&book);
    // #7's call-back of 27 Nov is made (D-PRIO-2 ranks a call-back due above a missed
    // installment); the installment of 1 Dec is then missed with nobody in touch since.
    book.dun(&["--today", "2026-11-28", "log", "7", "--channel", "call-out", "--outcome", "NA"]).assert().success();
    let later = ["--today", "2026-12-10"];
    let queues = book.json(&[&later[..], &["queues", "--json"]].concat());
    let plans = queues.as_array().unwrap().iter().find(|q| q["queue"] == "plans").unwrap()["accounts"].as_u64();
    assert!(plans.is_some_and(|n| n >= 1), "{queues}");
    let queue = book.json(&[&later[..], &["worklist", "--queue", "plans", "--json"]].concat());
    let seven = queue.as_array().unwrap().iter().find(|r| r["id"] == 7).expect("#7 in the plans queue");
    assert_eq!(seven["reason"], "installment missed 9d ago");
    let why = book.stdout(&[&later[..], &["why", "7"]].concat());
    assert!(why.contains("tier 3: plan installment missed"), "{why}");
    assert!(why.contains("×1.25  missed installments"), "{why}");
}

#[test]
fn an_installment_paid_after_its_grace_shows_paid_late_as_the_report_counts_it() {
    let book = Book::with_demo(60);
    plan_on_seven(&book);
    book.dun(&["--today", "2026-12-11", "pay", "7", "480.66"]).assert().success();
    let later = ["--today", "2026-12-12"];
    let show = book.stdout(&[&later[..], &["show", "7"]].concat());
    assert!(show.contains("plan #1 (active) installment 2 paid late"), "{show}");
    let json = book.json(&[&later[..], &["show", "7", "--json"]].concat());
    let second = &json["plans"][0]["installments"][1];
    assert_eq!((second["status"].as_str(), second["paid_on"].as_str()), (Some("paid-late"), Some("2026-12-11")));
    let report = book.json(&[&later[..], &["report", "plans", "--format", "json"]].concat());
    let late = report["installments"].as_array().unwrap().iter().find(|l| l["outcome"] == "late").unwrap();
    assert!(late["installments"].as_u64().unwrap() >= 1, "{report}");
}

#[test]
fn a_replaced_plans_installments_stop_aging() {
    let book = Book::with_demo(60);
    plan_on_seven(&book);
    book.dun(&["plan", "7", "--amount", "200", "--every", "2weeks", "--first", "2026-12-15"]).assert().success();
    let later = ["--today", "2027-01-20"];
    let json = book.json(&[&later[..], &["show", "7", "--json"]].concat());
    let old = json["plans"].as_array().unwrap().iter().find(|p| p["id"] == 1).unwrap();
    assert_eq!(old["status"], "replaced");
    let states: Vec<&str> =
        old["installments"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["paid", "replaced", "replaced", "replaced"]);
    let show = book.stdout(&[&later[..], &["show", "7"]].concat());
    assert!(!show.contains("plan #1 (replaced) installment 2 missed"), "{show}");
    assert!(show.contains("plan #1 (replaced) installment 2 replaced"), "{show}");
    let agenda = book.stdout(&[&later[..], &["agenda", "--json"]].concat());
    assert!(!agenda.contains("\"2026-12-01\""), "the old plan's installment is not on the agenda: {agenda}");
}

#[test]
fn a_plan_for_more_than_is_owed_is_refused_even_as_a_preview() {
    let book = Book::with_demo(60);
    for preview in [true, false] {
        let mut args = vec!["plan", "7", "--installments", "3", "--total", "5000", "--first", "2026-12-01"];
        if preview {
            args.push("--preview");
        }
        book.dun(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("$5,000.00 is more than the open balance $1,542.00"));
    }
    assert_eq!(book.count("SELECT count(*) FROM plan WHERE debtor_id = 7"), 0);
}

#[test]
fn show_gives_each_plans_status_broken_included() {
    let book = Book::with_demo(60);
    book.dun(&["plan", "7", "--installments", "3", "--every", "month", "--first", "2026-12-01", "--down", "100"])
        .assert()
        .success();
    // The down payment and December's installment missed: two misses break the plan.
    let show = book.stdout(&["--today", "2026-12-10", "show", "7"]);
    assert!(show.contains("plan #1 (broken) installment 2 missed"), "{show}");
    assert!(show.contains("plan #1 (broken) installment 3 cancelled"), "{show}");
}

#[test]
fn a_plan_takes_its_own_grace_days() {
    let book = Book::with_demo(60);
    book.dun(&["plan", "7", "--installments", "3", "--first", "2026-12-01", "--grace", "10"]).assert().success();
    assert_eq!(book.count("SELECT grace_days FROM plan WHERE debtor_id = 7"), 10);
    // 1 Dec plus 10 days: still due on the 11th, missed on the 12th.
    let state = |today: &str| {
        let json = book.json(&["--today", today, "show", "7", "--json"]);
        json["plans"][0]["installments"][0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(state("2026-12-11"), "due");
    assert_eq!(state("2026-12-12"), "missed");
}

#[test]
fn a_call_back_keeps_its_time_of_day() {
    // The issue asks for a call-back time, not only a day.
    let book = Book::with_demo(20);
    let saved = book.json(&[
        "log",
        "3",
        "--channel",
        "call-out",
        "--outcome",
        "CB",
        "--follow-up",
        "+1",
        "--call-at",
        "2:30pm",
        "--json",
    ]);
    let message = saved["message"].as_str().unwrap();
    assert!(message.contains("call back 2026-11-23 at 14:30"), "{message}");
    let agenda = book.stdout(&["agenda"]);
    assert!(agenda.contains("call at 14:30"), "{agenda}");
    // A time without a day is refused, and so is a time that is not one.
    book.dun(&["log", "3", "--channel", "call-out", "--outcome", "CB", "--call-at", "14:30"]).assert().failure();
    book.dun(&["log", "3", "--channel", "call-out", "--outcome", "CB", "--follow-up", "+1", "--call-at", "25:00"])
        .assert()
        .failure();
}

#[test]
fn a_wrong_number_says_which_phone_was_marked_or_that_none_was() {
    // Found by a review: with two phones on file, a wrong number marked nothing, silently.
    let book = seed_one();
    let two = book.stdout(&["log", "4", "--channel", "call-out", "--outcome", "WN"]);
    assert!(two.contains("2 phones on file, none marked"), "{two}");
    let one = book.stdout(&["log", "48", "--channel", "call-out", "--outcome", "WN"]);
    assert!(one.contains("marked bad"), "{one}");
}

#[test]
fn an_empty_queue_says_so_rather_than_that_nothing_is_owed() {
    let book = Book::with_demo(20);
    let out = book.stdout(&["worklist", "--queue", "plans"]);
    assert!(out.contains("No account in the plans queue today"), "{out}");
}

#[test]
fn show_tells_money_received_from_write_offs_and_names_what_stayed_unapplied() {
    // Found by a review: write-offs were listed as if received, and unapplied money was blank.
    let book = seed_one();
    book.stdout(&["dispute", "14", "--reason", "not ours"]);
    book.stdout(&["pay", "14", "100"]);
    let shown = book.stdout(&["show", "14"]);
    assert!(shown.contains("Payments, credits and write-offs") && shown.contains("KIND"), "{shown}");
    assert!(shown.contains("$100.00 unapplied"), "{shown}");
}

/// Review 1: a plan broken by its second miss stops falling due: the worklist counts the two
/// missed before the break, and the agenda and the calendar leave out the cancelled rest.
#[test]
fn a_broken_plans_cancelled_installments_are_not_missed_nor_due() {
    let book = seed_one();
    book.dun(&["plan", "14", "--installments", "6", "--every", "month", "--first", "2026-12-15"]).assert().success();
    let later = ["--today", "2027-03-21"];
    let show = book.stdout(&[&later[..], &["show", "14"]].concat());
    assert!(show.contains("plan #1 (broken) installment 4 cancelled"), "{show}");
    let why = book.stdout(&[&later[..], &["why", "14"]].concat());
    assert!(why.contains("missed installments 2 of the plan"), "{why}");
    assert!(why.contains("tier 3: plan installment missed"), "the broken plan still raises the account: {why}");
    let agenda = book.stdout(&[&later[..], &["agenda", "--days", "30"]].concat());
    assert!(!agenda.contains("installment 5/6"), "{agenda}");
    let out = book.path("dun.ics");
    book.dun(&[&later[..], &["export", "ics", "--out", out.to_str().unwrap()]].concat()).assert().success();
    let ics = std::fs::read_to_string(&out).unwrap();
    assert!(!ics.contains("Installment 5/6"), "{ics}");
}

/// Review 2: an undone plan is cancelled; its installments never count as missed, in the
/// plans report either.
#[test]
fn an_undone_plans_installments_are_never_missed_in_the_report() {
    let book = seed_one();
    book.dun(&["plan", "14", "--installments", "4", "--every", "month", "--first", "2026-12-10"]).assert().success();
    book.dun(&["undo"]).assert().success();
    let report = book.json(&["--today", "2027-01-20", "report", "plans", "--format", "json"]);
    let missed = report["installments"].as_array().unwrap().iter().find(|l| l["outcome"] == "missed").unwrap();
    assert_eq!(missed["installments"].as_u64(), Some(0), "{report}");
    let cancelled = report["statuses"].as_array().unwrap().iter().find(|l| l["status"] == "cancelled").unwrap();
    assert_eq!(cancelled["plans"].as_u64(), Some(1), "{report}");
}

/// Review 3: a plan covers only the balance in collection; a wholly disputed account takes none.
#[test]
fn a_plan_never_covers_disputed_money() {
    let book = seed_one();
    let plan = ["plan", "14", "--installments", "2", "--every", "month", "--first", "2026-12-01"];
    book.dun(&["dispute", "14", "--invoice", "INV-001264", "--amount", "100", "--reason", "x"]).assert().success();
    book.dun(&[&plan[..], &["--total", "2384"]].concat())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("$2,384.00 is more than the balance in collection $2,284.00"));
    book.dun(&plan).assert().success().stdout(predicate::str::contains("Plan of $2,284.00"));

    let whole = seed_one();
    whole.dun(&["dispute", "14", "--reason", "x"]).assert().success();
    whole
        .dun(&plan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the whole balance is disputed: resolve the dispute first"));
    assert_eq!(whole.count("SELECT count(*) FROM plan WHERE debtor_id = 14"), 0);
}

#[test]
fn undoing_a_rejected_dispute_is_refused_in_words_about_a_rejection() {
    // Found by a review: the refusal spoke of an upheld dispute's credit after a rejection.
    let book = seed_one();
    let opened = book.json(&["dispute", "8", "--invoice", "INV-001150", "--amount", "100", "--reason", "x", "--json"]);
    let id = opened["id"].as_i64().unwrap().to_string();
    book.stdout(&["resolve", &id, "rejected"]);
    let out = book.dun(&["undo"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("rejected by mistake") && !said.contains("credited"), "{said}");
}
