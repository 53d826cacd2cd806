//! Importing an accounting export: parse (pure), reconcile against the book (a plan
//! the collector sees first), then commit the plan in one transaction. A balance that
//! dropped in the ledger becomes a payment seen in the ledger, which keeps the
//! matching promise or plan installment.

use std::collections::HashMap;

use serde::Serialize;

use super::import_write::{Kept, Writing, key_order};
use super::{Desk, DeskError, Result};
use crate::domain::Money;
use crate::import::profile::ProfileKind;
use crate::import::reconcile::{self, NewCustomer, NewRows, Reconciler};
use crate::import::{
    Existing, ImportError, ImportPlan, Issue, Parsed, Pieces, Profile, RowClass, RowSink, Severity, Source,
    parse_source,
};
use crate::store;

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
    /// Read `bytes` (the content of `file`) and reconcile it; write it unless `dry_run`, or
    /// unless it has rejected rows and `skip_invalid` is off.
    ///
    /// The file is read on another thread and handed over in batches, each reconciled and
    /// written while the next is read: no list of every row is held, so memory does not
    /// grow with the file. All of it happens in one transaction, kept only if the whole
    /// file says so (no rejected rows unless skipped, something changed, not an older
    /// export); the automatic backup is then taken of the book as it was before.
    pub fn import_file(
        &mut self,
        file: &str,
        bytes: &[u8],
        profiles: &[Profile],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_source(file, &Source::Bytes(bytes), profiles, opts)
    }

    /// [`Desk::import_file`] of the file at `path`, read a window at a time: the file is
    /// never held whole.
    pub fn import_path(
        &mut self,
        path: &std::path::Path,
        profiles: &[Profile],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let file = path.display().to_string();
        let source = Source::open(path)
            .map_err(|source| DeskError::Import(ImportError::Read { file: file.clone(), source }.to_string()))?;
        self.import_source(&file, &source, profiles, opts)
    }

    fn import_source(
        &mut self,
        file: &str,
        source: &Source<'_>,
        profiles: &[Profile],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let mut job = Job { file, source, profiles, opts, started: std::time::Instant::now(), on_trust: true };
        if let Some(report) = self.import_as(&job)? {
            return Ok(report);
        }
        // Read on its format's word, the file's dates proved another day/month order: what
        // was read is gone with its transaction, and the file is read again, votes first.
        tracing::debug!("import: the file's dates disproved its format's order; read again");
        job.on_trust = false;
        self.import_as(&job)?.ok_or_else(|| DeskError::Import(crate::import::read::DISPROVED.into()))
    }

    /// [`Desk::import_source`] once, as `job` says: None if the file disproved its
    /// format's conventions, read on their word (nothing is then kept).
    fn import_as(&mut self, job: &Job<'_>) -> Result<Option<ImportReport>> {
        let (source, opts) = (job.source, job.opts);
        // Its many-row INSERTs keep no statement journal (`OR FAIL`): a full disk there
        // ends the whole transaction, which inside a batch would end the batch's too.
        if self.in_batch && !opts.dry_run {
            return Err(DeskError::Refused("an import is a transaction of its own: not inside a batch".into()));
        }
        if opts.dry_run {
            let _snapshot = store::read_snapshot(&self.conn)?;
            return Ok(import_into(&self.conn, &self.clock, &self.config, job, None)?.0);
        }
        let db = self.path.clone();
        // A file larger than the book it goes into is written with a rollback journal when
        // nothing else has the book open: each new page is then written once, not twice.
        // With a rollback journal (however it came), a read held open would stop the
        // writer: the backup is copied first instead.
        let larger = db.is_some() && source.len() as u64 > store::book_bytes(&self.conn)?;
        let bulk = store::begin_bulk_write(&self.conn, larger)?;
        let as_it_was = match db.as_deref() {
            Some(db) => match bulk.journal {
                store::Journal::Wal => store::BookAsItWas::hold(db),
                store::Journal::Rollback => store::BookAsItWas::copy(&self.conn, db),
            }
            .map(|book| Some((book, db)))
            .map_err(|e| e.at(db)),
            None => Ok(None),
        };
        // With a rollback journal the book's pages are written as the import goes: they are
        // flushed meanwhile (in WAL nothing reaches the book before the commit).
        let flushed = db.as_deref().filter(|_| bulk.journal == store::Journal::Rollback);
        let imported = match as_it_was {
            Ok(as_it_was) => store::flushing_meanwhile(flushed, || {
                self.write_or_discard(|conn, clock, config| import_into(conn, clock, config, job, Some(as_it_was)))
            }),
            Err(e) => Err(e.into()),
        };
        let restored = store::end_bulk_write(&self.conn, bulk);
        job.phase("committed");
        match (imported, restored) {
            // What the import did stands: its settings not put back are the connection's
            // alone, and it is said in the log.
            (Ok(report), Err(e)) => {
                tracing::warn!(error = %e, "the bulk write's settings were not all put back");
                Ok(report)
            }
            (imported, Ok(())) => imported,
            (Err(e), _) => Err(e),
        }
    }
}

