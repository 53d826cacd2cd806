//! The aggregates behind the worklist: one grouped query per table, merged by debtor.
//! Grouped scans beat per-debtor subqueries by a wide margin on a 100k-debtor book.
//!
//! Memory and time on a large book: the open invoices are folded on a second connection
//! (another core) and handed over in chunks, in debtor order, while this connection reads
//! the smaller tables and then walks the debtors in the same order; each account is made
//! once, merged, and handed at once to the caller's `make` (the desk makes its worklist row).
//! No list of every account's facts is ever held beside the rows.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OpenFlags};

use super::Result;
use super::codec::{date, get_code, get_opt_date, parse_date_ref, parse_iso_date};
use crate::domain::dispute::held_back;
use crate::domain::plan::missed_for_worklist;
use crate::domain::priority::{Lift, PriorityFacts, PriorityWeights, Tier, dollar_days_cents, lifts_to};
use crate::domain::promise::evaluate_promise;
use crate::domain::{DebtorFlags, Money, PromiseStatus};

/// One account's facts for ranking, plus what the worklist shows beside the rank.
#[derive(Debug, Clone)]
pub struct AccountFacts {
    pub facts: PriorityFacts,
    pub name: String,
    pub external_ref: Option<String>,
    pub currency: String,
    pub flags: DebtorFlags,
}

/// Facts for every active debtor with an open balance, in debtor id order.
/// `misses_to_break` is the book's break rule for plans (`plan_misses_to_break`).
pub fn account_facts(
    conn: &Connection,
    today: NaiveDate,
    grace_days: u32,
    cap_days: i64,
    misses_to_break: u32,
) -> Result<Vec<AccountFacts>> {
    account_facts_with(conn, today, grace_days, cap_days, misses_to_break, |a| a)
}

/// `account_facts`, each account handed to `make` as soon as it is complete.
///
/// On a file database a second, read-only connection folds the open invoices on another
/// core (WAL lets readers work side by side); in memory, the fold runs first.
pub fn account_facts_with<T>(
    conn: &Connection,
    today: NaiveDate,
    grace_days: u32,
    cap_days: i64,
    misses_to_break: u32,
    make: impl FnMut(AccountFacts) -> T,
) -> Result<Vec<T>> {
    // At most one per debtor: room for all of them up front, rather than a list grown by
    // doubling that keeps up to twice the room it needs (tens of MB on a large book). Room
    // never written to is never resident.
    let debtors: i64 = conn.query_row("SELECT count(*) FROM debtor", [], |r| r.get(0))?;
    let room = usize::try_from(debtors).unwrap_or(0);
    let merge = |owed: &mut dyn Iterator<Item = Owed>| -> Result<Vec<T>> {
        let side = side_facts(conn, today, grace_days, misses_to_break)?;
        let mut stmt = conn.prepare_cached(&format!("{DEBTOR_COLUMNS} ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        // Both walks go up the debtor ids; a debtor row read past the one asked for waits here.
        let mut ahead: Option<DebtorLine> = None;
        let debtor = |id: i64| -> Result<Option<DebtorLine>> {
            if let Some(line) = ahead.take() {
                match line.id.cmp(&id) {
                    std::cmp::Ordering::Equal => return Ok(Some(line)),
                    std::cmp::Ordering::Greater => {
                        ahead = Some(line);
                        return Ok(None);
                    }
                    std::cmp::Ordering::Less => {}
                }
            }
            while let Some(r) = rows.next()? {
                let at: i64 = r.get(0)?;
                if at >= id {
                    let line = debtor_line(r)?;
                    if at == id {
                        return Ok(Some(line));
                    }
                    ahead = Some(line);
                    return Ok(None);
                }
            }
            Ok(None)
        };
        merge_accounts(owed, debtor, &side, today, room, make)
    };
    match conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from) {
        Some(path) => std::thread::scope(|scope| {
            let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<Owed>>(8);
            let folding = scope.spawn(move || {
                let reader = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                // It reads the index once, front to back: a page cache (2 MB by default)
                // would only add to the desk's peak memory.
                reader.pragma_update(None, "cache_size", -256)?;
                // A send fails only when the merge has stopped on an error of its own.
                fold_open(&reader, today, cap_days, None, &mut |chunk| chunks.send(chunk).is_ok())
            });
            let merged = merge(&mut received.into_iter().flatten());
            let folded = folding.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // A fold that failed part way leaves the merge short: its error comes first.
            folded?;
            merged
        }),
        None => {
            let mut owed = Vec::new();
            fold_open(conn, today, cap_days, None, &mut |chunk| {
                owed.extend(chunk);
                true
            })?;
            merge(&mut owed.into_iter())
        }
    }
}

/// `account_facts_with` for the debtors `ids` only (ascending), from side facts already
/// read: each debtor's row and open invoices are looked up by id, so a few thousand accounts
/// cost a small part of the whole book's scan. Run it inside a `read_snapshot`.
pub fn account_facts_of<T>(
    conn: &Connection,
    side: &SideFacts,
    ids: &[i64],
    today: NaiveDate,
    cap_days: i64,
    make: impl FnMut(AccountFacts) -> T,
) -> Result<Vec<T>> {
    let mut owed = Vec::with_capacity(ids.len());
    fold_open(conn, today, cap_days, Some(ids), &mut |chunk| {
        owed.extend(chunk);
        true
    })?;
    let mut stmt = conn.prepare_cached(&format!("{DEBTOR_COLUMNS} WHERE id = ?1"))?;
    let debtor = |id: i64| -> Result<Option<DebtorLine>> {
        let mut rows = stmt.query([id])?;
        rows.next()?.map(debtor_line).transpose()
    };
    merge_accounts(&mut owed.into_iter(), debtor, side, today, ids.len(), make)
}

/// One read transaction around many small queries. Alone, each query takes and drops the
/// WAL read lock (two `fcntl` calls and an `fstat`), which costs more than the lookup by id
/// it does. Ended (nothing was written) when dropped; inside a transaction already, it is
/// that one.
pub struct ReadSnapshot<'a>(#[allow(dead_code)] Option<rusqlite::Transaction<'a>>);

