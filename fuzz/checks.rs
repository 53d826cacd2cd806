#![allow(dead_code)] // each target uses one of these
//! What each fuzz target does with one input. Shared, by `#[path]`, with
//! `tests/fuzz_corpus.rs`, which replays the committed corpus through the same code on the
//! stable toolchain, so `cargo test` guards against a fixed crash coming back.
//!
//! The rule is the same everywhere: no input makes dun panic. Where a parser accepts an
//! input, what it returns must also read back to itself.

use std::sync::OnceLock;

use chrono::NaiveDate;
use dun::domain::{Money, parse_money};
use dun::import::amount::{Decimal, detect_decimal, parse_amount};
use dun::import::date::{DateOrder, order_evidence, parse_date};
use dun::import::{Existing, Pieces, Profile, Source, load_profiles, parse_bytes_in, parse_source};

fn profiles() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| load_profiles(None).expect("the built-in profiles load"))
}

/// The file at `path` reads from disk (by windows and spans, as `dun import` reads it) as its
/// bytes read in memory: same rows, classes and issues, or the same error.
pub fn import_parse_from_file(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    let in_memory = parse_bytes_in("fuzz.csv", &bytes, profiles(), None, Pieces(Some(1)));
    let source = Source::open(path).unwrap();
    let survey = source.survey().unwrap();
    let from_disk = parse_source("fuzz.csv", &source, &survey, profiles(), None, Pieces(Some(1)), None);
    let json = |p: &Result<dun::import::Parsed, dun::import::ImportError>| match p {
        Ok(p) => serde_json::to_value(p).unwrap(),
        Err(e) => serde_json::Value::String(e.to_string()),
    };
    assert_eq!(json(&in_memory), json(&from_disk), "{} reads otherwise from disk", path.display());
}

/// The CSV reader and the import parse path: decode, sniff the delimiter, split records,
/// detect the format, classify and parse every row, then reconcile against an empty book
/// and against a book that already holds every row.
pub fn import_parse(data: &[u8]) {
    // Read in pieces on two threads (as a large flat file is), the input reads as one reader
    // reads it: same rows, classes and issues, or the same error.
    let one = parse_bytes_in("fuzz.csv", data, profiles(), None, Pieces(None));
    let two = parse_bytes_in("fuzz.csv", data, profiles(), None, Pieces(Some(1)));
    match (&one, &two) {
        (Ok(a), Ok(b)) => assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::to_value(b).unwrap(),
            "pieces read otherwise than one reader"
        ),
        (a, b) => assert_eq!(a.as_ref().err().map(|e| e.to_string()), b.as_ref().err().map(|e| e.to_string())),
    }
    let Ok(parsed) = one else { return };
    for issue in &parsed.issues {
        assert!(issue.line >= 1, "an issue without a line: {issue:?}");
    }
    let empty = Existing::default();
    let plan = dun::import::reconcile::plan(parsed.invoices.clone(), &empty, true, &|_| true);
    assert!(plan.new_invoices.len() <= parsed.invoices.len());
    let _ = plan.changes();
    // The same rows once more against a book that holds them all, as the first import would
    // have written them (its customers resolved by the reconciler itself): nothing is new.
    use dun::import::reconcile::{BookDebtor, DebtorOf, Reconciler, name_key};
    let mut first = Reconciler::new(&empty);
    let new = first.take(parsed.invoices.clone());
    let mut book = Existing::default();
    for (n, customer) in first.new_debtors().iter().enumerate() {
        let id = n as i64 + 1;
        book.by_name.entry(name_key(&customer.name)).or_insert(id);
        book.add_debtor(BookDebtor { id, name: customer.name.clone(), reference: customer.reference.clone() });
    }
    for (i, row) in new.iter().enumerate() {
        let DebtorOf::New(n) = row.debtor else { unreachable!("the first book is empty") };
        book.invoices.push(dun::import::ExistingInvoice {
            id: i as i64 + 1,
            debtor_id: n as i64 + 1,
            number: row.row.number.as_str().into(),
            kind: row.row.kind,
            balance: row.row.balance,
            open: row.row.balance != Money::ZERO,
        });
    }
    let again = dun::import::reconcile::plan(parsed.invoices.clone(), &book, true, &|_| true);
    assert!(again.new_customers.is_empty(), "a known customer came back as new");
    let held = std::collections::HashSet::new();
    let _ = dun::import::reconcile::plan_contacts(&parsed.contacts, &empty, &held, |_, v| v.to_string());
}

/// Amounts as exports print them (`parse_amount`, both decimal marks), as collectors type
/// them (`parse_money`), and the per-file decimal-mark vote (`detect_decimal`).
pub fn amount(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for decimal in [Decimal::Point, Decimal::Comma] {
        if let Ok(Some(m)) = parse_amount(&text, decimal) {
            assert_eq!(parse_amount(&m.to_decimal(), Decimal::Point), Ok(Some(m)), "{text:?} read as {m}");
            assert_eq!(parse_amount(&m.display("USD"), Decimal::Point), Ok(Some(m)), "{text:?} read as {m}");
        }
    }
    if let Ok(m) = parse_money(&text) {
        assert_eq!(parse_money(&m.to_decimal()), Ok(m), "{text:?} read as {m}");
        assert_eq!(parse_money(&m.display("USD")), Ok(m), "{text:?} read as {m}");
    }
    let _ = detect_decimal(text.split(['\n', '\t']));
}

/// Dates as exports print them (`import::date::parse_date` in every order, and the per-file
/// order vote) and as collectors type them (`domain::dates::parse_date`).
pub fn date(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for order in [DateOrder::Mdy, DateOrder::Dmy, DateOrder::Ymd] {
        if let Ok(Some(d)) = parse_date(&text, order) {
            // The book stores YYYY-MM-DD and must read it back.
            let iso = d.format("%Y-%m-%d").to_string();
            assert_eq!(iso.len(), 10, "{text:?} read as {iso}, which the book cannot store");
            assert_eq!(parse_date(&iso, order), Ok(Some(d)), "{text:?} read as {d}");
        }
    }
    let _ = order_evidence(text.split(['\n', '\t']));
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a real day");
    if let Ok(d) = dun::domain::dates::parse_date(&text, today) {
        let iso = d.format("%Y-%m-%d").to_string();
        assert_eq!(iso.len(), 10, "{text:?} read as {iso}, which the book cannot store");
        assert_eq!(dun::domain::dates::parse_date(&iso, today), Ok(d), "{text:?} read as {d}");
    }
}

/// The whole import into an in-memory book: parse, reconcile, commit (rejects skipped),
/// then the same bytes once more. The book stays sound and the second import changes nothing.
pub fn import_commit(data: &[u8]) {
    use dun::clock::Clock;
    use dun::config::Config;
    use dun::desk::{Desk, ImportOptions};

    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a real day");
    let mut desk = Desk::in_memory(Clock::fixed(today), Config::default()).expect("an in-memory book opens");
    let opts = ImportOptions { skip_invalid: true, ..ImportOptions::default() };
    let Ok(first) = desk.import_file("fuzz.csv", data, profiles(), &opts) else { return };
    let check = desk.check_book().expect("the book can be checked");
    assert!(check.ok(), "the book is not sound after an import: {check:?}");
    if first.committed {
        let again = desk.import_file("fuzz.csv", data, profiles(), &opts).expect("a file imported once imports again");
        assert_eq!(again.plan.changes(), 0, "re-importing the same file changed the book: {:?}", again.plan);
    }
}
