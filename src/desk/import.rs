//! Importing an accounting export: parse (pure), reconcile against the book (a plan
//! the collector sees first), then commit the plan in one transaction. A balance that
//! dropped in the ledger becomes a payment seen in the ledger, which keeps the
//! matching promise or plan installment.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::payments::{apply_to_installments, settle_promises};
use super::{Desk, DeskError, Result};
use crate::domain::{ContactKind, ContactStatus, Money};
use crate::import::profile::ProfileKind;
use crate::import::reconcile::{self, BalanceChange};
use crate::import::{ImportPlan, Issue, Parsed, Profile, RowClass, Severity, parse_bytes};
use crate::store::{self, NewContactPoint, NewDebtor, NewEvent, NewPayment};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: Option<String>,
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// Import an export older than the last one of its format anyway.
    pub force: bool,
}

/// What reading a file found and what importing it did (or would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub sha256: String,
    pub format: String,
    pub format_title: String,
    pub encoding: String,
    pub delimiter: &'static str,
    pub decimal: &'static str,
    pub dates: String,
    pub caveat: Option<String>,
    /// Rows by class: preamble, header, group, detail, subtotal, total, footer, blank, skipped.
    pub rows: HashMap<String, usize>,
    pub rejected: Vec<Issue>,
    pub warnings: Vec<Issue>,
    pub plan: ImportPlan,
    /// The book's currency, for amounts the file does not label.
    pub currency: String,
    pub committed: bool,
    pub batch_id: Option<i64>,
    /// The backup taken just before this import was written.
    pub backup: Option<String>,
    /// Why nothing was written, when nothing was.
    pub held_back: Option<String>,
}