pub fn read_snapshot(conn: &Connection) -> Result<ReadSnapshot<'_>> {
    Ok(ReadSnapshot(if conn.is_autocommit() { Some(conn.unchecked_transaction()?) } else { None }))
}

/// Each debtor that owes (in ascending id order, from the fold) becomes an account: its
/// debtor row, then what the smaller tables say of it. Closed debtors are left out.
fn merge_accounts<T>(
    owed: &mut dyn Iterator<Item = Owed>,
    mut debtor: impl FnMut(i64) -> Result<Option<DebtorLine>>,
    side: &SideFacts,
    today: NaiveDate,
    room: usize,
    mut make: impl FnMut(AccountFacts) -> T,
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(room);
    let mut cursor = SideCursor::default();
    let ninety_ago = today.checked_sub_days(Days::new(90)).unwrap_or(today);
    for o in owed {
        let Some(line) = debtor(o.debtor_id)? else { continue };
        if !line.active {
            continue;
        }
        let mut account = AccountFacts {
            facts: PriorityFacts {
                debtor_id: o.debtor_id,
                open_balance: o.open_balance,
                disputed: o.disputed,
                past_due: o.past_due,
                dollar_days_cents: o.dollar_days_cents,
                oldest_days_past_due: o.oldest_days_past_due,
                last_touch_on: line.last_contact_on,
                ..Default::default()
            },
            name: line.name,
            external_ref: line.external_ref,
            currency: line.currency,
            flags: line.flags,
        };
        side.merge_into(&mut cursor, &mut account, ninety_ago);
        out.push(make(account));
    }
    Ok(out)
}

struct DebtorLine {
    id: i64,
    name: String,
    external_ref: Option<String>,
    currency: String,
    active: bool,
    last_contact_on: Option<NaiveDate>,
    flags: DebtorFlags,
}

const DEBTOR_COLUMNS: &str = "SELECT id, name, external_ref, currency, status = 'active', last_contact_at,
        cease_contact, attorney, bankruptcy, deceased, do_not_call, email_opt_out
    FROM debtor";

fn debtor_line(r: &rusqlite::Row<'_>) -> Result<DebtorLine> {
    let touched = r.get_ref(5)?.as_str_or_null().map_err(rusqlite::Error::from)?;
    Ok(DebtorLine {
        id: r.get(0)?,
        name: r.get(1)?,
        external_ref: r.get(2)?,
        currency: r.get(3)?,
        active: r.get(4)?,
        last_contact_on: touched.and_then(|s| s.get(..10)).and_then(parse_iso_date),
        flags: super::debtors::flags_at(r, 6)?,
    })
}

