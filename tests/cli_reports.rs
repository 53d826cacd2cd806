//! `dun report` for activity, roll rates, plans and disputes: the real binary on a temporary
//! demo book with a pinned day, each report cross-checked against another view of the book.

use predicates::prelude::*;

mod book;

use book::Book;

/// An exact decimal ("1234.50", "$1,234.50") as cents; never through a float.
fn cents(s: &str) -> i64 {
    let s = s.replace(['$', ','], "");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    sign * (whole.trim_start_matches('-').parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap())
}

#[test]
fn activity_by_week_and_month_adds_up_to_the_kpis_of_the_range() {
    let book = Book::with_demo(60);
    let range = ["--from", "2026-10-01", "--to", "2026-11-22"];
    let weekly = book.json(&[&["report", "activity", "--format", "json"][..], &range].concat());
    assert_eq!(weekly["by"], "week", "53 days: weeks by default");
    let rows = weekly["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8, "W40 (from Thu 1 Oct) to W47");
    assert_eq!(rows[0]["first_day"], "2026-10-01");
    assert_eq!(rows[1]["first_day"], "2026-10-05", "ISO weeks start on Monday");
    let total = &weekly["total"];
    for key in ["attempts", "right_party_contacts", "promises_made", "promises_due", "promises_kept"] {
        let sum: i64 = rows.iter().map(|r| r[key].as_i64().unwrap()).sum();
        assert_eq!(sum, total[key].as_i64().unwrap(), "{key}");
    }
    let collected: i64 = rows.iter().map(|r| cents(r["collected"].as_str().unwrap())).sum();
    assert_eq!(collected, cents(total["collected"].as_str().unwrap()));
    assert!(total["attempts"].as_i64().unwrap() > 0 && collected > 0);

    // The same range in the KPI report: money in, promises and right-party contacts agree.
    let kpis = book.json(&[&["report", "kpi", "--format", "json"][..], &range].concat());
    let kpi = |name: &str| kpis["kpis"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap().clone();
    assert_eq!(cents(kpi("Collected")["value"].as_str().unwrap()), collected);
    let promise_rate = kpi("Promise rate")["inputs"].as_str().unwrap().to_string();
    let (made, rpc) = (total["promises_made"].as_i64().unwrap(), total["right_party_contacts"].as_i64().unwrap());
    assert_eq!(promise_rate, format!("{made} promises, {rpc} right-party contacts"));

    let monthly = book.json(&[&["report", "activity", "--by", "month", "--format", "json"][..], &range].concat());
    let months: Vec<&str> = monthly["rows"].as_array().unwrap().iter().map(|r| r["period"].as_str().unwrap()).collect();
    assert_eq!(months, ["2026-10", "2026-11"]);
    assert_eq!(monthly["total"], weekly["total"]);

    // CSV: plain decimals and a total row; the table says what the columns mean.
    let csv = book.stdout(&[&["report", "activity", "--by", "day", "--format", "csv"][..], &range].concat());
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().next(), Some("PERIOD"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 53 + 1, "a row per day and the total");
    let last = records.last().unwrap();
    assert_eq!(&last[0], "Total");
    assert_eq!(cents(&last[last.len() - 1]), collected);
    assert!(!csv.contains('$'));
    book.dun(&[&["report", "activity"][..], &range].concat())
        .assert()
        .success()
        .stdout(predicate::str::contains("by week").and(predicate::str::contains("RPC: right-party contacts")));
    book.dun(&["report", "activity", "--from", "2026-11-01", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::contains("by day").and(predicate::str::contains("| 2026-11-22 |")));
}

#[test]
fn roll_rates_follow_the_month_ends_and_show_their_formula() {
    let book = Book::with_demo(60);
    let report = book.json(&["report", "roll-rates", "--as-of", "2026-11-22", "--months", "3", "--format", "json"]);
    let months = report["months"].as_array().unwrap();
    let ends: Vec<&str> = months.iter().map(|m| m["month_end"].as_str().unwrap()).collect();
    assert_eq!(ends, ["2026-08-31", "2026-09-30", "2026-10-31"], "the last three month ends, oldest first");
    assert_eq!(months[0]["previous_end"], "2026-07-31");
    for month in months {
        let lines = month["lines"].as_array().unwrap();
        let from: Vec<&str> = lines.iter().map(|l| l["from"].as_str().unwrap()).collect();
        assert_eq!(from, ["current", "1-30", "31-60", "61-90", "91-120"]);
        for l in lines {
            // Everything in the cohort went somewhere: a bucket, paid, or written off.
            let at_end: i64 =
                l["at_month_end"].as_array().unwrap().iter().map(|b| cents(b["amount"].as_str().unwrap())).sum();
            let (paid, written_off) = (cents(l["paid"].as_str().unwrap()), cents(l["written_off"].as_str().unwrap()));
            assert_eq!(at_end + paid + written_off, cents(l["cohort"].as_str().unwrap()));
            assert!(cents(l["rolled"].as_str().unwrap()) <= at_end);
        }
    }
    // A cohort is what the aging showed in that bucket, less credit memos: never more.
    let aging = book.json(&["report", "aging", "--as-of", "2026-09-30", "--format", "json"]);
    let current_sep = cents(aging["sections"][0]["buckets"][0]["amount"].as_str().unwrap());
    let cohort = cents(months[2]["lines"][0]["cohort"].as_str().unwrap());
    assert!(cohort >= current_sep && cohort > 0, "credit memos only lower the aging's figure");
    // The rate is rolled / cohort, shown to a tenth of a percent.
    let l = &months[2]["lines"][1];
    let (rolled, cohort) = (cents(l["rolled"].as_str().unwrap()), cents(l["cohort"].as_str().unwrap()));
    let shown: i64 = l["roll_rate"].as_str().unwrap().trim_end_matches('%').replace('.', "").parse().unwrap();
    assert!((shown * cohort - rolled * 1000).abs() * 2 <= cohort, "{shown} vs {rolled} / {cohort}");

    let table = book.stdout(&["report", "roll-rates", "--months", "2"]);
    assert!(table.contains("roll rate = amount in bucket b at the end of month t−1"), "{table}");
    assert!(table.contains("2026-10  current  1-30") && table.contains("all 2"), "{table}");
    book.dun(&["report", "roll-rates", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("MONTH,FROM,TO,COHORT").and(predicate::str::contains("$").not()));
    book.dun(&["report", "roll-rates", "--months", "0"]).assert().code(2);
    book.dun(&["report", "kpi", "--months", "3"]).assert().code(2).stderr(predicate::str::contains("roll-rates"));
}

#[test]
fn plans_count_every_plan_and_judge_the_installments_due() {
    let book = Book::with_demo(120);
    let report = book.json(&["report", "plans", "--format", "json"]);
    let statuses = report["statuses"].as_array().unwrap();
    let names: Vec<&str> = statuses.iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(names, ["active", "completed", "broken", "replaced"]);
    let plans: i64 = statuses.iter().map(|s| s["plans"].as_i64().unwrap()).sum();
    assert!(plans > 0);
    assert_eq!(plans, book.count("SELECT count(*) FROM plan"));
    let total: i64 = statuses.iter().map(|s| cents(s["total"].as_str().unwrap())).sum();
    assert_eq!(total, book.count("SELECT sum(total_cents) FROM plan"));

    let lines = report["installments"].as_array().unwrap();
    let judged: i64 = lines.iter().map(|l| l["installments"].as_i64().unwrap()).sum();
    assert_eq!(judged, book.count("SELECT count(*) FROM installment WHERE due_on <= '2026-11-22'"));
    let get = |outcome: &str| lines.iter().find(|l| l["outcome"] == outcome).unwrap()["installments"].as_i64().unwrap();
    let (on_time, late, missed) = (get("on-time"), get("late"), get("missed"));
    let share = report["shares"][0]["inputs"].as_str().unwrap().to_string();
    assert!(share.starts_with(&format!("{on_time} of {}", on_time + late + missed)), "{share}");

    book.dun(&["report", "plans"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Kept on time:").and(predicate::str::contains("paid on time")));
    book.dun(&["report", "plans", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::contains("| plans | active |"));
}

#[test]
fn a_dispute_raised_and_rejected_today_shows_under_its_reason() {
    let book = Book::with_demo(40);
    let account = book.json(&["show", "5", "--json"]);
    let invoice = account["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["status"] == "open" && cents(i["balance"].as_str().unwrap()) > 0 && i["disputed"] == false)
        .unwrap()
        .clone();
    let number = invoice["number"].as_str().unwrap();
    book.dun(&["dispute", "5", "--invoice", number, "--reason", "Wrong quantity"]).assert().success();
    book.dun(&["dispute", "5", "--invoice", number, "--resolve", "rejected", "--reason", "count checked"])
        .assert()
        .success();

    let report = book.json(&["report", "disputes", "--from", "2026-11-01", "--format", "json"]);
    let line = report["reasons"].as_array().unwrap().iter().find(|l| l["reason"] == "Wrong quantity").unwrap().clone();
    assert_eq!(
        (line["disputes"].as_i64(), line["rejected"].as_i64(), line["open"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(line["amount"], invoice["balance"], "what the invoice owed that day");
    assert_eq!(line["average_days_to_resolve"], "0.0");
    let total = &report["total"];
    let sum: i64 = report["reasons"].as_array().unwrap().iter().map(|l| l["disputes"].as_i64().unwrap()).sum();
    assert_eq!(sum, total["disputes"].as_i64().unwrap());
    assert_eq!(sum, book.count("SELECT count(*) FROM dispute WHERE opened_on BETWEEN '2026-11-01' AND '2026-11-22'"));

    book.dun(&["report", "disputes", "--from", "2026-11-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrong quantity").and(predicate::str::contains("AVG DAYS TO RESOLVE")));
    let csv = book.stdout(&["report", "disputes", "--from", "2026-11-01", "--format", "csv"]);
    assert!(csv.lines().any(|l| l.starts_with("Wrong quantity,1,") && l.ends_with(",0.0")), "{csv}");
}

/// The aging total counts credits; the worklist does not: the report says by how much.
#[test]
fn the_aging_report_names_the_accounts_in_credit_its_total_includes() {
    let book = Book::new();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eu_open_items.csv");
    book.dun(&["import", fixture]).assert().success();
    book.dun(&["report", "aging"]).assert().success().stdout(predicates::str::contains(
        "The EUR total includes 1 account(s) in credit, -€150.00 (the worklist leaves them out: they owe nothing).",
    ));
}
