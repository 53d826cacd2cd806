//! The write side of an import, inside its one transaction: new customers and invoices as
//! each batch of the file is reconciled, then (once the whole file is read and the import
//! is to be kept) the changes to the book's own invoices, contact points, the batch's record
//! and its event. A kept import is all of it; one that is not is rolled back whole.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::Result;
use super::payments::{apply_to_installments, settle_promises};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::{ContactKind, ContactStatus, Money};
use crate::import::reconcile::{BalanceChange, BookDebtor, DebtorOf, NewCustomer, NewRow, NewRows, Reconciled};
use crate::import::{ContactRow, Existing, ImportPlan, Issue, Severity};
use crate::store::{self, NewContactPoint, NewDebtor, NewEvent, NewPayment};

/// An import being written.
pub(super) struct Writing<'c> {
    batch: i64,
    now: DateTime<Utc>,
    /// The book id of each new customer, by its place in [`Reconciler::new_debtors`].
    ///
    /// [`Reconciler::new_debtors`]: crate::import::reconcile::Reconciler::new_debtors
    new_ids: Vec<i64>,
    invoices: Option<store::ImportWriter<'c>>,
    expected: usize,
}

impl<'c> Writing<'c> {
    /// The batch's record comes first (each invoice names it), filled in by [`Writing::keep`].
    pub fn begin(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<Writing<'c>> {
        let batch = store::begin_import_batch(conn, now)?;
        Ok(Writing { batch, now, new_ids: Vec::new(), invoices: None, expected: 0 })
    }

    /// About how many rows the file holds: a large load into a small book drops the
    /// indexes of the tables it fills and builds them once at the end.
    pub fn expect(&mut self, rows: usize) {
        self.expected = rows;
    }

    /// Write one batch of the file: the new customers it names first (the next of
    /// [`Reconciler::new_debtors`]), then its new invoices, those of `rows` that repeat
    /// none before in `order` ([`key_order`]), then those that do.
    ///
    /// [`Reconciler::new_debtors`]: crate::import::reconcile::Reconciler::new_debtors
    pub fn rows(
        &mut self,
        conn: &'c rusqlite::Connection,
        customers: &[NewCustomer],
        rows: &NewRows,
        order: &[u32],
        default_currency: &str,
    ) -> Result<()> {
        let invoices = match &mut self.invoices {
            Some(writer) => writer,
            None => self.invoices.insert(store::ImportWriter::begin(
                conn,
                self.expected,
                self.now,
                default_currency,
                self.batch,
            )?),
        };
        let debtors: Vec<store::ImportedDebtor<'_>> = customers
            .iter()
            .map(|c| store::ImportedDebtor {
                external_ref: c.reference.as_deref(),
                name: &c.name,
                currency: c.currency.as_deref().unwrap_or(default_currency),
            })
            .collect();
        invoices.write_debtors(conn, &debtors, &mut self.new_ids)?;
        let debtor_id = |d: DebtorOf| match d {
            DebtorOf::Book(id) => id,
            DebtorOf::New(n) => self.new_ids[n],
        };
        let fresh: Vec<store::ImportedInvoice<'_>> = order
            .iter()
            .map(|&at| {
                let r = rows.get(at as usize);
                imported(r, debtor_id(r.debtor))
            })
            .collect();
        invoices.write(conn, &fresh)?;
        // After the rows they repeat, in file order: the last one wins.
        for repeat in rows.iter().filter(|r| r.repeats) {
            invoices.replace(conn, &imported(repeat, debtor_id(repeat.debtor)))?;
        }
        Ok(())
    }