/// What the smaller tables say about each debtor (promises, follow-ups, plans, holds),
/// each list in debtor order. Read once, it serves the whole ranking or the first page's.
#[derive(Default)]
pub struct SideFacts {
    follow_ups: Vec<(i64, NaiveDate)>,
    /// (debtor, due, status as judged today)
    promises: Vec<(i64, NaiveDate, PromiseStatus)>,
    /// (debtor, earliest missed due date, the day the latest one was missed, how many), per plan
    missed_installments: Vec<(i64, NaiveDate, NaiveDate, u32)>,
    /// The later of a debtor's holds is the one shown: the order read is kept.
    holds: Vec<(i64, String)>,
}

pub fn side_facts(conn: &Connection, today: NaiveDate, grace_days: u32, misses_to_break: u32) -> Result<SideFacts> {
    let today_s = date(today);
    let mut side = SideFacts::default();
    let mut stmt =
        conn.prepare_cached("SELECT debtor_id, min(due_on) FROM follow_up WHERE done_at IS NULL GROUP BY debtor_id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        side.follow_ups.push((r.get(0)?, parse_date_ref(r, 1)?));
    }
    drop(rows);

    let year_ago = date(today.checked_sub_days(Days::new(365)).unwrap_or(today));
    let mut stmt = conn.prepare_cached(
        "SELECT debtor_id, due_on, status, amount_cents, paid_cents FROM promise
         WHERE due_on >= ?1 AND status <> 'cancelled'",
    )?;
    let mut rows = stmt.query([year_ago])?;
    while let Some(r) = rows.next()? {
        let due = parse_date_ref(r, 1)?;
        let status = match get_code(r, 2, PromiseStatus::parse)? {
            PromiseStatus::Pending => evaluate_promise(Money(r.get(3)?), due, Money(r.get(4)?), today, grace_days),
            stored => stored,
        };
        side.promises.push((r.get(0)?, due, status));
    }
    drop(rows);

    // Judged by the one rule (`judge_plan`): a broken plan's misses before the break count,
    // the installments after it are cancelled; a replaced, completed or cancelled plan is history.
    for plan in super::live_plans(conn)? {
        if let Some((count, first_due, last_grace_day)) =
            missed_for_worklist(plan.life(), &plan.schedule(), today, misses_to_break)
        {
            side.missed_installments.push((plan.debtor_id, first_due, last_grace_day, count));
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT debtor_id FROM dispute WHERE status = 'open' AND invoice_id IS NULL GROUP BY debtor_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        side.holds.push((r.get(0)?, "whole account disputed, awaiting verification".into()));
    }
    drop(rows);

    let mut stmt = conn.prepare_cached(
        "SELECT debtor_id, reason, ends_on FROM hold
         WHERE invoice_id IS NULL AND released_at IS NULL AND starts_on <= ?1 AND (ends_on IS NULL OR ends_on >= ?1)",
    )?;
    let mut rows = stmt.query([&today_s])?;
    while let Some(r) = rows.next()? {
        let reason: String = r.get(1)?;
        let text = match get_opt_date(r, 2)? {
            Some(end) => format!("{reason} until {end}"),
            None => reason,
        };
        side.holds.push((r.get(0)?, text));
    }
    // Stable sorts: within a debtor the order read stays.
    side.follow_ups.sort_by_key(|f| f.0);
    side.promises.sort_by_key(|p| p.0);
    side.missed_installments.sort_by_key(|m| m.0);
    side.holds.sort_by_key(|h| h.0);
    Ok(side)
}

/// Where the merge has got to in each of the side lists; debtors are asked for in
/// ascending order, so each list is walked once.
#[derive(Default)]
struct SideCursor {
    follow_ups: usize,
    promises: usize,
    missed_installments: usize,
    holds: usize,
}

/// The entries of `list` (in debtor order) for debtor `id`, from `at` on.
fn entries_of<'s, E>(list: &'s [E], at: &mut usize, id: i64, debtor: impl Fn(&E) -> i64) -> &'s [E] {
    while list.get(*at).is_some_and(|e| debtor(e) < id) {
        *at += 1;
    }
    let start = *at;
    while list.get(*at).is_some_and(|e| debtor(e) == id) {
        *at += 1;
    }
    &list[start..*at]
}

