//! The reconciler's tests: a small book, and exports that change it every way.

use super::*;

#[test]
fn names_are_matched_lower_cased_as_the_standard_library_lower_cases_them() {
    // compact_str alone gives "…σ" for the second: its word-final Σ is "ς".
    for name in ["ACME Ltd", "ABCDEFGHIJKLMNOPΣ", "ΟΔΥΣΣΕΥΣ", "Müller & Söhne"] {
        assert_eq!(name_key(name), name.to_lowercase(), "{name}");
    }
}

fn row(line: usize, customer: &str, number: &str, balance: i64) -> LedgerRow {
    LedgerRow {
        line,
        customer: customer.into(),
        customer_ref: None,
        job: None,
        kind: if balance < 0 { ItemKind::CreditMemo } else { ItemKind::Invoice },
        number: number.into(),
        issued: Some("2026-01-01".parse().unwrap()),
        due: "2026-01-31".parse().unwrap(),
        original: Some(Money(balance.abs().max(1000))),
        balance: Money(balance),
        currency: None,
    }
}

fn book() -> Existing {
    let inv = |id, number: &str, balance| ExistingInvoice {
        id,
        debtor_id: 1,
        number: number.into(),
        kind: ItemKind::Invoice,
        balance: Money(balance),
        open: true,
    };
    Existing {
        by_name: [("acme".into(), 1)].into_iter().collect(),
        by_ref: FoldMap::default(),
        debtors: vec![BookDebtor { id: 1, name: "Acme".into(), reference: None }],
        invoices: vec![inv(10, "1001", 1000), inv(11, "1002", 800), inv(12, "1003", 500), inv(13, "1004", 200)],
    }
}

#[test]
fn the_same_file_twice_changes_nothing() {
    let rows = vec![
        row(2, "Acme", "1001", 1000),
        row(3, "Acme", "1002", 800),
        row(4, "Acme", "1003", 500),
        row(5, "Acme", "1004", 200),
    ];
    let plan = plan(rows, &book(), true, &|_| true);
    assert_eq!(plan.changes(), 0);
    assert_eq!(plan.unchanged, 4);
}

/// A first import names every customer new: they are counted, and only the first hundred
/// are kept for the preview and `--json`, in the file's order.
#[test]
fn new_customers_are_counted_and_the_first_hundred_kept() {
    let rows: Vec<LedgerRow> = (0..250).map(|i| row(2 + i, &format!("Customer {i:03}"), "1", 100)).collect();
    let plan = plan(rows, &book(), false, &|_| true);
    assert_eq!(plan.new_customers.len(), 250);
    assert_eq!(plan.new_customers.first.len(), Listed::<String>::KEPT);
    assert_eq!(plan.new_customers.first[0], "Customer 000");
    assert_eq!(plan.new_customers.first[99], "Customer 099");
    assert_eq!(plan.new_invoices.len(), 250);
    assert_eq!(plan.changes(), 500);
}

#[test]
fn a_newer_export_yields_every_kind_of_change() {
    let rows = vec![
        row(2, "Acme", "1001", 1000),    // unchanged
        row(3, "Acme", "1002", 300),     // balance dropped
        row(4, "Acme", "1003", 0),       // paid in the ledger
        row(5, "Acme", "1005", 450),     // new invoice
        row(6, "Brand New Co", "9", 75), // new customer
        row(7, "Brand New Co", "9", 75), // duplicate
    ];
    let plan = plan(rows, &book(), true, &|_| true);
    assert_eq!(plan.changed_balances.len(), 1);
    assert_eq!(plan.changed_balances[0].after, Money(300));
    assert_eq!(plan.paid_in_ledger.len(), 1);
    assert_eq!(plan.vanished.iter().map(|v| v.number.as_str()).collect::<Vec<_>>(), vec!["1004"]);
    // Named as the book spells its debtor.
    assert_eq!(plan.vanished[0].customer, "Acme");
    assert_eq!(plan.new_customers.first, vec!["Brand New Co".to_string()]);
    // The duplicate is reported, and only the later row is new (written once).
    assert_eq!(plan.new_invoices.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5, 7]);
    assert_eq!(plan.new_invoices.len(), 2);
    assert!(plan.discrepancies.iter().any(|d| d.what.contains("duplicate")));
}

