//! The diff between an export and the book, computed before anything is written:
//! new and changed customers, new invoices, changed balances, invoices paid or closed
//! in the ledger, vanished invoices, and the billing discrepancies worth a look.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::read::ContactRow;

type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FoldSet<K> = HashSet<K, foldhash::fast::RandomState>;
use super::read::{ItemKind, LedgerRow};
use crate::domain::{ContactKind, Money};

/// An invoice the book already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingInvoice {
    pub id: i64,
    pub debtor_id: i64,
    pub number: String,
    pub kind: ItemKind,
    pub balance: Money,
    pub original: Money,
    pub due: NaiveDate,
    pub open: bool,
    /// The format of the import that last saw it (only those can vanish from a later one).
    /// Shared: a book of a million invoices names a handful of formats.
    pub imported_by: Option<std::sync::Arc<str>>,
}

/// What the book holds that an import is reconciled against.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// Lower-cased name → debtor id; reference → debtor id.
    pub by_name: HashMap<String, i64>,
    pub by_ref: HashMap<String, i64>,
    pub refs: HashMap<i64, Option<String>>,
    /// Debtor id → name as the book spells it.
    pub names: HashMap<i64, String>,
    pub invoices: Vec<ExistingInvoice>,
}

impl Existing {
    pub fn debtor_for(&self, row_name: &str, row_ref: Option<&str>) -> Option<i64> {
        row_ref.and_then(|r| self.by_ref.get(r)).or_else(|| self.by_name.get(&row_name.to_lowercase())).copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceChange {
    pub customer: String,
    pub number: String,
    pub invoice_id: i64,
    pub before: Money,
    pub after: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub line: usize,
    pub customer: String,
    pub number: String,
    pub what: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportPlan {
    pub new_customers: Vec<String>,
    /// (customer, what changed)
    pub changed_customers: Vec<(String, String)>,
    pub new_invoices: Vec<LedgerRow>,
    pub changed_balances: Vec<BalanceChange>,
    /// Open in the book, zero in the ledger.
    pub paid_in_ledger: Vec<BalanceChange>,
    /// Open in the book, absent from an export that lists every open item.
    pub vanished: Vec<BalanceChange>,
    /// (customer, kind, value) of contact points the book does not hold yet.
    pub new_contact_points: Vec<(String, ContactKind, String)>,
    /// The customer reference of the row each new contact point came from (same order):
    /// committing resolves the debtor from name and reference exactly as this plan did.
    #[serde(skip)]
    pub new_contact_refs: Vec<Option<String>>,
    pub unchanged: usize,
    pub discrepancies: Vec<Discrepancy>,
}

impl ImportPlan {
    pub fn changes(&self) -> usize {
        self.new_customers.len()
            + self.changed_customers.len()
            + self.new_invoices.len()
            + self.changed_balances.len()
            + self.paid_in_ledger.len()
            + self.vanished.len()
            + self.new_contact_points.len()
    }
}

/// Reconcile `rows` (one export) against the book. `same_source`: whether an invoice last
/// seen by the named format comes from the same ledger as this export. `lists_all_open`: the export is an
/// aging or open-items report, so an open imported invoice missing from it has vanished.
///
/// Runs once per row of a file that may hold a million: keys borrow from the rows, a
/// customer's lower-cased name is made once (rows of one customer come together), and the
/// maps use a fast hasher (nothing here is keyed by untrusted input an attacker could shape
/// against it: the file is the collector's own export).
///
/// Takes the rows: the new ones move into the plan rather than being copied.
pub fn plan(
    rows_owned: Vec<LedgerRow>,
    existing: &Existing,
    lists_all_open: bool,
    same_source: &dyn Fn(&str) -> bool,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut new_rows: Vec<usize> = Vec::new();
    let rows = &rows_owned;
    let index: FoldMap<(i64, ItemKind, &str), usize> =
        existing.invoices.iter().enumerate().map(|(at, i)| ((i.debtor_id, i.kind, i.number.as_str()), at)).collect();
    // Which of the book's invoices the file lists, by their place in `existing.invoices`.
    let mut seen_invoices = vec![false; existing.invoices.len()];
    // Each distinct customer spelling, lower-cased once, as a small number.
    let mut customer_of: FoldMap<&str, u32> = FoldMap::default();
    let mut lowered: FoldMap<String, u32> = FoldMap::default();
    let mut lower_names: Vec<String> = Vec::new();
    let customers: Vec<u32> = rows
        .iter()
        .map(|row| {
            *customer_of.entry(row.customer.as_str()).or_insert_with(|| {
                let lower = row.customer.to_lowercase();
                let next = lowered.len() as u32;
                let id = *lowered.entry(lower.clone()).or_insert(next);
                if id == next {
                    lower_names.push(lower);
                }
                id
            })
        })
        .collect();
    // A row repeated in the file (same customer, kind and number): the later row wins, and
    // the earlier one is passed over entirely (else a new invoice would be written twice,
    // which the book's UNIQUE key refuses, and a re-import would see the earlier balance as
    // a change). Per key: the first row's line and the last row's position; per row, whether
    // a later row replaces it, and the first line of those that repeat one (few: a map).
    let mut rows_of: FoldMap<(u32, ItemKind, &str), (usize, usize)> = FoldMap::default();
    rows_of.reserve(rows.len());
    let mut replaced = vec![false; rows.len()];
    let mut repeats: FoldMap<usize, usize> = FoldMap::default();
    for (i, row) in rows.iter().enumerate() {
        let (first_line, last) = rows_of.entry((customers[i], row.kind, row.number.as_str())).or_insert((row.line, i));
        if *last != i {
            replaced[*last] = true;
            repeats.insert(i, *first_line);
            *last = i;
        }
    }
    drop(rows_of);
    let mut new_names: FoldSet<u32> = FoldSet::default();
    let mut touched_debtors: FoldSet<i64> = FoldSet::default();
    // The debtor of the row before, for the next row of the same customer and reference.
    let mut resolved: Option<(u32, Option<&str>, Option<i64>)> = None;
    for (i, row) in rows.iter().enumerate() {
        let customer = customers[i];
        if let Some(first_line) = repeats.get(&i) {
            plan.discrepancies.push(Discrepancy {
                line: row.line,
                customer: row.customer.clone(),
                number: row.number.clone(),
                what: format!("duplicate invoice number (also on line {first_line}); the later row wins"),
            });
        }
        if replaced[i] {
            continue;
        }
        discrepancies_of(row, &mut plan.discrepancies);
        let reference = row.customer_ref.as_deref();
        let debtor = match resolved {
            Some((c, r, d)) if c == customer && r == reference => d,
            _ => {
                let d = reference
                    .and_then(|r| existing.by_ref.get(r))
                    .or_else(|| existing.by_name.get(&lower_names[customer as usize]))
                    .copied();
                resolved = Some((customer, reference, d));
                d
            }
        };
        match debtor {
            None => {
                if new_names.insert(customer) {
                    plan.new_customers.push(row.customer.clone());
                }
                new_rows.push(i);
            }
            Some(debtor_id) => {
                if touched_debtors.insert(debtor_id)
                    && let Some(new_ref) = &row.customer_ref
                    && existing.refs.get(&debtor_id).is_some_and(|r| r.as_deref() != Some(new_ref.as_str()))
                {
                    plan.changed_customers.push((row.customer.clone(), format!("customer reference now {new_ref}")));
                }
                match index.get(&(debtor_id, row.kind, row.number.as_str())) {
                    None => new_rows.push(i),
                    Some(&at) => {
                        seen_invoices[at] = true;
                        let inv = &existing.invoices[at];
                        // Most rows of a re-import are unchanged: no copies of their names.
                        let change = || BalanceChange {
                            customer: row.customer.clone(),
                            number: row.number.clone(),
                            invoice_id: inv.id,
                            before: inv.balance,
                            after: row.balance,
                        };
                        if inv.balance == row.balance {
                            plan.unchanged += 1;
                        } else if row.balance == Money::ZERO && inv.open {
                            plan.paid_in_ledger.push(change());
                        } else {
                            plan.changed_balances.push(change());
                        }
                    }
                }
            }
        }
    }
    if lists_all_open {
        // Asked once per format, not once per invoice.
        let mut ours_by_format: FoldMap<&str, bool> = FoldMap::default();
        for (inv, seen) in existing.invoices.iter().zip(&seen_invoices) {
            let ours =
                inv.imported_by.as_deref().is_some_and(|f| *ours_by_format.entry(f).or_insert_with(|| same_source(f)));
            if inv.open && ours && inv.balance != Money::ZERO && !seen {
                plan.vanished.push(BalanceChange {
                    customer: existing.names.get(&inv.debtor_id).cloned().unwrap_or_default(),
                    number: inv.number.clone(),
                    invoice_id: inv.id,
                    before: inv.balance,
                    after: Money::ZERO,
                });
            }
        }
    }
    drop(customer_of);
    // The new rows stay where they are in the file's own list, the others are dropped from
    // it: a second list of a million rows would double the import's largest allocation.
    let mut rows_owned = rows_owned;
    let (mut new_rows, mut i) = (new_rows.into_iter().peekable(), 0);
    rows_owned.retain(|_| {
        let new = new_rows.next_if_eq(&i).is_some();
        i += 1;
        new
    });
    plan.new_invoices = rows_owned;
    plan
}

/// Reconcile a contacts export: new customers and contact points the book lacks.
/// Existing points are never changed: what the collector marked good or bad stays.
pub fn plan_contacts(
    rows: &[ContactRow],
    existing: &Existing,
    held: &HashSet<(i64, ContactKind, String)>,
    key: fn(ContactKind, &str) -> String,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut new_names: HashSet<String> = HashSet::new();
    let mut added: HashSet<(String, Option<String>, ContactKind, String)> = HashSet::new();
    for row in rows {
        let debtor = existing.debtor_for(&row.customer, row.customer_ref.as_deref());
        if debtor.is_none() && new_names.insert(row.customer.to_lowercase()) {
            plan.new_customers.push(row.customer.clone());
        }
        let values = row
            .phones
            .iter()
            .map(|(_, v)| (ContactKind::Phone, v.clone()))
            .chain(row.email.iter().map(|e| (ContactKind::Email, e.clone())))
            .chain(row.address.iter().map(|a| (ContactKind::Address, a.clone())));
        for (kind, value) in values {
            let k = key(kind, &value);
            let known = debtor.is_some_and(|d| held.contains(&(d, kind, k.clone())));
            if known {
                plan.unchanged += 1;
            } else if added.insert((row.customer.to_lowercase(), row.customer_ref.clone(), kind, k)) {
                plan.new_contact_points.push((row.customer.clone(), kind, value));
                plan.new_contact_refs.push(row.customer_ref.clone());
            }
        }
    }
    plan
}

fn discrepancies_of(row: &LedgerRow, out: &mut Vec<Discrepancy>) {
    let mut note = |what: String| {
        out.push(Discrepancy { line: row.line, customer: row.customer.clone(), number: row.number.clone(), what })
    };
    if let Some(original) = row.original
        && row.kind == ItemKind::Invoice
        && row.balance > original
    {
        note(format!(
            "open balance {} is above the invoice amount {}",
            row.balance.to_decimal(),
            original.to_decimal()
        ));
    }
    if let Some(issued) = row.issued
        && row.due < issued
    {
        note(format!("due {} before issued {}", row.due, issued));
    }
    match row.kind {
        ItemKind::UnappliedPayment => note(format!("unapplied payment of {}", (-row.balance).to_decimal())),
        ItemKind::CreditMemo if row.balance.is_negative() => {
            note(format!("unapplied credit of {}", (-row.balance).to_decimal()))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            original: Money(1000),
            due: "2026-01-31".parse().unwrap(),
            open: true,
            imported_by: Some("qbo-ar-aging-detail".into()),
        };
        Existing {
            by_name: [("acme".to_string(), 1)].into(),
            by_ref: HashMap::new(),
            refs: [(1, None)].into(),
            names: [(1, "Acme".to_string())].into(),
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
        assert_eq!(plan.new_customers, vec!["Brand New Co".to_string()]);
        // The duplicate is reported, and only the later row is new (written once).
        assert_eq!(plan.new_invoices.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5, 7]);
        assert!(plan.discrepancies.iter().any(|d| d.what.contains("duplicate")));
    }

    #[test]
    fn nothing_vanishes_that_another_ledger_brought_in() {
        let plan = plan(vec![row(2, "Acme", "1001", 1000)], &book(), true, &|format| format == "xero-invoices");
        assert!(plan.vanished.is_empty());
    }

    #[test]
    fn nothing_vanishes_from_an_export_that_does_not_list_every_open_item() {
        let plan = plan(vec![row(2, "Acme", "1001", 1000)], &book(), false, &|_| true);
        assert!(plan.vanished.is_empty());
    }
}