    /// The whole file is read and the import is kept: write the rest of the plan and
    /// complete the batch's record. Returns the batch's id.
    pub fn keep(self, conn: &rusqlite::Connection, clock: &Clock, config: &Config, kept: &Kept<'_>) -> Result<i64> {
        let (now, batch) = (self.now, self.batch);
        if let Some(invoices) = self.invoices {
            invoices.finish(conn)?;
        }
        let plan = kept.plan;
        store::complete_import_batch(
            conn,
            batch,
            &store::NewBatch {
                file_name: kept.file,
                sha256: kept.sha256,
                profile: kept.format,
                at: now,
                rows_read: kept.rows_read,
                rows_imported: kept.reconciled.rows + kept.contacts.len(),
                rows_rejected: kept.rejected.len(),
                newest_date: kept.reconciled.newest,
            },
        )?;
        for issue in kept.rejected.iter().chain(kept.warnings) {
            let reason = match issue.severity {
                Severity::Error => format!("rejected: {}", issue.reason),
                Severity::Warning => format!("warning: {}", issue.reason),
            };
            store::insert_import_issue(conn, batch, issue.line, issue.column.as_deref(), &reason)?;
        }
        for (debtor_id, reference) in &kept.reconciled.new_refs {
            store::set_external_ref(conn, *debtor_id, reference, now)?;
        }
        ledger_balances(conn, clock, config, plan, batch, now)?;
        contact_points(conn, config, kept, batch, now)?;
        store::append_event(
            conn,
            &NewEvent {
                at: now,
                actor: &config.collector,
                kind: "import-committed",
                debtor_id: None,
                entity: "import_batch",
                entity_id: Some(batch),
                before: None,
                after: Some(json!({
                    "format": kept.format,
                    "new_customers": plan.new_customers.len(),
                    "new_invoices": plan.new_invoices.len(),
                    "changed_balances": plan.changed_balances.len(),
                    "paid_in_ledger": plan.paid_in_ledger.len(),
                    "vanished": plan.vanished.len(),
                    "new_contact_points": plan.new_contact_points.len(),
                })),
            },
        )?;
        Ok(batch)
    }
}

/// The places of `rows` that repeat no row before them, in the order of the book's
/// UNIQUE (debtor, kind, number) key: each insert into that index then lands after the one
/// before it instead of searching the tree ([`store::ImportWriter::write`]). A new debtor
/// sorts after the book's, and after the new ones before it, as its id will (each is
/// written in turn, given the next id).
pub(super) fn key_order(rows: &NewRows) -> Vec<u32> {
    // The keys sorted side by side, each with its place: comparing them through the places
    // reached into the rows at random, and cost half as much again.
    let debtor = |d: DebtorOf| match d {
        DebtorOf::Book(id) => id as u64,
        DebtorOf::New(n) => 1 << 63 | n as u64,
    };
    let mut keys: Vec<(u64, u8, &str, u32)> = Vec::with_capacity(rows.len());
    keys.extend(
        (rows.iter().enumerate())
            .filter(|(_, r)| !r.repeats)
            .map(|(at, r)| (debtor(r.debtor), store::item_kind_rank(r.row.kind), r.row.number.as_str(), at as u32)),
    );
    keys.sort_unstable();
    keys.into_iter().map(|(.., at)| at).collect()
}

fn imported(r: NewRow<'_>, debtor_id: i64) -> store::ImportedInvoice<'_> {
    let row = r.row;
    store::ImportedInvoice {
        debtor_id,
        number: &row.number,
        kind: row.kind,
        job: row.job.as_deref(),
        issued: row.issued,
        due: row.due,
        original: row.original.unwrap_or(row.balance),
        balance: row.balance,
        currency: row.currency.as_deref(),
    }
}

/// What keeping an import writes beyond its rows.
pub(super) struct Kept<'a> {
    pub file: &'a str,
    pub sha256: &'a str,
    pub format: &'a str,
    pub plan: &'a ImportPlan,
    pub reconciled: &'a Reconciled,
    pub contacts: &'a [ContactRow],
    pub existing: &'a Existing,
    pub rows_read: usize,
    pub rejected: &'a [Issue],
    pub warnings: &'a [Issue],
}

/// Balances the ledger changed. A drop is money the ledger received.
fn ledger_balances(
    conn: &rusqlite::Connection,
    clock: &Clock,
    config: &Config,
    plan: &ImportPlan,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    let changes =
        plan.changed_balances.iter().map(|c| (c, false)).chain(plan.paid_in_ledger.iter().map(|c| (c, false)));
    let changes = changes.chain(plan.vanished.iter().map(|c| (c, true)));
    let ids: Vec<i64> =
        plan.changed_balances.iter().chain(&plan.paid_in_ledger).chain(&plan.vanished).map(|c| c.invoice_id).collect();
    let owners = store::debtor_of_invoices(conn, &ids)?;
    for (change, vanished) in changes {
        store::set_ledger_balance(conn, change.invoice_id, change.after, vanished, batch, now)?;
        let drop = change.before - change.after;
        if drop.is_positive() && change.before.is_positive() {
            let debtor_id = owners[&change.invoice_id];
            record_ledger_payment(conn, debtor_id, change, drop, batch, (now, clock.today()), &config.currency)?;
            touched.insert(debtor_id);
        }
    }
    for debtor_id in &touched {
        settle_promises(conn, *debtor_id, clock.today(), config.promise_grace_days)?;
    }
    Ok(())
}