impl Desk {
    /// Read `bytes` (the content of `file`) and reconcile it; write it unless
    /// `dry_run`, or unless it has rejected rows and `skip_invalid` is off.
    pub fn import_file(
        &mut self,
        file: &str,
        bytes: &[u8],
        profiles: &[Profile],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let started = std::time::Instant::now();
        let phase = |what: &str| tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: {what}");
        let (existing, parsed) = store::existing_for_import_while(&self.conn, || {
            let parsed = parse_bytes(file, bytes, profiles, opts.format.as_deref());
            (parsed, Sha256::digest(bytes))
        });
        let (parsed, digest) = parsed;
        let mut parsed = parsed.map_err(|e| match e {
            crate::import::ImportError::Detect {
                source: crate::import::detect::DetectError::NoSuchFormat(_), ..
            } => DeskError::invalid("--format", e.to_string()),
            other => DeskError::Import(other.to_string()),
        })?;
        let profile = profiles
            .iter()
            .find(|p| p.name == parsed.format)
            .ok_or_else(|| DeskError::Import(format!("format {} is not loaded", parsed.format)))?;
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let existing = existing?;
        let facts = RowFacts::of(&parsed);
        phase("read and parsed, beside the book's invoices loaded");
        let plan = match profile.kind {
            ProfileKind::Invoices => {
                // Only what the same accounting product brought in can vanish from its report.
                let source_of = |name: &str| profiles.iter().find(|p| p.name == name).map(|p| p.source.clone());
                let same_source = |name: &str| {
                    name == profile.name || source_of(name).is_some_and(|s| !s.is_empty() && s == profile.source)
                };
                // A row that could not be read may be an invoice still open in the ledger: with
                // any rejected, nothing is taken to have vanished (said in the warnings below).
                let rejected = parsed.issues.iter().any(|i| i.severity == Severity::Error);
                let rows = std::mem::take(&mut parsed.invoices);
                reconcile::plan(rows, &existing, profile.lists_all_open && !rejected, &same_source)
            }
            ProfileKind::Contacts => {
                let held = store::contact_keys(&self.conn)?;
                reconcile::plan_contacts(&parsed.contacts, &existing, &held, store::contact_key)
            }
        };
        phase("reconciled");
        let mut report = report_of(file, &sha256, &parsed, plan);
        report.currency = self.config.currency.clone();
        if profile.lists_all_open && !report.rejected.is_empty() {
            report.warnings.push(Issue {
                line: 0,
                column: None,
                severity: Severity::Warning,
                reason: "rows were rejected, so no open invoice is closed as gone from this report (a rejected row \
                         may be one of them): import the corrected file to close what the ledger no longer lists"
                    .into(),
            });
        }
        // An older export than the last one of its kind would undo newer changes.
        let mut older = false;
        if let (Some(newest), Some(previous)) = (facts.newest, store::last_newest_date(&self.conn, &parsed.format)?)
            && newest < previous
        {
            older = true;
            report.warnings.insert(
                0,
                Issue {
                    line: 0,
                    column: None,
                    severity: Severity::Warning,
                    reason: format!(
                        "this export looks older than the last {} import (newest date {newest}, last time {previous}): \
                         importing it would undo newer changes",
                        parsed.format
                    ),
                },
            );
        }
        if opts.dry_run {
            report.held_back = Some(if !report.rejected.is_empty() && !opts.skip_invalid {
                format!(
                    "dry run: nothing was written; as it stands the import would be refused: {} row(s) rejected \
                     (fix the file, or import the rest with --skip-invalid)",
                    report.rejected.len()
                )
            } else {
                "dry run: nothing was written".into()
            });
            return Ok(report);
        }
        if !report.rejected.is_empty() && !opts.skip_invalid {
            report.held_back = Some(format!(
                "{} row(s) rejected: nothing was imported (fix the file, or import the rest with --skip-invalid)",
                report.rejected.len()
            ));
            return Ok(report);
        }
        if report.plan.changes() == 0 {
            report.held_back = Some("nothing changed: the book already matches this file".into());
            return Ok(report);
        }
        if older && !opts.force {
            report.held_back = Some(
                "nothing was imported: this export is older than the last one (import it anyway with --force)".into(),
            );
            return Ok(report);
        }
        report.backup = self.safety_backup("before-import")?.map(|p| p.display().to_string());
        phase("backed up");
        let bulk = store::begin_bulk_write(&self.conn)?;
        let written = self.write(|tx, clock, config| commit(tx, clock, config, &facts, &report));
        store::end_bulk_write(&self.conn, bulk)?;
        phase("committed");
        let batch = written?;
        report.committed = true;
        report.batch_id = Some(batch);
        Ok(report)
    }
}

fn report_of(file: &str, sha256: &str, parsed: &Parsed, plan: ImportPlan) -> ImportReport {
    let mut rows: HashMap<String, usize> = HashMap::new();
    for (_, class) in &parsed.classes {
        *rows.entry(class_name(*class).to_string()).or_default() += 1;
    }
    ImportReport {
        file: file.to_string(),
        sha256: sha256.to_string(),
        format: parsed.format.clone(),
        format_title: parsed.format_title.clone(),
        encoding: parsed.encoding.clone(),
        delimiter: parsed.delimiter,
        decimal: parsed.decimal,
        dates: parsed.date_note.clone(),
        caveat: parsed.caveat.clone(),
        rows,
        rejected: parsed.issues.iter().filter(|i| i.severity == Severity::Error).cloned().collect(),
        warnings: parsed.issues.iter().filter(|i| i.severity == Severity::Warning).cloned().collect(),
        plan,
        currency: "USD".into(),
        committed: false,
        batch_id: None,
        backup: None,
        held_back: None,
    }
}

fn issue_line(i: &Issue) -> String {
    if i.line == 0 {
        return i.reason.clone();
    }
    match &i.column {
        Some(c) => format!("line {}, column '{c}': {}", i.line, i.reason),
        None => format!("line {}: {}", i.line, i.reason),
    }
}