#[test]
fn a_reference_goes_to_one_debtor_and_a_name_never_joins_two_references() {
    // The book's Acme has no reference: the first the file gives it is its own, and a
    // second Acme with another customer number is a new customer.
    let row_ref = |line, reference: &str, number| LedgerRow {
        customer_ref: Some(reference.into()),
        ..row(line, "Acme", number, 100)
    };
    let book = book();
    let mut reconciler = Reconciler::new(&book);
    let new = reconciler.take(vec![row_ref(2, "A1", "1001"), row_ref(3, "A2", "9001"), row_ref(4, "A1", "9002")]);
    assert_eq!(new.iter().map(|r| r.debtor).collect::<Vec<_>>(), vec![DebtorOf::New(0), DebtorOf::Book(1)]);
    let done = reconciler.finish(false, &|_| true);
    assert_eq!(done.new_refs, vec![(1, "A1".to_string())]);
    assert_eq!(done.new_debtors[0].reference.as_deref(), Some("A2"));
    assert_eq!(done.plan.changed_customers.len(), 1);
}

#[test]
fn a_customer_after_the_one_before_in_the_book_is_found_as_a_lookup_finds_it() {
    // Three debtors with references; the file lists them in the book's order, then one
    // again out of order, one with a reference the book does not have, and one whose
    // reference is the next debtor's but who is listed after another.
    let debtor = |id: i64, reference: &str| BookDebtor {
        id,
        name: format!("Firm {id}").into(),
        reference: Some(reference.into()),
    };
    let mut book = Existing { debtors: vec![debtor(1, "A1"), debtor(2, "A2"), debtor(4, "A4")], ..Existing::default() };
    for d in &book.debtors {
        book.by_ref.insert(d.reference.clone().unwrap(), d.id);
        book.by_name.insert(name_key(&d.name), d.id);
    }
    let row_ref = |line, reference: &str, id: i64| LedgerRow {
        customer_ref: Some(reference.into()),
        ..row(line, &format!("Firm {id}"), &format!("N{line}"), 100)
    };
    let mut reconciler = Reconciler::new(&book);
    let rows = vec![
        row_ref(2, "A1", 1),
        row_ref(3, "A2", 2),
        row_ref(4, "A4", 4),
        row_ref(5, "A1", 1),
        row_ref(6, "A9", 9),
        row_ref(7, "A2", 2),
    ];
    let found = reconciler.take(rows);
    let debtors: Vec<DebtorOf> = found.iter().map(|r| r.debtor).collect();
    use DebtorOf::{Book, New};
    assert_eq!(debtors, vec![Book(1), Book(2), Book(4), Book(1), New(0), Book(2)]);
    assert_eq!(book.name_of(4), Some("Firm 4"));
    assert_eq!(book.name_of(3), None);
    // Ids far apart are found by searching, whatever their distance from the first.
    let far = Existing { debtors: vec![debtor(-10, "B"), debtor(i64::MAX, "C")], ..Existing::default() };
    assert_eq!(far.name_of(i64::MAX), Some(format!("Firm {}", i64::MAX).as_str()));
    assert_eq!(far.name_of(-10), Some("Firm -10"));
    assert_eq!(far.name_of(i64::MIN), None);
}

#[test]
fn nothing_vanishes_that_another_ledger_brought_in() {
    // The book's invoices came from another ledger than this file's.
    let theirs = plan(vec![row(2, "Acme", "1001", 1000)], &book(), true, &|_| false);
    assert!(theirs.vanished.is_empty());
    // Only 1004 did: 1002 and 1003 (unlisted) stay, 1004 vanishes.
    let partly = plan(vec![row(2, "Acme", "1001", 1000)], &book(), true, &|id| id == 13);
    assert_eq!(partly.vanished.iter().map(|v| v.number.as_str()).collect::<Vec<_>>(), vec!["1004"]);
}

#[test]
fn nothing_vanishes_from_an_export_that_does_not_list_every_open_item() {
    let plan = plan(vec![row(2, "Acme", "1001", 1000)], &book(), false, &|_| true);
    assert!(plan.vanished.is_empty());
}