impl SideFacts {
    /// Every debtor (ascending, once) that something here may lift into `tier` or above
    /// (`priority::lifts_to`): a superset of the accounts the full ranking puts there.
    pub fn may_reach(&self, tier: Tier, today: NaiveDate, w: &PriorityWeights) -> Vec<i64> {
        let reaches = |lift| lifts_to(lift, today, w).is_some_and(|t| t <= tier);
        let promises = self.promises.iter().filter(|p| reaches(Lift::Promise { status: p.2, due: p.1 })).map(|p| p.0);
        let follow_ups = self.follow_ups.iter().filter(|f| reaches(Lift::FollowUp { due: f.1 })).map(|f| f.0);
        let missed = self.missed_installments.iter().filter(|_| reaches(Lift::MissedInstallment)).map(|m| m.0);
        let mut ids: Vec<i64> = promises.chain(follow_ups).chain(missed).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn merge_into(&self, at: &mut SideCursor, a: &mut AccountFacts, ninety_ago: NaiveDate) {
        let id = a.facts.debtor_id;
        let f = &mut a.facts;
        if let Some(&(_, on)) = entries_of(&self.follow_ups, &mut at.follow_ups, id, |e| e.0).last() {
            f.follow_up_on = Some(on);
        }
        for &(_, due, status) in entries_of(&self.promises, &mut at.promises, id, |e| e.0) {
            f.promises_12m += 1;
            match status {
                PromiseStatus::Kept => f.kept_promises_12m += 1,
                PromiseStatus::Pending => f.promise_due_on = Some(f.promise_due_on.map_or(due, |d| d.min(due))),
                PromiseStatus::Broken | PromiseStatus::PartlyKept => {
                    if due >= ninety_ago {
                        f.broken_promises_90d += 1;
                    }
                    // A broken promise rises until the collector has been in touch after it.
                    if f.last_touch_on.is_none_or(|t| t <= due) {
                        f.broken_promise_on = Some(f.broken_promise_on.map_or(due, |d| d.max(due)));
                    }
                }
                PromiseStatus::Cancelled => {}
            }
        }
        for &(_, first_due, last_grace_day, count) in
            entries_of(&self.missed_installments, &mut at.missed_installments, id, |e| e.0)
        {
            // One entry per plan: a debtor with a live plan and a broken one has both.
            f.missed_installments += count;
            // Missed once its last day of grace has passed: a contact after that day is
            // the follow-up, and the account goes back to its place.
            if f.last_touch_on.is_none_or(|t| t <= last_grace_day) {
                f.installment_missed_on = Some(f.installment_missed_on.map_or(first_due, |d| d.min(first_due)));
            }
        }
        if let Some((_, text)) = entries_of(&self.holds, &mut at.holds, id, |e| e.0).last() {
            f.hold = Some(text.clone());
        }
        // A broken promise renegotiated into a new pending one no longer needs chasing.
        if f.promise_due_on.is_some() {
            f.broken_promise_on = None;
        }
        if let Some(flag) = a.flags.blocking() {
            f.hold = Some(flag.to_string());
        }
    }
}

/// What one debtor's open invoices add up to.
struct Owed {
    debtor_id: i64,
    open_balance: Money,
    disputed: Money,
    past_due: Money,
    dollar_days_cents: i128,
    oldest_days_past_due: i64,
}

/// Accounts handed over at a time by the fold.
const CHUNK: usize = 2048;

/// Open invoices folded per debtor with the domain's own formula: no per-row date functions
/// in SQL, no table reads. Rows come in debtor order.
struct Fold<'a> {
    today: NaiveDate,
    cap_days: i64,
    aside: &'a Aside,
    current: Option<(Owed, Option<NaiveDate>)>,
    done: Vec<Owed>,
}

/// Invoice → its open disputes (each all of it, or an amount) and whether a hold sets it
/// aside. One lookup per open invoice, with a fast hash: the fold's hottest step on a book
/// with disputes.
type Aside = HashMap<i64, (Vec<Option<Money>>, bool), foldhash::fast::RandomState>;