/// One import's inputs.
struct Job<'a> {
    file: &'a str,
    source: &'a Source<'a>,
    profiles: &'a [Profile],
    opts: &'a ImportOptions,
    started: std::time::Instant,
    /// Rows may be read on the word of a format that names its conventions.
    on_trust: bool,
}

impl Job<'_> {
    fn phase(&self, what: &str) {
        tracing::debug!(ms = self.started.elapsed().as_millis() as u64, "import: {what}");
    }
}

/// What the reading thread hands the writer.
enum Batch {
    Expect(usize),
    /// The new customers first named in a batch of the file, its new rows, and the order
    /// to write them in ([`key_order`]).
    Rows(Vec<NewCustomer>, NewRows, Vec<u32>),
}

/// The reading thread's end of an import: each batch of rows is reconciled where it was
/// read, so the writer (the slower of the two) only writes.
struct Reading<'b> {
    send: std::sync::mpsc::SyncSender<Batch>,
    /// The reconciler, once the writer has loaded the book and made it (None: it could not).
    made: std::sync::mpsc::Receiver<Option<Reconciler<'b>>>,
    reconciler: Option<Reconciler<'b>>,
    customers_sent: usize,
    /// Records the file has, as its first pass counted them.
    expected: usize,
    /// Read on the word of a format that names its conventions ([`RowSink::on_trust`]).
    on_trust: bool,
    /// The file's dates disproved its format's order: what was written is to be thrown
    /// away, and the file read again with its votes first.
    disproved: bool,
}

impl RowSink for Reading<'_> {
    // A send fails only when the import has stopped (an error on the writing side): the
    // rest of the file is then read for nothing, and the error is what is reported.
    fn expect(&mut self, records: usize) {
        self.expected = records;
        let _ = self.send.send(Batch::Expect(records));
    }
    fn rows(&mut self, rows: Vec<crate::import::LedgerRow>) {
        let reconciler = match &mut self.reconciler {
            Some(r) => r,
            None => match self.made.recv() {
                Ok(Some(mut made)) => {
                    made.expect(self.expected);
                    self.reconciler.insert(made)
                }
                _ => return,
            },
        };
        let new = reconciler.take(rows);
        let customers = reconciler.new_debtors()[self.customers_sent..].to_vec();
        self.customers_sent += customers.len();
        // Sorted here, while the writer (the slower of the two) writes the batch before.
        let order = key_order(&new);
        let _ = self.send.send(Batch::Rows(customers, new, order));
    }
    fn on_trust(&self) -> bool {
        self.on_trust
    }
    fn disproved(&mut self) {
        self.disproved = true;
    }
}

