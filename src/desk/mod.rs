//! The use-cases: everything a collector can do, one function each, one transaction
//! each. The desk (TUI) and the CLI both call these and nothing below them.

mod account;
mod agenda;
mod arrangements;
mod bulk;
mod calendar;
mod case_file;
mod contact_log;
mod contact_points;
mod csv_out;
mod demo;
mod demo_book;
mod guard;
mod import;
mod import_write;
mod invoice_terms;
mod ladder;
mod legal;
mod letter_batch;
mod letters;
mod payments;
mod payments_export;
mod records_kept;
mod report_activity;
#[cfg(test)]
mod report_book;
mod report_disputes;
mod report_overview;
mod report_plans;
mod report_rolls;
mod reports;
mod search;
mod search_numbers;
mod settlement;
mod undo;
mod undo_refusals;
mod worklist;
mod worklist_start;

pub use account::AccountView;
pub use agenda::AgendaItem;
pub use arrangements::DisputeScope;
pub use bulk::BulkAction;
pub use contact_log::{LogAttempt, NewNote};
pub use contact_points::{ContactPointChange, NewPoint};
pub use csv_out::csv_text;
pub use demo::DemoSummary;
pub use guard::rule_profile;
pub use import::{ImportOptions, ImportReport, class_name};
pub use legal::LegalChange;
pub use letter_batch::{BatchLine, BatchOutcome};
pub use letters::{Letter, Offer, TEMPLATES};
pub use payments::RecordPayment;
pub use payments_export::{PaymentLayout, PaymentsExport};
pub use records_kept::{BookCheck, MIN_RETENTION_YEARS, PersonRecord, PurgeReport};
pub use report_activity::{ActivityReport, ActivityRow, Grain};
pub use report_disputes::{DisputeLine, DisputeReport};
pub use report_overview::ReportOverview;
pub use report_plans::{InstallmentLine, PlanReport, PlanStatusLine};
pub use report_rolls::{BucketAmount, RollLine, RollMonth, RollRateReport};
pub use reports::{AgingReport, AgingSection, KpiLine, KpiReport};
pub use settlement::WRITE_OFF_REASONS;
pub use undo::ATTEMPT_UNDO_MINUTES;
pub use worklist::{QueueSummary, WorklistRow};
pub use worklist_start::WorklistStart;

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, TransactionBehavior};

use crate::clock::Clock;
use crate::config::Config;
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(
        "no account '{0}' (give the debtor's number, the ledger's customer reference, or a name only one debtor has)"
    )]
    NoSuchAccount(String),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A file that cannot be imported (unknown format, unreadable, …).
    #[error("{0}")]
    Import(String),
    /// The book's state does not allow it (e.g. a demo into a book that has data).
    #[error("{0}")]
    Refused(String),
    /// The compliance guard blocks this contact; an override needs a typed reason.
    #[error("{}", blocked_message(.0))]
    Blocked(Box<crate::domain::compliance::Answer>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        DeskError::Store(StoreError::Sql(e))
    }
}

impl DeskError {
    /// Another program held the book locked for longer than the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(self, DeskError::Store(StoreError::Busy { .. }))
    }

    pub fn invalid(field: &'static str, reason: impl Into<String>) -> DeskError {
        DeskError::Invalid { field, reason: reason.into() }
    }
}

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

fn blocked_message(a: &crate::domain::compliance::Answer) -> String {
    let rules: Vec<String> = a
        .findings
        .iter()
        .filter(|f| f.level == crate::domain::compliance::Level::Block)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    let when = match a.next_allowed {
        Some(t) => format!("; allowed from {}", t.format("%Y-%m-%d %H:%M UTC")),
        None => String::new(),
    };
    format!("blocked by {}{when}. To log it anyway give a reason to override", rules.join("; "))
}

/// What a write did, in words for the status bar and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Saved {
    pub debtor_id: i64,
    pub id: i64,
    pub message: String,
}

/// A desk on one database, with the clock and the policy it runs under.
pub struct Desk {
    conn: Connection,
    /// The database file (none in memory): backups go beside it.
    path: Option<std::path::PathBuf>,
    clock: Clock,
    config: Config,
    /// Inside `batch`: writes become savepoints of its one transaction.
    in_batch: bool,
    /// Writes made through this desk, so caches know when to rebuild.
    writes: std::cell::Cell<u64>,
    /// The search index and the (data version, writes) it was built at.
    search_index: std::cell::RefCell<Option<((i64, u64), search::SearchIndex)>>,
}

impl Desk {
    pub fn open(path: &Path, clock: Clock, config: Config) -> Result<Desk> {
        // An older schema is backed up (kept like the backups before imports) before it is migrated.
        let policy = store::BackupPolicy { at: clock.now(), keep: config.backups_to_keep };
        let conn = store::open_backing_up(path, policy)?;
        Ok(Desk {
            conn,
            path: Some(path.to_path_buf()),
            clock,
            config,
            in_batch: false,
            writes: Default::default(),
            search_index: Default::default(),
        })
    }

    /// The schema an existing book at `path` has and the one opening it would bring it to,
    /// when that is an upgrade (read without writing anything).
    pub fn upgrade_pending(path: &Path) -> Option<(i64, i64)> {
        store::migration_pending(path).map(|found| (found, store::SCHEMA_VERSION))
    }