impl ImportReport {
    /// The report as the collector reads it, in the desk and on the command line:
    /// what the file is, what would change, what is wrong.
    pub fn describe(&self) -> String {
        let r = self;
        let mut s = format!("{}: {} ({})\n", r.file, r.format_title, r.format);
        s.push_str(&format!(
            "  read as {}, {}-separated, decimal {}; dates: {}\n",
            r.encoding, r.delimiter, r.decimal, r.dates
        ));
        let mut classes: Vec<_> = r.rows.iter().filter(|(_, n)| **n > 0).collect();
        classes.sort();
        s.push_str(&format!(
            "  rows: {}\n",
            classes.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")
        ));
        if let Some(c) = &r.caveat {
            s.push_str(&format!("  note: {c}\n"));
        }
        let p = &r.plan;
        // The first 50 of each kind, and a count: only those 50 are formatted.
        fn section<I: ExactSizeIterator<Item = String>>(s: &mut String, title: &str, items: I) {
            let n = items.len();
            if n > 0 {
                s.push_str(&format!("  {title} ({n}):\n"));
                for item in items.take(50) {
                    s.push_str(&format!("    {item}\n"));
                }
                if n > 50 {
                    s.push_str(&format!("    … and {} more\n", n - 50));
                }
            }
        }
        section(&mut s, "new customers", p.new_customers.iter().cloned());
        section(&mut s, "changed customers", p.changed_customers.iter().map(|(c, w)| format!("{c}: {w}")));
        section(
            &mut s,
            "new invoices",
            p.new_invoices.iter().map(|i| {
                let cur = i.currency.as_deref().unwrap_or(&r.currency);
                match (i.kind, i.balance == Money::ZERO) {
                    (_, true) => format!("{} #{} due {}: paid", i.customer, i.number, i.due),
                    (crate::import::ItemKind::CreditMemo, _) => {
                        format!("{} #{}: credit {}", i.customer, i.number, i.balance.display(cur))
                    }
                    (crate::import::ItemKind::UnappliedPayment, _) => {
                        format!("{} #{}: unapplied payment {}", i.customer, i.number, i.balance.display(cur))
                    }
                    _ => format!("{} #{} due {} open {}", i.customer, i.number, i.due, i.balance.display(cur)),
                }
            }),
        );
        let change = |c: &crate::import::reconcile::BalanceChange| {
            format!(
                "{} #{}: {} → {}",
                c.customer,
                c.number,
                c.before.display(&r.currency),
                c.after.display(&r.currency)
            )
        };
        section(&mut s, "changed balances", p.changed_balances.iter().map(change));
        section(&mut s, "paid in the ledger", p.paid_in_ledger.iter().map(change));
        section(&mut s, "vanished from the ledger (closed)", p.vanished.iter().map(change));
        section(
            &mut s,
            "new contact points",
            p.new_contact_points.iter().map(|(c, k, v)| format!("{c}: {} {}", k.code(), v.replace('\n', ", "))),
        );
        if p.unchanged > 0 {
            s.push_str(&format!("  unchanged: {}\n", p.unchanged));
        }
        section(
            &mut s,
            "billing discrepancies",
            p.discrepancies.iter().map(|d| format!("line {}: {} #{}: {}", d.line, d.customer, d.number, d.what)),
        );
        section(&mut s, "warnings", r.warnings.iter().map(issue_line));
        section(&mut s, "rejected rows", r.rejected.iter().map(|i| format!("{}: {}", r.file, issue_line(i))));
        match (&r.held_back, r.batch_id) {
            (_, Some(batch)) if r.committed => {
                s.push_str(&format!("  imported as batch #{batch}\n"));
                if let Some(b) = &r.backup {
                    s.push_str(&format!("  (the book as it was before: {b})\n"));
                }
            }
            (Some(why), _) => s.push_str(&format!("  {why}\n")),
            _ => {}
        }
        s
    }
}