/// The reading thread's work: survey the file, then read it into `reading` while another
/// thread hashes it. Returns what was read and the file's SHA-256.
fn read_file(
    job: &Job<'_>,
    held: usize,
    reading: &mut Reading<'_>,
) -> std::result::Result<(Parsed, String), ImportError> {
    let Job { file, source, profiles, opts, .. } = *job;
    let read_error = |e| ImportError::Read { file: file.into(), source: e };
    // A re-import (the book holds about as many invoices as the file has lines, at some 73
    // bytes a line) waits for the book before its first row anyway: where the processor
    // hashes in hardware, it hashes the file in the survey's pass, which reads the file once
    // less. Otherwise the hash is taken on a thread of its own while the rows are read.
    let one_pass = held > 0 && held >= source.len() / 146 && crate::import::source::sha256_in_hardware();
    let (survey, hashed) = match one_pass {
        true => source.survey_and_sha256().map(|(survey, sha256)| (survey, Some(sha256))).map_err(read_error)?,
        false => (source.survey().map_err(read_error)?, None),
    };
    job.phase("surveyed");
    // Reading a large flat file in pieces uses both cores; while most rows are new, the
    // writer needs one of them (measured: an import into an empty book 15-25 % slower, a
    // re-import of an unchanged file 30 % faster). So pieces only when the book already
    // holds about as many invoices as the file has lines.
    let pieces = match held >= survey.lines / 2 {
        true => Pieces::for_size(source.len()),
        false => Pieces(None),
    };
    std::thread::scope(|scope| {
        /// The file's hash: taken already, or being taken on a thread of its own.
        enum Hash<'s> {
            Taken(String),
            Taking(std::thread::ScopedJoinHandle<'s, std::io::Result<String>>),
        }
        let hash = match hashed {
            Some(sha256) => Hash::Taken(sha256),
            None => Hash::Taking(scope.spawn(|| source.sha256())),
        };
        let parsed = parse_source(file, source, &survey, profiles, opts.format.as_deref(), pieces, Some(reading));
        let sha256 = match hash {
            Hash::Taken(sha256) => Ok(sha256),
            Hash::Taking(hashing) => {
                hashing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).map_err(read_error)
            }
        };
        Ok((parsed?, sha256?))
    })
}