/// A contacts export's new contact points, each on the debtor its row names (by name and
/// reference, as the plan resolved it), that debtor created if the book lacks it.
fn contact_points(
    conn: &rusqlite::Connection,
    config: &Config,
    kept: &Kept<'_>,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let plan = kept.plan;
    if plan.new_contact_points.is_empty() && plan.new_customers.is_empty() {
        return Ok(());
    }
    let mut existing = kept.existing.clone();
    // Keyed by name and reference, as the plan resolved each row (`Existing::debtor_for`): two
    // rows with one name and different known references belong to different debtors, and a
    // re-import must find each contact point where this commit put it.
    let mut debtor_ids: HashMap<(String, Option<String>), i64> = HashMap::new();
    for row in kept.contacts {
        let (name, reference) = (row.customer.as_str(), row.customer_ref.as_deref());
        let key = (name.to_lowercase(), reference.map(str::to_string));
        if debtor_ids.contains_key(&key) {
            continue;
        }
        let id = match existing.debtor_for(name, reference) {
            Some(id) => {
                if let Some(r) = reference
                    && existing.reference_of(id) != Some(r)
                    && !existing.by_ref.contains_key(r)
                {
                    store::set_external_ref(conn, id, r, now)?;
                    // Now that reference's: another reference never finds it by name.
                    existing.set_reference(id, r);
                }
                id
            }
            None => {
                let id = store::insert_debtor(
                    conn,
                    &NewDebtor {
                        external_ref: reference.filter(|r| !existing.by_ref.contains_key(*r)).map(str::to_string),
                        name: name.to_string(),
                        kind: None,
                        currency: config.currency.clone(),
                        ..Default::default()
                    },
                    now,
                )?;
                existing.by_name.entry(key.0.as_str().into()).or_insert(id);
                let reference = reference.filter(|r| !existing.by_ref.contains_key(*r)).map(Into::into);
                existing.add_debtor(BookDebtor { id, name: name.into(), reference });
                id
            }
        };
        debtor_ids.insert(key, id);
    }
    let mut points_added: HashSet<(i64, ContactKind, String)> = HashSet::new();
    for (i, (name, kind, value)) in plan.new_contact_points.iter().enumerate() {
        let reference = plan.new_contact_refs.get(i).cloned().flatten();
        let Some(&debtor_id) = debtor_ids.get(&(name.to_lowercase(), reference)) else { continue };
        // Two rows (two references of one name) may bring the same point to one debtor.
        if !points_added.insert((debtor_id, *kind, store::contact_key(*kind, value))) {
            continue;
        }
        store::insert_contact_point(
            conn,
            &NewContactPoint {
                debtor_id,
                kind: *kind,
                label: String::new(),
                value: value.clone(),
                status: ContactStatus::Unverified,
                source: format!("import #{batch} ({})", kept.format),
                is_work: false,
            },
            now,
        )?;
    }
    Ok(())
}

/// The ledger shows less owed: record it as a payment seen in the ledger, applied to
/// that invoice, so promises and installments see the money.
fn record_ledger_payment(
    conn: &rusqlite::Connection,
    debtor_id: i64,
    change: &BalanceChange,
    amount: Money,
    batch: i64,
    (now, today): (DateTime<Utc>, NaiveDate),
    currency: &str,
) -> Result<()> {
    let payment_id = store::insert_payment(
        conn,
        &NewPayment {
            debtor_id,
            kind: "ledger".into(),
            amount,
            currency: currency.to_string(),
            received_on: today,
            method: "ledger".into(),
            reference: format!("import #{batch}: {}", change.number),
        },
        now,
    )?;
    store::insert_allocation(conn, payment_id, change.invoice_id, amount)?;
    apply_to_installments(conn, debtor_id, amount)?;
    Ok(())
}
