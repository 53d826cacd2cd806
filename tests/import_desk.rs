//! Importing into a book: the plan before writing, all or nothing, idempotent
//! re-imports, a newer export reconciled, ledger payments keeping promises.

mod common;

use common::{demo_desk, today};
use dun::desk::{Desk, ImportOptions};
use dun::domain::{Money, PromiseStatus};
use dun::import::{Profile, load_profiles};
use dun::store;

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    (name.to_string(), bytes)
}

fn profiles() -> Vec<Profile> {
    load_profiles(None).unwrap()
}

fn import(desk: &mut Desk, name: &str, opts: ImportOptions) -> dun::desk::ImportReport {
    let (file, bytes) = fixture(name);
    desk.import_file(&file, &bytes, &profiles(), &opts).unwrap()
}

fn count(desk: &Desk, sql: &str) -> i64 {
    desk.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn dry_run_writes_nothing_and_commit_writes_everything() {
    let mut desk = demo_desk(0);
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions { dry_run: true, ..Default::default() });
    assert_eq!(report.plan.new_invoices.len(), 7);
    assert!(!report.committed);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 0);
    assert_eq!(count(&desk, "SELECT count(*) FROM import_batch"), 0);

    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    assert!(report.committed);
    assert_eq!(count(&desk, "SELECT count(*) FROM debtor"), 4);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 7);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice WHERE job = 'Eastside Clinic'"), 1);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice WHERE kind = 'unapplied-payment'"), 1);
    assert_eq!(count(&desk, "SELECT count(*) FROM import_batch WHERE status = 'committed'"), 1);
    assert_eq!(store::verify_event_chain(desk.connection()).unwrap(), None);
}

#[test]
fn the_same_file_twice_changes_nothing() {
    let mut desk = demo_desk(0);
    import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    let before = desk.worklist().unwrap();
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    assert!(!report.committed);
    assert_eq!(report.plan.changes(), 0);
    assert_eq!(report.plan.unchanged, 7);
    assert_eq!(count(&desk, "SELECT count(*) FROM import_batch"), 1);
    assert_eq!(desk.worklist().unwrap(), before);
}

#[test]
fn a_newer_export_is_reconciled_and_a_balance_drop_keeps_the_promise() {
    let mut desk = demo_desk(0);
    import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    let brightwater = desk.resolve("1").unwrap();
    store::insert_promise(
        desk.connection(),
        &store::NewPromise {
            debtor_id: brightwater,
            attempt_id: None,
            amount: Money(100_000),
            currency: "USD".into(),
            promised_on: today(),
            due_on: today(),
            status: PromiseStatus::Pending,
            paid: Money::ZERO,
        },
        desk.clock().now(),
    )
    .unwrap();
    let report = import(&mut desk, "qbo_ar_aging_detail_next.csv", ImportOptions::default());
    assert!(report.committed);
    let p = &report.plan;
    assert_eq!(p.new_customers.first, vec!["New Leaf Bakery".to_string()]);
    assert_eq!(p.changed_balances.len(), 1);
    assert_eq!((p.changed_balances[0].before, p.changed_balances[0].after), (Money(245_000), Money(145_000)));
    let vanished: Vec<_> = p.vanished.iter().map(|v| (v.customer.as_str(), v.number.as_str())).collect();
    assert_eq!(vanished, vec![("Granite Peak Dental Group", "1039"), ("Halcyon Yoga Studio", "1058")]);
    // The $1,000 drop is a payment seen in the ledger, which keeps the $1,000 promise.
    let view = desk.account(brightwater).unwrap();
    let ledger = view.payments.iter().find(|p| p.kind == "ledger").expect("a ledger payment");
    assert_eq!(ledger.amount, Money(100_000));
    assert_eq!(view.promises[0].status, PromiseStatus::Kept);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice WHERE status = 'closed'"), 2);
}

#[test]
fn a_file_with_rejects_is_all_or_nothing_unless_skip_invalid() {
    let mut desk = demo_desk(0);
    let (_, bytes) = fixture("qbo_open_invoices.csv");
    let bad = String::from_utf8(bytes).unwrap().replace("10/15/2025", "10/45/2025");
    let report = desk.import_file("bad.csv", bad.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(!report.committed);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!((report.rejected[0].line, report.rejected[0].column.as_deref()), (14, Some("Date (B)")));
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 0, "nothing is half-written");

    let opts = ImportOptions { skip_invalid: true, ..Default::default() };
    let report = desk.import_file("bad.csv", bad.as_bytes(), &profiles(), &opts).unwrap();
    assert!(report.committed);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 3);
    assert_eq!(count(&desk, "SELECT count(*) FROM import_issue WHERE line = 14 AND column_name = 'Date (B)'"), 1);
}