/// Read, reconcile and (when `writing` is given: the book as it was, for the backup) write
/// an import on `conn`. Returns the report (None: the file disproved its format's
/// conventions, and is to be read again) and whether to keep what was written.
fn import_into(
    conn: &rusqlite::Connection,
    clock: &crate::clock::Clock,
    config: &crate::config::Config,
    job: &Job<'_>,
    writing: Option<Option<(store::BookAsItWas, &std::path::Path)>>,
) -> Result<(Option<ImportReport>, bool)> {
    let Job { file, profiles, opts, .. } = *job;
    let book = std::sync::OnceLock::new();
    let held = store::invoices_held(conn)?;
    let outcome = std::thread::scope(|scope| {
        // Two batches in flight at most: the reader waits for the writer, never the heap.
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(2);
        let (hand_over, made) = std::sync::mpsc::sync_channel(1);
        let reading = scope.spawn(move || {
            let mut reading = Reading {
                send,
                made,
                reconciler: None,
                customers_sent: 0,
                expected: 0,
                on_trust: job.on_trust,
                disproved: false,
            };
            let parsed = read_file(job, held, &mut reading);
            let Reading { reconciler, disproved, .. } = reading;
            (parsed, reconciler, disproved)
        });
        // Loaded, and the reconciler's index of it made, while the file's conventions are
        // read; the reader waits for them.
        let existing: &Existing = match store::existing_for_import(conn) {
            Ok(found) => book.get_or_init(|| found),
            Err(e) => {
                let _ = hand_over.send(None);
                return Err(e.into());
            }
        };
        let _ = hand_over.send(Some(Reconciler::new(existing)));
        job.phase("the book's invoices loaded");
        let mut writer = match writing {
            Some(_) => Some(Writing::begin(conn, clock.now())?),
            None => None,
        };
        let mut waited = std::time::Duration::ZERO;
        loop {
            let asked = std::time::Instant::now();
            let Ok(batch) = receive.recv() else { break };
            waited += asked.elapsed();
            match (batch, &mut writer) {
                (Batch::Expect(rows), Some(w)) => w.expect(rows),
                (Batch::Rows(customers, rows, order), Some(w)) => {
                    w.rows(conn, &customers, &rows, &order, &config.currency)?
                }
                (_, None) => {}
            }
        }
        let (parsed, reconciler, disproved) = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        tracing::debug!(ms = waited.as_millis() as u64, "import: waited for the reader");
        job.phase("read, reconciled and written");
        if disproved {
            return Ok((None, false));
        }
        let (parsed, sha256) = parsed.map_err(|e| match e {
            crate::import::ImportError::Detect {
                source: crate::import::detect::DetectError::NoSuchFormat(_), ..
            } => DeskError::invalid("--format", e.to_string()),
            other => DeskError::Import(other.to_string()),
        })?;
        let profile = profiles
            .iter()
            .find(|p| p.name == parsed.format)
            .ok_or_else(|| DeskError::Import(format!("format {} is not loaded", parsed.format)))?;
        // A row that could not be read may be an invoice still open in the ledger: with any
        // rejected, nothing is taken to have vanished (said in the warnings below).
        let rejected = parsed.issues.iter().any(|i| i.severity == Severity::Error);
        // Only what the same accounting product brought in can vanish from its report.
        let source_of = |name: &str| profiles.iter().find(|p| p.name == name).map(|p| p.source.clone());
        let same_source =
            |name: &str| name == profile.name || source_of(name).is_some_and(|s| !s.is_empty() && s == profile.source);
        let reconciler = reconciler.unwrap_or_else(|| Reconciler::new(existing));
        let lists_all_open = profile.lists_all_open && !rejected;
        // Which import last saw each open invoice the file did not list: asked of those alone.
        let last_seen = match lists_all_open {
            true => store::last_import_formats(conn, &reconciler.unlisted_open())?,
            false => HashMap::new(),
        };
        // Asked once a format, not once an invoice.
        let mut ours_by_format: HashMap<&str, bool> = HashMap::new();
        let mut ours = std::collections::HashSet::new();
        for (id, format) in &last_seen {
            if *ours_by_format.entry(format).or_insert_with(|| same_source(format)) {
                ours.insert(*id);
            }
        }
        let mut reconciled = reconciler.finish(lists_all_open, &|id| ours.contains(&id));
        let plan = match profile.kind {
            ProfileKind::Invoices => std::mem::take(&mut reconciled.plan),
            ProfileKind::Contacts => {
                let held = store::contact_keys(conn)?;
                reconcile::plan_contacts(&parsed.contacts, existing, &held, store::contact_key)
            }
        };
        let mut report = report_of(file, &sha256, &parsed, plan);
        report.currency = config.currency.clone();
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
        if let (Some(newest), Some(previous)) = (reconciled.newest, store::last_newest_date(conn, &parsed.format)?)
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
        // An export cut short, or run with a filter that left it empty, lists few of the open
        // invoices: taken at its word, it would close the rest (and an import is not undone).
        let closes_most = closes_most_of_the_book(&report.plan, parsed.count(RowClass::Detail));
        if let Some(why) = &closes_most {
            report
                .warnings
                .insert(0, Issue { line: 0, column: None, severity: Severity::Warning, reason: why.clone() });
        }
        report.held_back = if opts.dry_run {
            Some(if !report.rejected.is_empty() && !opts.skip_invalid {
                format!(
                    "dry run: nothing was written; as it stands the import would be refused: {} row(s) rejected \
                     (fix the file, or import the rest with --skip-invalid)",
                    report.rejected.len()
                )
            } else {
                "dry run: nothing was written".into()
            })
        } else if !report.rejected.is_empty() && !opts.skip_invalid {
            Some(format!(
                "{} row(s) rejected: nothing was imported (fix the file, or import the rest with --skip-invalid)",
                report.rejected.len()
            ))
        } else if report.plan.changes() == 0 {
            Some("nothing changed: the book already matches this file".into())
        } else if older && !opts.force {
            Some("nothing was imported: this export is older than the last one (import it anyway with --force)".into())
        } else if closes_most.is_some() && !opts.force {
            Some(
                "nothing was imported: it would close most of the open invoices its ledger brought in \
                 (import it anyway with --force)"
                    .into(),
            )
        } else {
            None
        };
        // Only a kept import needs the book as it was, for its backup.
        let (Some(writer), Some(as_it_was), None) = (writer, writing, &report.held_back) else {
            crate::let_go::let_go(reconciled);
            return Ok((Some(report), false));
        };
        let kept = Kept {
            file,
            sha256: &sha256,
            format: &parsed.format,
            plan: &report.plan,
            reconciled: &reconciled,
            contacts: &parsed.contacts,
            existing,
            rows_read: parsed.count(RowClass::Detail) + parsed.count(RowClass::Skipped),
            rejected: &report.rejected,
            warnings: &report.warnings,
        };
        let batch = writer.keep(conn, clock, config, &kept)?;
        crate::let_go::let_go(reconciled);
        job.phase("the rest of the plan written");
        if let Some((book, db)) = as_it_was {
            // Filed (and the old snapshot let go) before the commit, whose checkpoint the
            // snapshot would hold back.
            let at = book.back_up(db, "before-import", clock.now(), config.backups_to_keep).map_err(|e| e.at(db))?;
            report.backup = Some(at.display().to_string());
            job.phase("backed up");
        }
        report.committed = true;
        report.batch_id = Some(batch);
        Ok((Some(report), true))
    });
    // The book as the import saw it: a million invoices for a large one, freed elsewhere.
    if let Some(book) = book.into_inner() {
        crate::let_go::let_go(book);
    }
    outcome
}