    /// Whether another program (a large import) holds the book at `path` whole right now,
    /// so that opening it would wait (asked without waiting or writing).
    pub fn held_by_a_writer(path: &Path) -> bool {
        store::held_by_a_writer(path)
    }

    pub fn in_memory(clock: Clock, config: Config) -> Result<Desk> {
        Ok(Desk {
            conn: store::open_in_memory()?,
            path: None,
            clock,
            config,
            in_batch: false,
            writes: Default::default(),
            search_index: Default::default(),
        })
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Move the desk's day (tests of what ends by itself).
    #[cfg(test)]
    pub(crate) fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Read access for tests and checks; writes go through the use-cases.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// A consistent copy of the book at `dest` (0600), taken while it stays in use.
    pub fn backup(&self, dest: Option<&std::path::Path>) -> Result<std::path::PathBuf> {
        let Some(db) = self.path.as_deref() else {
            return Err(DeskError::Refused("an in-memory book has no file to back up".into()));
        };
        let dest = match dest {
            Some(d) => {
                store::backup_to(&self.conn, d)?;
                d.to_path_buf()
            }
            None => store::automatic_backup(&self.conn, db, "manual", self.clock.now(), usize::MAX)?,
        };
        // A copy is read back before it is called a backup: one of a damaged book is as
        // damaged, and no restore would take it.
        match store::copy_is_sound(&dest)? {
            Ok(()) => Ok(dest),
            Err(found) => Err(DeskError::Refused(format!(
                "{} was written, but it does not read back whole ({found}): the book itself is damaged. Keep \
                 the copy for what it holds, run `dun check`, and restore a sound backup with `dun restore`",
                dest.display()
            ))),
        }
    }

    /// A number that changes when another connection commits to the book.
    pub fn data_version(&self) -> Result<i64> {
        Ok(store::data_version(&self.conn)?)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(store::is_empty(&self.conn)?)
    }

    /// ACCOUNT as the user typed it: the debtor's number or the ledger's customer reference.
    pub fn resolve(&self, account: &str) -> Result<i64> {
        store::resolve_account(&self.conn, account)?.ok_or_else(|| DeskError::NoSuchAccount(account.trim().to_string()))
    }

    /// Debtor ids whose name, reference or an invoice number contains `query`.
    /// Debtors whose name (fuzzily), customer reference, invoice number, phone or email
    /// matches `query`. The index is built on first use and again after any write, from this
    /// desk or from another process.
    pub fn search(&self, query: &str) -> Result<Vec<i64>> {
        let version = (self.data_version()?, self.writes.get());
        let mut cached = self.search_index.borrow_mut();
        if cached.as_ref().is_none_or(|(v, _)| *v != version) {
            // The old index goes first: two are never held at once.
            *cached = None;
            let mut builder = search::IndexBuilder::new();
            store::read_search_text(&self.conn, &mut builder)?;
            *cached = Some((version, builder.finish()));
        }
        Ok(cached.as_mut().map(|(_, index)| index.search(query)).unwrap_or_default())
    }

    /// Run `f` in one IMMEDIATE transaction: all of it lands or none of it does. Inside a
    /// batch it is a savepoint of the batch's transaction instead.
    /// A full disk, a read-only file or an I/O error comes back naming the book's file and
    /// saying what to do (`StoreError::at`).
    fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Connection, &Clock, &Config) -> Result<T>) -> Result<T> {
        self.write_or_discard(|conn, clock, config| Ok((f(conn, clock, config)?, true)))
    }

    /// [`Desk::write`], for a write that learns only as it ends whether it should land:
    /// `f` says so with its `bool`, and what it wrote is rolled back when it is false.
    fn write_or_discard<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Connection, &Clock, &Config) -> Result<(T, bool)>,
    ) -> Result<T> {
        self.write_in(f).map_err(|e| match (e, self.path.as_deref()) {
            (DeskError::Store(e), Some(path)) => DeskError::Store(e.at(path)),
            (e, _) => e,
        })
    }

    fn write_in<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Connection, &Clock, &Config) -> Result<(T, bool)>,
    ) -> Result<T> {
        self.writes.set(self.writes.get() + 1);
        if self.in_batch {
            let sp = self.conn.savepoint()?;
            let (out, keep) = f(&sp, &self.clock, &self.config)?;
            if keep {
                sp.commit()?;
            }
            return Ok(out);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (out, keep) = f(&tx, &self.clock, &self.config)?;
        if keep {
            tx.commit()?;
        }
        Ok(out)
    }

    /// Run `f`'s reads as one read transaction: a report that asks the book something for
    /// each of 90k accounts would otherwise take and drop SQLite's read lock 90k times.
    pub fn reading<T>(&self, f: impl FnOnce(&Desk) -> T) -> Result<T> {
        let _snapshot = store::read_snapshot(&self.conn)?;
        Ok(f(self))
    }

    /// Run several desk writes as one transaction (a bulk action on a selection): all of
    /// them land, or none does and the first refusal is the error.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Desk) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.in_batch = true;
        let out = f(self);
        self.in_batch = false;
        match out {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub fn today() -> NaiveDate {
        "2026-11-22".parse().unwrap()
    }

    /// An in-memory desk holding a small demo book, on a fixed day.
    pub fn demo_desk(debtors: usize) -> Desk {
        let mut desk = Desk::in_memory(Clock::fixed(today()), Config::default()).unwrap();
        desk.load_demo(debtors, 7).unwrap();
        desk
    }
}