/// What committing needs of a file's rows once the plan has taken them.
struct RowFacts {
    rows_read: usize,
    rows_imported: usize,
    /// The newest issue or due date among the rows: how recent the export is.
    newest: Option<chrono::NaiveDate>,
    /// Each customer as the rows name it (name, reference, currency of its first row), in
    /// file order; the rows of one customer, when together, give one entry.
    customers: Vec<(String, Option<String>, Option<String>)>,
}

impl RowFacts {
    fn of(parsed: &Parsed) -> RowFacts {
        let mut customers: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        let named = parsed
            .invoices
            .iter()
            .map(|r| (&r.customer, &r.customer_ref, &r.currency))
            .chain(parsed.contacts.iter().map(|c| (&c.customer, &c.customer_ref, &None)));
        for (name, reference, currency) in named {
            if customers.last().is_none_or(|(n, r, _)| n != name || r != reference) {
                customers.push((name.clone(), reference.clone(), currency.clone()));
            }
        }
        RowFacts {
            rows_read: parsed.count(RowClass::Detail) + parsed.count(RowClass::Skipped),
            rows_imported: parsed.invoices.len() + parsed.contacts.len(),
            newest: parsed.invoices.iter().flat_map(|r| [r.issued, Some(r.due)]).flatten().max(),
            customers,
        }
    }
}

pub fn class_name(c: RowClass) -> &'static str {
    match c {
        RowClass::Preamble => "preamble",
        RowClass::Header => "header",
        RowClass::Group => "group",
        RowClass::Detail => "detail",
        RowClass::Subtotal => "subtotal",
        RowClass::Total => "total",
        RowClass::Footer => "footer",
        RowClass::Blank => "blank",
        RowClass::Skipped => "skipped",
    }
}

