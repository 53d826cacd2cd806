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
    assert_eq!(p.new_customers, vec!["New Leaf Bakery".to_string()]);
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
    assert_eq!(report.plan.new_customers, vec!["Halcyon Yoga Studio".to_string()]);
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