#[test]
fn contacts_merge_without_overwriting_what_the_collector_marked() {
    let mut desk = demo_desk(0);
    import(&mut desk, "qbo_open_invoices.csv", ImportOptions::default());
    let report = import(&mut desk, "qbo_contact_list.csv", ImportOptions::default());
    assert!(report.committed);
    assert_eq!(report.plan.new_customers.first, vec!["Halcyon Yoga Studio".to_string()]);
    let brightwater = desk.resolve("1").unwrap();
    let points = desk.account(brightwater).unwrap().contact_points;
    assert_eq!(points.len(), 4, "two phones, an email, an address: {points:?}");
    assert!(points.iter().all(|p| p.source.starts_with("import #2")));
    // The collector marks a number bad; a re-import leaves it bad and adds nothing.
    let phone = points.iter().find(|p| p.value == "(410) 415-7406").unwrap().id;
    store::mark_contact_point(desk.connection(), phone, dun::domain::ContactStatus::Bad, desk.clock().now()).unwrap();
    let again = import(&mut desk, "qbo_contact_list.csv", ImportOptions::default());
    assert_eq!(again.plan.changes(), 0);
    let after = desk.account(brightwater).unwrap().contact_points;
    assert_eq!(after.iter().find(|p| p.id == phone).unwrap().status, dun::domain::ContactStatus::Bad);
}

#[test]
fn an_unknown_file_is_refused() {
    let mut desk = demo_desk(0);
    let (file, bytes) = fixture("unknown.csv");
    let err = desk.import_file(&file, &bytes, &profiles(), &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a format dun knows"), "{err}");
}

#[test]
fn an_older_export_than_the_last_one_is_flagged() {
    let mut desk = demo_desk(0);
    import(&mut desk, "qbo_ar_aging_detail_next.csv", ImportOptions::default());
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions { dry_run: true, ..Default::default() });
    assert!(report.warnings[0].reason.contains("looks older than the last"), "{:?}", report.warnings);
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    assert!(!report.committed && report.held_back.as_deref().unwrap_or("").contains("--force"));
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions { force: true, ..Default::default() });
    assert!(report.committed);
}

#[test]
fn an_open_items_report_never_closes_what_another_ledger_brought_in() {
    let mut desk = demo_desk(0);
    import(&mut desk, "xero_invoices.csv", ImportOptions::default());
    let report = import(&mut desk, "qbo_ar_aging_detail.csv", ImportOptions::default());
    assert!(report.plan.vanished.is_empty(), "{:?}", report.plan.vanished);
    assert_eq!(count(&desk, "SELECT count(*) FROM payment WHERE kind = 'ledger'"), 0);
}

/// An open-items report with a row that cannot be read closes nothing: the rejected row may be
/// an invoice the ledger still lists (closing it would record a payment nobody made).
#[test]
fn a_rejected_row_of_an_open_items_report_never_closes_its_invoice() {
    let mut desk = demo_desk(0);
    import(&mut desk, "eu_open_items.csv", ImportOptions::default());
    let open =
        "SELECT count(*) FROM invoice WHERE number = 'RE-2026-0102' AND status = 'open' AND balance_cents = 48000";
    assert_eq!(count(&desk, open), 1);
    let ledger_payments = "SELECT count(*) FROM payment WHERE kind = 'ledger'";
    let paid_before = count(&desk, ledger_payments);

    let (_, bytes) = fixture("eu_open_items.csv");
    let bad = encoding_rs::WINDOWS_1252.decode(&bytes).0.replace("20.01.2026", "31.02.2026");
    let (bad, _, _) = encoding_rs::WINDOWS_1252.encode(&bad);
    let opts = ImportOptions { skip_invalid: true, ..Default::default() };
    let report = desk.import_file("bad.csv", &bad, &profiles(), &opts).unwrap();
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert!(report.plan.vanished.is_empty(), "{:?}", report.plan.vanished);
    assert!(report.warnings.iter().any(|w| w.reason.contains("no open invoice is closed")), "{:?}", report.warnings);
    assert_eq!(count(&desk, open), 1, "the unreadable row's invoice stays open");
    assert_eq!(count(&desk, ledger_payments), paid_before, "and no payment is made up for it");
}

/// A dry run of a file with rejected rows says the real import would refuse it.
#[test]
fn a_dry_run_says_when_the_import_would_be_refused() {
    let mut desk = demo_desk(0);
    let (_, bytes) = fixture("qbo_open_invoices.csv");
    let bad = String::from_utf8(bytes).unwrap().replace("10/15/2025", "10/45/2025");
    let dry = ImportOptions { dry_run: true, ..Default::default() };
    let report = desk.import_file("bad.csv", bad.as_bytes(), &profiles(), &dry).unwrap();
    let said = report.held_back.unwrap();
    assert!(
        said.starts_with("dry run: nothing was written; as it stands the import would be refused: 1 row(s)"),
        "{said}"
    );
    let skipping = ImportOptions { dry_run: true, skip_invalid: true, ..Default::default() };
    let report = desk.import_file("bad.csv", bad.as_bytes(), &profiles(), &skipping).unwrap();
    assert_eq!(report.held_back.as_deref(), Some("dry run: nothing was written"));
}

