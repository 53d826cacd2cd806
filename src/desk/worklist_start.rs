//! The worklist's first page, on screen before the whole list is ranked (about 0.2 s on a
//! 100k-debtor book), which then replaces it.
//!
//! Kept: the first page as it was last ranked, kept beside the book. It is used only when
//! nothing has been written since (the event log's last hash), on the same day and under the
//! same weights. The file holds names: it is written readable by the owner only, like the
//! book, and a purge removes it.
//!
//! Ranked afresh (a new day, a write from elsewhere): the tiers above dollar-days are reached
//! only through an account's promises, follow-ups and missed installments
//! (`priority::lifts_to`), so the accounts that may stand there are found from those small
//! tables, ranked on their own with the whole ranking's code, and, when they fill the page,
//! are exactly the whole list's first rows in its order.

use std::path::PathBuf;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::worklist::WorklistRow;
use super::{Desk, Result};
use crate::domain::aging::Bucket;
use crate::domain::priority::{PriorityFacts, Tier};
use crate::domain::{DebtorFlags, Money};
use crate::store;

/// Rows kept, and rows a page ranked afresh must fill: a few screens' worth.
const ROWS_KEPT: usize = 200;

/// The tiers a first page ranked afresh may come from, tried in turn.
const LIFTED_TIERS: [Tier; 3] = [Tier::PromiseDue, Tier::CallBackDue, Tier::InstallmentMissed];

/// Above this many accounts to look up one by one (a few µs each), a first page would cost
/// about what the whole ranking does.
const MOST_LOOKED_UP: usize = 20_000;

/// The first rows of the last ranking, and what the whole list held.
#[derive(Debug, Clone, PartialEq)]
pub struct WorklistStart {
    pub rows: Vec<WorklistRow>,
    pub accounts: usize,
    pub total: Money,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    key: String,
    accounts: usize,
    total_cents: i64,
    rows: Vec<SavedRow>,
}

#[derive(Serialize, Deserialize)]
struct SavedRow {
    id: i64,
    name: CompactString,
    external_ref: Option<CompactString>,
    currency: CompactString,
    balance_cents: i64,
    days_past_due: i64,
    bucket: Bucket,
    last_contact: Option<chrono::NaiveDate>,
    next_follow_up: Option<chrono::NaiveDate>,
    tier: Tier,
    score: i64,
    reason: CompactString,
    flags: Vec<String>,
}

impl Desk {
    /// Where the first page is kept: beside the book, as SQLite keeps its `-wal` file.
    fn worklist_start_file(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let name = path.file_name()?.to_string_lossy();
        Some(path.with_file_name(format!("{name}-worklist")))
    }

    /// What the ranking depends on besides the book's rows: the day and the weights. The
    /// book's state is the event log's last hash (every write appends to the chain).
    fn worklist_key(&self) -> Result<String> {
        Ok(format!(
            "v1|{}|{}|{:?}|{}",
            self.today(),
            store::last_event_hash(&self.conn)?.unwrap_or_default(),
            self.config.priority,
            self.config.promise_grace_days
        ))
    }

    /// Keep the first page of a ranking just made. A failure to write it costs only speed.
    pub fn keep_worklist_start(&self, rows: &[WorklistRow]) -> Result<()> {
        let Some(file) = self.worklist_start_file() else { return Ok(()) };
        let saved = Saved {
            key: self.worklist_key()?,
            accounts: rows.len(),
            total_cents: rows.iter().map(|r| r.balance).sum::<Money>().cents(),
            rows: rows.iter().take(ROWS_KEPT).map(saved_row).collect(),
        };
        let text = serde_json::to_vec(&saved).map_err(|e| super::DeskError::Import(e.to_string()))?;
        if let Err(e) = crate::paths::write_private(&file, &text) {
            tracing::debug!(error = %e.kind(), "the worklist's first page was not kept");
        }
        Ok(())
    }

    /// The first page of the last ranking, if the book, the day and the weights are as they
    /// were then.
    pub fn worklist_start(&self) -> Result<Option<WorklistStart>> {
        let Some(file) = self.worklist_start_file() else { return Ok(None) };
        let Ok(bytes) = std::fs::read(&file) else { return Ok(None) };
        let Ok(saved) = serde_json::from_slice::<Saved>(&bytes) else { return Ok(None) };
        if saved.key != self.worklist_key()? {
            return Ok(None);
        }
        Ok(Some(WorklistStart {
            rows: saved.rows.into_iter().map(row_of).collect(),
            accounts: saved.accounts,
            total: Money(saved.total_cents),
        }))
    }

    /// The worklist's first page ranked afresh, when the accounts that may stand in the tiers
    /// above dollar-days fill it: the same rows, in the same order, as the whole ranking's first
    /// page. `None` when they do not (the whole ranking is then the first thing on screen).
    pub fn worklist_first_page(&self) -> Result<Option<Vec<WorklistRow>>> {
        self.first_rows(ROWS_KEPT)
    }

    pub(super) fn first_rows(&self, want: usize) -> Result<Option<Vec<WorklistRow>>> {
        let today = self.today();
        let weights = &self.config.priority;
        let grace = self.config.promise_grace_days;
        let _snapshot = store::read_snapshot(&self.conn)?;
        let side = store::side_facts(&self.conn, today, grace, self.config.plan_misses_to_break)?;
        for tier in LIFTED_TIERS {
            let ids = side.may_reach(tier, today, weights);
            // Each tier's candidates include the tier before's: too few here, try the next.
            if ids.len() < want {
                continue;
            }
            if ids.len() > MOST_LOOKED_UP {
                break;
            }
            let rows = store::account_facts_of(&self.conn, &side, &ids, today, weights.max_days, self.row_maker()?)?;
            let mut rows = super::worklist::in_rank_order(rows);
            // Every account the whole ranking puts at `tier` or above is among these, with the
            // same facts and in the same order (`row_maker`, `in_rank_order`); tiers come
            // first in that order, so they are this list's prefix, and the whole list's too.
            if rows.partition_point(|r| r.tier <= tier) >= want {
                rows.truncate(want);
                return Ok(Some(rows));
            }
        }
        Ok(None)
    }