fn report_of(file: &str, sha256: &str, parsed: &Parsed, plan: ImportPlan) -> ImportReport {
    let mut rows: HashMap<String, usize> = HashMap::new();
    for (class, n) in parsed.classes.iter().filter(|(_, n)| *n > 0) {
        rows.insert(class_name(class).to_string(), n);
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
            listed(s, title, items.len(), items)
        }
        // `n` of them, of which `items` are the first (a large import keeps only a few).
        fn listed(s: &mut String, title: &str, n: usize, items: impl Iterator<Item = String>) {
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
        listed(&mut s, "new customers", p.new_customers.len(), p.new_customers.iter().cloned());
        section(&mut s, "changed customers", p.changed_customers.iter().map(|(c, w)| format!("{c}: {w}")));
        listed(
            &mut s,
            "new invoices",
            p.new_invoices.len(),
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

/// Why an open-items export would close most of what it covers, if it would: it lists no
/// receivable at all, or it would close 20 or more open invoices while it lists fewer than a
/// quarter as many receivables as its ledger has open in the book. (A month's ordinary
/// turnover closes many and brings about as many new: it lists plenty.)
fn closes_most_of_the_book(plan: &ImportPlan, listed: usize) -> Option<String> {
    let closing = plan.vanished.len();
    let covered = closing + plan.unchanged + plan.changed_balances.len() + plan.paid_in_ledger.len();
    let cut_short = listed == 0 || (closing >= 20 && listed * 4 < covered);
    if closing == 0 || !cut_short {
        return None;
    }
    Some(format!(
        "this export lists {listed} receivable(s) and would close {closing} of the {covered} open invoices its \
         ledger brought in: a report cut short, or filtered, closes what it leaves out"
    ))
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
        // Customers 2 and 3 share a name, not an account: two debtors, each with its R2.
        assert_eq!(first.plan.new_invoices.len(), 3);
        assert_eq!(first.plan.discrepancies.len(), 1, "the repeat is still reported");
        let debtors: i64 = desk.connection().query_row("SELECT count(*) FROM debtor", [], |r| r.get(0)).unwrap();
        assert_eq!(debtors, 3);
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