fn eu_open_items(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut csv = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
    for (reference, name, number, open) in rows {
        csv.push_str(&format!("{reference};{name};{number};15.01.2026;14.02.2026;{open};{open}\n"));
    }
    csv
}

#[test]
fn two_customers_who_share_a_name_stay_two_debtors() {
    // Found measuring a 100k-customer export: 100,000 customer numbers became 3,568 debtors,
    // every customer merged into the first one of the same name. Their debts, letters and
    // calls were mixed: a third party told of another's debt.
    let mut desk = demo_desk(0);
    let csv = eu_open_items(&[
        ("C1", "Victor Thomas", "R1", "10,00"),
        ("C2", "Victor Thomas", "R2", "20,00"),
        ("C2", "victor thomas", "R3", "30,00"),
    ]);
    let report = desk.import_file("open.csv", csv.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(report.committed);
    assert_eq!(report.plan.new_customers.len(), 2);
    let owner = |number: &str| -> String {
        desk.connection()
            .query_row(
                "SELECT d.external_ref FROM invoice i JOIN debtor d ON d.id = i.debtor_id WHERE i.number = ?1",
                [number],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!((owner("R1"), owner("R2"), owner("R3")), ("C1".into(), "C2".into(), "C2".into()));
    assert_eq!(count(&desk, "SELECT count(*) FROM debtor"), 2);
    let again = desk.import_file("open.csv", csv.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert_eq!(again.plan.changes(), 0, "{:?}", again.plan);
}

/// Every index of the book, with its definition.
fn indexes(desk: &Desk) -> Vec<(String, Option<String>)> {
    let mut stmt =
        desk.connection().prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_file_read_in_many_batches_imports_as_one() {
    // More rows than the reader hands over at once: a customer straddles each batch edge, one
    // customer comes back after the others, and an invoice is listed again two batches on.
    let per_batch = dun::import::read::ROWS_PER_BATCH;
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for i in 0..(2 * per_batch + 500) {
        let customer = i / 7;
        rows.push((format!("K{customer:06}"), format!("Customer {}", customer % 1000), format!("N{i}"), "1,00".into()));
    }
    rows.push(("K000003".into(), "Customer 3".into(), "N999999".into(), "2,00".into()));
    rows.push(("K000000".into(), "Customer 0".into(), "N5".into(), "4,00".into()));
    let table: Vec<(&str, &str, &str, &str)> =
        rows.iter().map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str())).collect();
    let csv = eu_open_items(&table);
    let mut desk = demo_desk(0);
    let schema = indexes(&desk);
    let report = desk.import_file("big.csv", csv.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(report.committed, "{:?}", report.held_back);
    // A load this large into an empty book drops the indexes of the tables it fills and
    // builds them again at its end: the book has every index its schema has.
    assert_eq!(indexes(&desk), schema);
    let listed = 2 * per_batch + 500 + 1;
    assert_eq!(report.plan.new_invoices.len(), listed);
    assert_eq!(report.plan.new_invoices.first.len(), dun::import::reconcile::Listed::<()>::KEPT);
    let said = report.describe();
    assert!(said.contains(&format!("new invoices ({listed}):")), "{said}");
    assert!(said.contains(&format!("… and {} more", listed - 50)), "{said}");
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), listed as i64);
    assert_eq!(count(&desk, "SELECT count(*) FROM debtor"), ((2 * per_batch + 500).div_ceil(7)) as i64);
    // The later row of N5 won, and the repeat was reported with the line of the first.
    assert_eq!(count(&desk, "SELECT balance_cents FROM invoice WHERE number = 'N5'"), 400);
    let repeat = report.plan.discrepancies.iter().find(|d| d.number == "N5").expect("the repeat is reported");
    assert!(repeat.what.contains("also on line 7"), "{}", repeat.what);
    // The first sample shows what was written: the later row.
    let sample = report.plan.new_invoices.iter().find(|r| r.number == "N5").unwrap();
    assert_eq!(sample.balance, Money(400));
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM invoice i JOIN debtor d ON d.id = i.debtor_id WHERE i.number = 'N999999' AND d.external_ref = 'K000003'"
        ),
        1
    );
    let again = desk.import_file("big.csv", csv.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert_eq!(again.plan.changes(), 0);
    assert_eq!(again.plan.unchanged, listed);
    // The re-import hashes the file in its survey's pass (where the processor hashes in
    // hardware), the import on a thread of its own: the same hash, the file's.
    use sha2::Digest;
    let sha256: String = sha2::Sha256::digest(csv.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!((report.sha256.as_str(), again.sha256.as_str()), (sha256.as_str(), sha256.as_str()));
}

#[test]
fn the_backup_before_an_import_holds_the_book_as_it_was() {
    // The import writes while it reads its file; the backup is taken at its end, of the book
    // as it stood when it began.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut desk = Desk::open(&db, dun::clock::Clock::fixed(today()), dun::config::Config::default()).unwrap();
    let first = eu_open_items(&[("C1", "Acme", "R1", "10,00")]);
    desk.import_file("first.csv", first.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    let second = eu_open_items(&[("C1", "Acme", "R1", "4,00"), ("C2", "Brand New", "R2", "7,00")]);
    let report = desk.import_file("second.csv", second.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(report.committed);
    assert_eq!(count(&desk, "SELECT balance_cents FROM invoice WHERE number = 'R1'"), 400);
    let backup = rusqlite::Connection::open(report.backup.expect("a backup was taken")).unwrap();
    let was = |sql: &str| -> i64 { backup.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(was("SELECT balance_cents FROM invoice WHERE number = 'R1'"), 1000);
    assert_eq!(was("SELECT count(*) FROM debtor"), 1);
    assert_eq!(was("SELECT count(*) FROM import_batch"), 1);
}

#[test]
fn a_file_larger_than_the_book_is_backed_up_before_and_leaves_the_book_in_wal_mode() {
    // Such an import holds the book alone with a rollback journal: its backup is copied
    // before it writes, and filed only if it is kept.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut desk = Desk::open(&db, dun::clock::Clock::fixed(today()), dun::config::Config::default()).unwrap();
    let first = eu_open_items(&[("C1", "Acme", "R1", "10,00")]);
    desk.import_file("first.csv", first.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    let numbers: Vec<(String, String)> = (0..20_000).map(|i| (format!("K{:05}", i / 4), format!("N{i:06}"))).collect();
    let mut rows: Vec<(&str, &str, &str, &str)> =
        numbers.iter().map(|(customer, number)| (customer.as_str(), "Customer", number.as_str(), "3,00")).collect();
    rows.push(("C1", "Acme", "R1", "4,00"));
    let large = eu_open_items(&rows);
    assert!(large.len() as u64 > store::book_bytes(desk.connection()).unwrap());
    let backups = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("backups"))
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let before = backups();

    // Refused (a row it cannot read): nothing written, no backup filed, no copy left behind.
    let refused = large.replace("N000007;15.01.2026;14.02.2026;3,00", "N000007;15.01.2026;14.02.2026;three");
    let report = desk.import_file("large.csv", refused.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(!report.committed && report.backup.is_none(), "{:?}", report.held_back);
    assert_eq!(backups(), before);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 1);

    let report = desk.import_file("large.csv", large.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(report.committed, "{:?}", report.held_back);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 20_001);
    assert_eq!(count(&desk, "SELECT balance_cents FROM invoice WHERE number = 'R1'"), 400);
    let filed = report.backup.expect("a backup was taken");
    let after = backups();
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    assert!(after.iter().all(|name| !name.starts_with('.')), "no copy in progress is left: {after:?}");
    let backup = rusqlite::Connection::open(&filed).unwrap();
    let was = |sql: &str| -> i64 { backup.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(was("SELECT count(*) FROM invoice"), 1);
    assert_eq!(was("SELECT balance_cents FROM invoice WHERE number = 'R1'"), 1000);

    let mode: String = desk.connection().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let check: String = desk.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert_eq!(indexes(&desk), indexes(&demo_desk(0)));
}

/// Read on its format's word (day first), a file whose dates are month first is written,
/// found out, rolled back and read again: the book holds its rows once, with their dates
/// read month first.
#[test]
fn a_file_whose_dates_disprove_its_format_is_imported_in_their_order() {
    let mut desk = demo_desk(0);
    let text = "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
                10001;Acme GmbH;RE-1;01.15.2026;02.14.2026;100,00;100,00\n\
                10002;Beta AG;RE-2;02.03.2026;03.05.2026;50,00;50,00\n";
    let report = desk.import_file("mdy.csv", text.as_bytes(), &profiles(), &ImportOptions::default()).unwrap();
    assert!(report.committed, "{report:?}");
    assert_eq!(report.dates, "month/day/year (proven by the file's dates)");
    assert_eq!(count(&desk, "SELECT count(*) FROM import_batch"), 1);
    assert_eq!(count(&desk, "SELECT count(*) FROM invoice"), 2);
    assert_eq!(count(&desk, "SELECT count(*) FROM debtor"), 2);
    let issued: String = desk
        .connection()
        .query_row("SELECT issued_on || ' ' || due_on FROM invoice WHERE number = 'RE-2'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(issued, "2026-02-03 2026-03-05");
}