    /// Remove the kept page (a purge must leave no name of the purged behind).
    pub fn forget_worklist_start(&self) {
        if let Some(file) = self.worklist_start_file() {
            let _ = std::fs::remove_file(file);
        }
    }
}

fn saved_row(r: &WorklistRow) -> SavedRow {
    SavedRow {
        id: r.id,
        name: r.name.clone(),
        external_ref: r.external_ref.clone(),
        currency: r.currency.clone(),
        balance_cents: r.balance.cents(),
        days_past_due: r.days_past_due,
        bucket: r.bucket,
        last_contact: r.last_contact,
        next_follow_up: r.next_follow_up,
        tier: r.tier,
        score: r.score,
        reason: r.reason.clone(),
        flags: r.flags.iter().map(|f| f.to_string()).collect(),
    }
}

fn row_of(s: SavedRow) -> WorklistRow {
    let every_flag = DebtorFlags {
        cease_contact: true,
        attorney: true,
        bankruptcy: true,
        deceased: true,
        do_not_call: true,
        email_opt_out: true,
    }
    .labels();
    WorklistRow {
        id: s.id,
        name: s.name,
        external_ref: s.external_ref,
        currency: s.currency,
        balance: Money(s.balance_cents),
        days_past_due: s.days_past_due,
        bucket: s.bucket,
        last_contact: s.last_contact,
        next_follow_up: s.next_follow_up,
        tier: s.tier,
        score: s.score,
        reason: s.reason,
        flags: every_flag.into_iter().filter(|f| s.flags.iter().any(|g| g == f)).collect(),
        // Not kept: the full ranking that follows brings them.
        facts: PriorityFacts { debtor_id: s.id, open_balance: Money(s.balance_cents), ..Default::default() },
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::desk::Desk;

    fn desk_on(dir: &std::path::Path, today: &str) -> Desk {
        Desk::open(&dir.join("book.db"), Clock::fixed(today.parse().unwrap()), Config::default()).unwrap()
    }

    /// A first page ranked afresh is the whole ranking's first rows, row for row (facts and
    /// reasons too), whenever the tiers above dollar-days fill it, and only then; tried at
    /// each tier's edge, on many days.
    #[test]
    fn a_first_page_ranked_afresh_is_the_whole_rankings_first_rows() {
        use crate::domain::priority::Tier;
        let mut desk = crate::desk::testing::demo_desk(250);
        let today = crate::desk::testing::today();
        let mut reached = std::collections::BTreeSet::new();
        for offset in (-60..=60).step_by(4) {
            desk.set_clock(Clock::fixed(today + chrono::Duration::days(offset)));
            let full = desk.worklist().unwrap();
            let above = |tier: Tier| full.iter().take_while(|r| r.tier <= tier).count();
            let lifted = above(Tier::InstallmentMissed);
            let mut wants = vec![1, 2, 7];
            for tier in [Tier::PromiseDue, Tier::CallBackDue, Tier::InstallmentMissed] {
                wants.extend([above(tier), above(tier) + 1]);
            }
            for want in wants.into_iter().filter(|&w| w > 0) {
                match desk.first_rows(want).unwrap() {
                    Some(rows) => {
                        assert!(want <= lifted, "{offset} days on: {want} rows, but {lifted} above dollar-days");
                        assert_eq!(rows.len(), want);
                        assert_eq!(rows[..], full[..want], "{offset} days on, {want} rows");
                        reached.insert(rows[want - 1].tier);
                    }
                    None => assert!(want > lifted, "{offset} days on: no page of {want}, {lifted} above dollar-days"),
                }
            }
        }
        assert_eq!(
            reached.into_iter().collect::<Vec<_>>(),
            [Tier::PromiseDue, Tier::CallBackDue, Tier::InstallmentMissed]
        );
    }

    #[test]
    fn the_first_page_comes_back_until_the_book_or_the_day_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = desk_on(dir.path(), "2026-11-22");
        desk.load_demo(30, 1).unwrap();
        assert_eq!(desk.worklist_start().unwrap(), None, "nothing kept yet");
        let rows = desk.worklist().unwrap();
        desk.keep_worklist_start(&rows).unwrap();
        let start = desk.worklist_start().unwrap().expect("kept");
        assert_eq!(start.accounts, rows.len());
        let ids = |rows: &[crate::desk::WorklistRow]| rows.iter().map(|r| (r.id, r.score, r.tier)).collect::<Vec<_>>();
        assert_eq!(ids(&start.rows), ids(&rows[..rows.len().min(200)]));
        assert_eq!(start.rows[0].name, rows[0].name);
        assert_eq!(start.rows[0].flags, rows[0].flags);
        // Another day: not used.
        assert_eq!(desk_on(dir.path(), "2026-11-23").worklist_start().unwrap(), None);
        // A write: not used.
        desk.add_note(crate::desk::NewNote { debtor_id: rows[0].id, body: "called".into() }).unwrap();
        assert_eq!(desk.worklist_start().unwrap(), None);
        // Readable by its owner only, like the book.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("book.db-worklist")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        desk.forget_worklist_start();
        assert!(!dir.path().join("book.db-worklist").exists());
    }
}