fn commit(
    tx: &rusqlite::Connection,
    clock: &crate::clock::Clock,
    config: &crate::config::Config,
    facts: &RowFacts,
    report: &ImportReport,
) -> Result<i64> {
    let (now, actor, default_currency) = (clock.now(), config.collector.as_str(), config.currency.as_str());
    let plan = &report.plan;
    let batch = store::insert_import_batch(
        tx,
        &store::NewBatch {
            file_name: &report.file,
            sha256: &report.sha256,
            profile: &report.format,
            at: now,
            rows_read: facts.rows_read,
            rows_imported: facts.rows_imported,
            rows_rejected: report.rejected.len(),
            newest_date: facts.newest,
        },
    )?;
    for issue in report.rejected.iter().chain(&report.warnings) {
        let reason = match issue.severity {
            Severity::Error => format!("rejected: {}", issue.reason),
            Severity::Warning => format!("warning: {}", issue.reason),
        };
        store::insert_import_issue(tx, batch, issue.line, issue.column.as_deref(), &reason)?;
    }
    // Customers: find or create, and keep a newly given reference.
    let mut existing = store::existing_debtors_for_import(tx)?;
    // Keyed by name and reference, as the plan resolved each row (`Existing::debtor_for`): two
    // rows with one name and different known references belong to different debtors, and a
    // re-import must find each invoice and contact point where this commit put it.
    let mut debtor_ids: HashMap<(String, Option<String>), i64> = HashMap::new();
    for (name, reference, currency) in &facts.customers {
        let (name, reference, currency) = (name.as_str(), reference.as_deref(), currency.as_deref());
        let key = (name.to_lowercase(), reference.map(str::to_string));
        if debtor_ids.contains_key(&key) {
            continue;
        }
        let id = match existing.debtor_for(name, reference) {
            Some(id) => {
                if let Some(r) = reference
                    && existing.refs.get(&id).is_some_and(|old| old.as_deref() != Some(r))
                    && !existing.by_ref.contains_key(r)
                {
                    store::set_external_ref(tx, id, r, now)?;
                }
                id
            }
            None => {
                let id = store::insert_debtor(
                    tx,
                    &NewDebtor {
                        external_ref: reference.filter(|r| !existing.by_ref.contains_key(*r)).map(str::to_string),
                        name: name.to_string(),
                        kind: None,
                        currency: currency.unwrap_or(default_currency).to_string(),
                        ..Default::default()
                    },
                    now,
                )?;
                existing.by_name.insert(key.0.clone(), id);
                if let Some(r) = reference {
                    existing.by_ref.insert(r.to_string(), id);
                }
                id
            }
        };
        debtor_ids.insert(key, id);
    }
    let mut previous: Option<(&str, Option<&str>, i64)> = None;
    let mut order: Vec<(i64, usize)> = plan
        .new_invoices
        .iter()
        .enumerate()
        .filter_map(|(at, row)| {
            let (name, reference) = (row.customer.as_str(), row.customer_ref.as_deref());
            let debtor_id = match previous {
                Some((n, r, id)) if n == name && r == reference => id,
                _ => *debtor_ids.get(&(name.to_lowercase(), reference.map(str::to_string)))?,
            };
            previous = Some((name, reference, debtor_id));
            Some((debtor_id, at))
        })
        .collect();
    // In the order of the book's UNIQUE (debtor, kind, number) key: each insert into that
    // index lands after the one before it instead of searching the tree.
    let key = |&(debtor_id, at): &(i64, usize)| {
        let row = &plan.new_invoices[at];
        (debtor_id, store::item_kind_code(row.kind), row.number.as_str())
    };
    order.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    let rows = order.iter().map(|&(debtor_id, at)| {
        let row = &plan.new_invoices[at];
        store::ImportedInvoice {
            debtor_id,
            number: &row.number,
            kind: row.kind,
            job: row.job.as_deref(),
            issued: row.issued,
            due: row.due,
            original: row.original.unwrap_or(row.balance),
            balance: row.balance,
            currency: row.currency.as_deref().unwrap_or(default_currency),
            batch,
        }
    });
    let started = std::time::Instant::now();
    store::insert_imported_invoices(tx, rows, now)?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: invoices written");
    // Balances the ledger changed. A drop is money the ledger received.
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    let changes =
        plan.changed_balances.iter().map(|c| (c, false)).chain(plan.paid_in_ledger.iter().map(|c| (c, false)));
    let changes = changes.chain(plan.vanished.iter().map(|c| (c, true)));
    let ids: Vec<i64> =
        plan.changed_balances.iter().chain(&plan.paid_in_ledger).chain(&plan.vanished).map(|c| c.invoice_id).collect();
    let owners = store::debtor_of_invoices(tx, &ids)?;
    for (change, vanished) in changes {
        store::set_ledger_balance(tx, change.invoice_id, change.after, vanished, batch, now)?;
        let drop = change.before - change.after;
        if drop.is_positive() && change.before.is_positive() {
            let debtor_id = owners[&change.invoice_id];
            record_ledger_payment(tx, debtor_id, change, drop, batch, (now, clock.today()), default_currency)?;
            touched.insert(debtor_id);
        }
    }
    for debtor_id in &touched {
        settle_promises(tx, *debtor_id, clock.today(), config.promise_grace_days)?;
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
            tx,
            &NewContactPoint {
                debtor_id,
                kind: *kind,
                label: String::new(),
                value: value.clone(),
                status: ContactStatus::Unverified,
                source: format!("import #{batch} ({})", report.format),
                is_work: false,
            },
            now,
        )?;
    }
    store::append_event(
        tx,
        &NewEvent {
            at: now,
            actor,
            kind: "import-committed",
            debtor_id: None,
            entity: "import_batch",
            entity_id: Some(batch),
            before: None,
            after: Some(json!({
                "format": report.format,
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

/// The ledger shows less owed: record it as a payment seen in the ledger, applied to
/// that invoice, so promises and installments see the money.
#[allow(clippy::too_many_arguments)]
fn record_ledger_payment(
    tx: &rusqlite::Connection,
    debtor_id: i64,
    change: &BalanceChange,
    amount: Money,
    batch: i64,
    (now, today): (chrono::DateTime<chrono::Utc>, chrono::NaiveDate),
    currency: &str,
) -> Result<()> {
    let payment_id = store::insert_payment(
        tx,
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
    store::insert_allocation(tx, payment_id, change.invoice_id, amount)?;
    apply_to_installments(tx, debtor_id, amount)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;

    #[test]
    fn a_repeated_row_is_imported_once_the_later_row_winning() {
        // Found while fuzzing: a new invoice listed twice was inserted twice, and the book's
        // UNIQUE key failed the whole import with a bare database error.
        let csv = "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
                   1;A;R1;15.01.2026;14.02.2026;10,00;10,00\n\
                   1;A;R1;15.01.2026;14.02.2026;12,00;12,00\n\
                   2;A;R2;15.01.2026;14.02.2026;10,00;10,00\n\
                   3;A;R2;15.01.2026;14.02.2026;10,00;10,00\n";
        let profiles = crate::import::load_profiles(None).unwrap();
        let mut desk = Desk::in_memory(Clock::fixed("2026-11-22".parse().unwrap()), Config::default()).unwrap();
        let first = desk.import_file("open.csv", csv.as_bytes(), &profiles, &ImportOptions::default()).unwrap();
        assert!(first.committed);
        assert_eq!(first.plan.new_invoices.len(), 2);
        assert_eq!(first.plan.discrepancies.len(), 2, "each repeat is still reported");
        let balance: i64 = desk
            .connection()
            .query_row("SELECT balance_cents FROM invoice WHERE number = 'R1'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(balance, 1_200);
        let again = desk.import_file("open.csv", csv.as_bytes(), &profiles, &ImportOptions::default()).unwrap();
        assert_eq!(again.plan.changes(), 0, "{:?}", again.plan);
    }

    #[test]
    fn one_name_with_two_references_is_resolved_alike_by_plan_and_commit() {
        // Found by fuzzing (import_commit): the plan resolved a row's debtor by its reference,
        // the commit by its name, so the third row's email went to "Kauri Cafe" while every
        // re-import looked for it on KAU02's debtor, proposed it again and wrote it again.
        let csv = "*ContactName,AccountNumber,EmailAddress,FirstName,LastName,POAttentionTo,POAddressLine1,\
                   POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,POCountry,\
                   PhoneNumber,FaxNumber,MobileNumber\n\
                   Kauri Cafe,KAU01,a@kauri.example,,,,,,,,,,,,,,\n\
                   Other Name,KAU02,b@other.example,,,,,,,,,,,,,,\n\
                   Kauri Cafe,KAU02,c@kauri.example,,,,,,,,,,,,,,\n";
        let profiles = crate::import::load_profiles(None).unwrap();
        let mut desk = Desk::in_memory(Clock::fixed("2026-11-22".parse().unwrap()), Config::default()).unwrap();
        let opts = ImportOptions::default();
        let first = desk.import_file("contacts.csv", csv.as_bytes(), &profiles, &opts).unwrap();
        assert!(first.committed);
        assert_eq!(first.plan.new_contact_points.len(), 3);
        for _ in 0..2 {
            let again = desk.import_file("contacts.csv", csv.as_bytes(), &profiles, &opts).unwrap();
            assert_eq!(again.plan.changes(), 0, "{:?}", again.plan);
        }
        let points: i64 = desk.connection().query_row("SELECT count(*) FROM contact_point", [], |r| r.get(0)).unwrap();
        assert_eq!(points, 3);
        let owner: String = desk
            .connection()
            .query_row(
                "SELECT d.external_ref FROM contact_point c JOIN debtor d ON d.id = c.debtor_id
                 WHERE c.value = 'c@kauri.example'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(owner, "KAU02", "the row's own reference decides its debtor, as in the plan");
    }
}