impl Fold<'_> {
    fn add(&mut self, r: &rusqlite::Row<'_>) -> Result<()> {
        let id: i64 = r.get(0)?;
        let due = parse_date_ref(r, 1)?;
        let balance = Money(r.get(2)?);
        // Most books have few disputes and holds: no hashing per row when there are none.
        let aside = match (!self.aside.is_empty()).then(|| r.get::<_, i64>(3)).transpose()? {
            Some(invoice) => self.aside.get(&invoice),
            None => None,
        };
        let (held, disputed) = match aside {
            Some((disputes, on_hold)) => {
                // A hold sets the whole invoice aside, as a whole-invoice dispute would.
                let held = held_back(balance, disputes.iter().copied().chain(on_hold.then_some(None)));
                // Disputes alone (not holds) bound what a payment plan may cover.
                (held, held_back(balance, disputes.iter().copied()))
            }
            None => (Money::ZERO, Money::ZERO),
        };
        let in_collection = balance - held;
        if self.current.as_ref().is_some_and(|(c, _)| c.debtor_id != id) {
            self.close();
        }
        let (o, oldest) = self.current.get_or_insert_with(|| {
            let zero = Money::ZERO;
            let owed = Owed {
                debtor_id: id,
                open_balance: zero,
                disputed: zero,
                past_due: zero,
                dollar_days_cents: 0,
                oldest_days_past_due: 0,
            };
            (owed, None)
        });
        o.open_balance += balance;
        o.disputed += disputed;
        if in_collection.is_positive() {
            *oldest = Some(oldest.map_or(due, |d| d.min(due)));
            if due < self.today {
                o.past_due += in_collection;
                o.dollar_days_cents += dollar_days_cents([(due, in_collection)], self.today, self.cap_days);
            }
        }
        Ok(())
    }

    /// The debtor folded so far is done; it counts if it owes anything.
    fn close(&mut self) {
        let Some((mut o, oldest)) = self.current.take() else { return };
        if o.open_balance.is_positive() {
            o.oldest_days_past_due = oldest.map_or(0, |d| (self.today - d).num_days());
            self.done.push(o);
        }
    }
}

/// Every debtor's open invoices (`None`: streamed from their covering index in debtor order),
/// or those of `ids` (ascending), each read through the same index; handed to `emit` a chunk
/// at a time, until it says stop.
fn fold_open(
    conn: &Connection,
    today: NaiveDate,
    cap_days: i64,
    ids: Option<&[i64]>,
    emit: &mut dyn FnMut(Vec<Owed>) -> bool,
) -> Result<()> {
    // A disputed invoice stays owed but its disputed part leaves collection until the dispute
    // is resolved (all of it, or only the amount disputed); so does an invoice a hold sets
    // aside, all of it, until the hold ends.
    let mut aside = Aside::default();
    for (invoice, disputes) in super::open_invoice_disputes(conn, None)? {
        aside.insert(invoice, (disputes, false));
    }
    for invoice in super::held_invoices(conn, today)? {
        aside.entry(invoice).or_default().1 = true;
    }
    let mut fold = Fold { today, cap_days, aside: &aside, current: None, done: Vec::with_capacity(CHUNK) };
    const OPEN: &str = "SELECT debtor_id, due_on, balance_cents, id FROM invoice INDEXED BY invoice_open
         WHERE status = 'open'";
    match ids {
        None => {
            let mut stmt = conn.prepare_cached(&format!("{OPEN} ORDER BY debtor_id"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                fold.add(r)?;
                if fold.done.len() >= CHUNK && !emit(std::mem::replace(&mut fold.done, Vec::with_capacity(CHUNK))) {
                    return Ok(());
                }
            }
        }
        Some(ids) => {
            let mut stmt = conn.prepare_cached(&format!("{OPEN} AND debtor_id = ?1"))?;
            for id in ids {
                let mut rows = stmt.query([id])?;
                while let Some(r) = rows.next()? {
                    fold.add(r)?;
                }
            }
        }
    }
    fold.close();
    emit(fold.done);
    Ok(())
}

/// Debtors whose name, customer reference or an invoice number contains `query`.
pub fn search_debtors(conn: &Connection, query: &str) -> Result<Vec<i64>> {
    let escaped: String = query
        .trim()
        .chars()
        .flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] })
        .collect();
    let pattern = format!("%{escaped}%");
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM debtor WHERE name LIKE ?1 ESCAPE '\\' OR external_ref LIKE ?1 ESCAPE '\\'
         UNION
         SELECT debtor_id FROM invoice WHERE number LIKE ?1 ESCAPE '\\'",
    )?;
    let ids = stmt.query_map([pattern], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}
