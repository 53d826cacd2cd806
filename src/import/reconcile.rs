//! The diff between an export and the book, computed before anything is written:
//! new and changed customers, new invoices, changed balances, invoices paid or closed
//! in the ledger, vanished invoices, and the billing discrepancies worth a look.

use compact_str::CompactString;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use chrono::NaiveDate;
use serde::Serialize;

use super::read::ContactRow;

pub(crate) type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use super::book_index::{BookIndex, Run};
use super::first_lines::FirstLines;
use super::read::{ItemKind, LedgerRow};
use crate::domain::{ContactKind, Money};

/// An invoice the book already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingInvoice {
    pub id: i64,
    pub debtor_id: i64,
    /// Held in place up to 24 bytes (most invoice numbers): a re-import loads a million of
    /// these before it can reconcile a row, and one allocation each was a tenth of that.
    pub number: compact_str::CompactString,
    pub kind: ItemKind,
    pub balance: Money,
    pub open: bool,
}

/// What the book holds that an import is reconciled against.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// Lower-cased name → debtor id; reference → debtor id. (A fast hash: a book of 100k
    /// debtors fills these two maps before a re-import can reconcile a row.) `by_ref` and
    /// `debtors` say the same: a debtor found by its reference has it (references are
    /// UNIQUE in the book, and every change to one is made to both).
    /// Held in place up to 24 bytes, as the invoices' numbers are.
    pub by_name: FoldMap<CompactString, i64>,
    pub by_ref: FoldMap<CompactString, i64>,
    /// The book's debtors by id, as read (in id order, so made without hashing 100k ids):
    /// their names as the book spells them ([`Existing::name_of`]) and their references
    /// ([`Existing::reference_of`]), and the debtor after one found, for the next customer
    /// of a file that lists them in the book's order.
    pub debtors: Vec<BookDebtor>,
    pub invoices: Vec<ExistingInvoice>,
}

/// One of the book's debtors, as an import matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookDebtor {
    pub id: i64,
    /// As the book spells it.
    pub name: CompactString,
    pub reference: Option<CompactString>,
}

/// A customer's name as names are matched: lower case, exactly as `str::to_lowercase` makes
/// it. (compact_str's own lower-casing, quicker, agrees on ASCII; on a word-final Σ after
/// sixteen ASCII bytes it does not.)
pub fn name_key(name: &str) -> CompactString {
    match name.is_ascii() {
        // Lowered where it was copied (in place, for a name of up to 24 bytes).
        true => {
            let mut key = CompactString::from(name);
            key.make_ascii_lowercase();
            key
        }
        false => name.to_lowercase().into(),
    }
}

impl Existing {
    /// The name of debtor `id` as the book spells it.
    pub fn name_of(&self, id: i64) -> Option<&str> {
        Some(self.debtors[self.place_of(id)?].name.as_str())
    }

    /// The reference debtor `id` holds, if any.
    pub fn reference_of(&self, id: i64) -> Option<&str> {
        self.debtors[self.place_of(id)?].reference.as_deref()
    }

    /// Give debtor `id` its reference `r`.
    pub fn set_reference(&mut self, id: i64, r: &str) {
        if let Some(at) = self.place_of(id) {
            self.debtors[at].reference = Some(r.into());
        }
        self.by_ref.insert(r.into(), id);
    }

    /// A debtor new to the book, in its place by id.
    pub fn add_debtor(&mut self, debtor: BookDebtor) {
        if let Some(r) = &debtor.reference {
            self.by_ref.insert(r.clone(), debtor.id);
        }
        let at = self.debtors.partition_point(|d| d.id < debtor.id);
        self.debtors.insert(at, debtor);
    }

    /// Where debtor `id` is in [`Existing::debtors`]: at once while ids have no gap before it.
    fn place_of(&self, id: i64) -> Option<usize> {
        let first = self.debtors.first()?.id;
        let guess = id.checked_sub(first).and_then(|d| usize::try_from(d).ok());
        match guess.and_then(|at| self.debtors.get(at)) {
            Some(d) if d.id == id => guess,
            _ => self.debtors.binary_search_by_key(&id, |d| d.id).ok(),
        }
    }

    /// The debtor a row names: by its customer reference, else by name. A row with a
    /// reference never lands by name on a debtor that has another: two customers may share
    /// a name (two Victor Thomases), never an account number.
    pub fn debtor_for(&self, row_name: &str, row_ref: Option<&str>) -> Option<i64> {
        self.find_debtor(row_name, row_ref, None).map(|(id, _)| id)
    }

    /// [`Existing::debtor_for`], and whether the debtor was found by its reference. The name
    /// is lowered and looked up only when the reference did not answer: each lookup in a
    /// map of 100k debtors is a wait on memory, once a customer.
    /// `after`: the place of the debtor found before, whose next in the book is asked first
    /// (the reference it holds is the one `by_ref` would answer: references are UNIQUE).
    fn find_debtor(&self, row_name: &str, row_ref: Option<&str>, after: Option<usize>) -> Option<(i64, bool)> {
        if let (Some(r), Some(next)) = (row_ref, after.and_then(|at| self.debtors.get(at + 1)))
            && next.reference.as_deref() == Some(r)
        {
            debug_assert_eq!(self.by_ref.get(r), Some(&next.id));
            return Some((next.id, true));
        }
        let by_name = || self.by_name.get(&name_key(row_name)).copied();
        match row_ref {
            Some(r) => match self.by_ref.get(r) {
                Some(&id) => {
                    debug_assert_eq!(self.reference_of(id), Some(r));
                    Some((id, true))
                }
                None => by_name().filter(|&id| self.reference_of(id).is_none()).map(|id| (id, false)),
            },
            None => by_name().map(|id| (id, false)),
        }
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

/// A list of which a report shows the first few: a million new invoices are counted, not
/// kept (`first` holds at most [`Listed::KEPT`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed<T> {
    pub total: usize,
    pub first: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed { total: 0, first: Vec::new() }
    }
}

impl<T> Listed<T> {
    pub const KEPT: usize = 100;

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.first.iter()
    }

    /// Count one more, keeping it (made by `item`) if there is room: its place in `first`.
    fn count(&mut self, item: impl FnOnce() -> T) -> Option<usize> {
        self.total += 1;
        (self.first.len() < Self::KEPT).then(|| {
            self.first.push(item());
            self.first.len() - 1
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportPlan {
    /// A first import names a hundred thousand: counted, the first few kept.
    pub new_customers: Listed<String>,
    /// (customer, what changed)
    pub changed_customers: Vec<(String, String)>,
    pub new_invoices: Listed<LedgerRow>,
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

/// The debtor a row belongs to: one the book holds, or the `n`th new one of this import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DebtorOf {
    Book(i64),
    New(usize),
}

/// A customer the book does not hold yet, as its first row names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: CompactString,
    pub reference: Option<CompactString>,
    pub currency: Option<CompactString>,
}

/// A receivable the book does not hold yet. A row the file repeats comes again (the later
/// row wins): writing it must replace what the earlier one wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewRow<'r> {
    pub debtor: DebtorOf,
    pub row: &'r LedgerRow,
    /// An earlier row of the file may have had this key (a 64-bit hash said so): it is to
    /// replace what that row wrote.
    pub repeats: bool,
}

/// The rows of a batch that are new to the book ([`NewRow`]), left in the list they were
/// read into: moving each into a list of its own cost the reading thread a tenth of its time
/// (a million rows of 160 bytes written to memory not yet in the cache).
#[derive(Debug, Default)]
pub struct NewRows {
    rows: Vec<LedgerRow>,
    found: Vec<Found>,
}

/// What reconciling found of a new row: whose it is, and whether it repeats one before.
#[derive(Debug, Clone, Copy)]
struct Found {
    debtor: DebtorOf,
    repeats: bool,
}

impl NewRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, at: usize) -> NewRow<'_> {
        let Found { debtor, repeats } = self.found[at];
        NewRow { debtor, row: &self.rows[at], repeats }
    }

    pub fn iter(&self) -> impl Iterator<Item = NewRow<'_>> {
        (self.rows.iter().zip(&self.found)).map(|(row, f)| NewRow { debtor: f.debtor, row, repeats: f.repeats })
    }
}

/// How many rows ahead the table of new keys is asked for the slot a key will probe: about
/// as many as are reconciled while memory answers.
const PREFETCH_AHEAD: usize = 16;

/// What the file said of one of the book's invoices.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    /// The first and the last row that listed it (0: none did).
    first: u32,
    last: u32,
    balance: Money,
}

/// Reconciles an export against the book batch by batch, as the file is read: new
/// customers and invoices come out at once (to be written), and what the file says of the
/// book's own invoices is kept, one small entry per invoice, for [`Reconciler::finish`]
/// (a later row of the file may still change it, and only the whole file says what vanished).
///
/// Runs once per row of a file that may hold a million: a row of the same customer as the
/// row before resolves without a lookup, and the maps use a fast hasher (nothing here is
/// keyed by untrusted input an attacker could shape against it: the file is the collector's
/// own export). New receivables are remembered by a 64-bit hash of their key, only to report
/// a repeat; the book's UNIQUE key, not this hash, decides what is written.
pub struct Reconciler<'b> {
    existing: &'b Existing,
    book: BookIndex,
    /// The run of the book debtor of the row before (a customer's rows come together).
    run: Option<(i64, Run)>,
    seen: Vec<Seen>,
    /// The row's spelling of the customer, for the book's invoices whose balance it changes.
    spelled: FoldMap<usize, CompactString>,
    lowered: FoldMap<CompactString, u32>,
    new_debtors: Vec<NewCustomer>,
    new_by_name: FoldMap<u32, usize>,
    new_by_ref: FoldMap<String, usize>,
    /// The first row of each new receivable, by key hash: one small entry a row (the last
    /// row and the place among the kept examples are kept apart, for the few that have one).
    new_keys: FirstLines,
    new_repeated: FoldMap<u64, u32>,
    new_kept: FoldMap<u64, u32>,
    key_hasher: foldhash::quality::FixedState,
    /// Book debtors without a reference that this file gives one.
    linked: FoldMap<i64, String>,
    /// (debtor, reference) for book debtors the file gives a new reference.
    new_refs: Vec<(i64, String)>,
    /// The customer of the row before: (spelling, reference, debtor).
    previous: Option<(CompactString, Option<CompactString>, DebtorOf)>,
    /// The place among the book's debtors of the one found last ([`Existing::debtors`]).
    last_found: Option<usize>,
    plan: ImportPlan,
    rows: usize,
    newest: Option<NaiveDate>,
}

/// What reconciling a whole file found: the plan, and what writing it needs beyond the rows.
pub struct Reconciled {
    pub plan: ImportPlan,
    pub new_debtors: Vec<NewCustomer>,
    pub new_refs: Vec<(i64, String)>,
    /// Receivables read, and the newest issue or due date among them.
    pub rows: usize,
    pub newest: Option<NaiveDate>,
}

impl<'b> Reconciler<'b> {
    pub fn new(existing: &'b Existing) -> Self {
        Reconciler {
            existing,
            book: BookIndex::new(&existing.invoices),
            run: None,
            seen: vec![Seen::default(); existing.invoices.len()],
            spelled: FoldMap::default(),
            lowered: FoldMap::default(),
            new_debtors: Vec::new(),
            new_by_name: FoldMap::default(),
            new_by_ref: FoldMap::default(),
            new_keys: FirstLines::default(),
            new_repeated: FoldMap::default(),
            new_kept: FoldMap::default(),
            key_hasher: foldhash::quality::FixedState::with_seed(0x6475_6e21),
            linked: FoldMap::default(),
            new_refs: Vec::new(),
            previous: None,
            last_found: None,
            plan: ImportPlan::default(),
            rows: 0,
            newest: None,
        }
    }

    /// The file has about `rows` receivables: room for those new to the book is made at
    /// once (growing a million-entry map copies it, and holds both copies for a moment).
    pub fn expect(&mut self, rows: usize) {
        self.new_keys.reserve(rows.saturating_sub(self.existing.invoices.len()));
    }

    /// New customers so far, in the order their first rows came: [`DebtorOf::New`] indexes it.
    pub fn new_debtors(&self) -> &[NewCustomer] {
        &self.new_debtors
    }

    /// The next rows of the file: returns those that are new to the book.
    pub fn take(&mut self, mut rows: Vec<LedgerRow>) -> NewRows {
        // Whose each row is, first: the keys of the new ones are then known ahead, and the
        // slot each will probe in the table of a million new keys is fetched while the rows
        // before it are reconciled (waiting for it, row by row, was most of this loop).
        let debtors: Vec<DebtorOf> = rows.iter().map(|row| self.debtor_of(row)).collect();
        let keys: Vec<u64> = (rows.iter().zip(&debtors))
            .map(|(row, &debtor)| match debtor {
                DebtorOf::New(_) => self.key_of(debtor, row),
                // Looked for among the book's own first: hashed only if not there.
                DebtorOf::Book(_) => 0,
            })
            .collect();
        let mut found = Vec::with_capacity(rows.len());
        let existing = self.existing;
        let mut next = 0;
        rows.retain(|row| {
            let (debtor, key) = (debtors[next], keys[next]);
            if let Some(&ahead) = keys.get(next + PREFETCH_AHEAD)
                && ahead != 0
            {
                self.new_keys.prefetch(ahead);
            }
            next += 1;
            self.rows += 1;
            self.newest = self.newest.max(row.issued.max(Some(row.due)));
            let line = row.line as u32;
            let at = match debtor {
                DebtorOf::Book(id) => {
                    let run = match &mut self.run {
                        Some((of, run)) if *of == id => run,
                        slot => &mut slot.insert((id, self.book.of(id))).1,
                    };
                    self.book.find(&existing.invoices, run, row.kind, &row.number)
                }
                DebtorOf::New(_) => None,
            };
            match at {
                Some(at) => {
                    let inv = &existing.invoices[at];
                    let Seen { first, last, .. } = self.seen[at];
                    if first != 0 {
                        self.repeat(row, first, last);
                    }
                    let seen = &mut self.seen[at];
                    if seen.first == 0 {
                        seen.first = line;
                    }
                    seen.last = line;
                    seen.balance = row.balance;
                    if row.balance != inv.balance {
                        self.spelled.insert(at, row.customer.clone());
                    } else if first != 0 {
                        self.spelled.remove(&at);
                    }
                    discrepancies_of(row, &mut self.plan.discrepancies);
                    false
                }
                None => {
                    let key = if key != 0 { key } else { self.key_of(debtor, row) };
                    let first = self.new_keys.get(key);
                    match first {
                        Some(first) => {
                            let last = self.new_repeated.insert(key, line).unwrap_or(first);
                            self.repeat(row, first, last);
                            if let Some(&kept) = self.new_kept.get(&key) {
                                self.plan.new_invoices.first[kept as usize] = row.clone();
                            }
                        }
                        None => {
                            if let Some(at) = self.plan.new_invoices.count(|| row.clone()) {
                                self.new_kept.insert(key, at as u32);
                            }
                            self.new_keys.insert(key, line);
                        }
                    }
                    discrepancies_of(row, &mut self.plan.discrepancies);
                    found.push(Found { debtor, repeats: first.is_some() });
                    true
                }
            }
        });
        NewRows { rows, found }
    }

    /// The hash a new receivable is remembered by: its debtor, kind and number.
    fn key_of(&self, debtor: DebtorOf, row: &LedgerRow) -> u64 {
        self.key_hasher.hash_one((debtor, row.kind, row.number.as_str()))
    }

    /// `row` repeats the key of the rows on lines `first` (its first) and `last` (the one
    /// it replaces): the later row wins, and nothing the replaced row said is reported.
    fn repeat(&mut self, row: &LedgerRow, first: u32, last: u32) {
        self.plan.discrepancies.retain(|d| d.line != last as usize || d.what.starts_with(DUPLICATE));
        self.plan.discrepancies.push(Discrepancy {
            line: row.line,
            customer: row.customer.to_string(),
            number: row.number.to_string(),
            what: format!("{DUPLICATE} (also on line {first}); the later row wins"),
        });
    }

    /// The debtor of `row`, as committing resolves it: by reference, then by name, among
    /// the book's debtors and then the new ones; a new customer otherwise.
    fn debtor_of(&mut self, row: &LedgerRow) -> DebtorOf {
        let reference = row.customer_ref.as_deref();
        if let Some((name, r, debtor)) = &self.previous
            && *name == row.customer
            && r.as_deref() == reference
        {
            return *debtor;
        }
        let existing = self.existing;
        // A book debtor without a reference that this file gave one is that reference's.
        let in_book = existing.find_debtor(&row.customer, reference, self.last_found).filter(|(id, _)| {
            match (reference, self.linked.get(id)) {
                (Some(r), Some(linked)) => linked == r,
                _ => true,
            }
        });
        if let Some((id, _)) = in_book {
            // The one after the last, as a file in the book's order finds it, needs no search.
            self.last_found = match self.last_found {
                Some(at) if existing.debtors.get(at + 1).is_some_and(|d| d.id == id) => Some(at + 1),
                _ => existing.place_of(id),
            };
        }
        let debtor = match in_book {
            Some((id, by_ref)) => {
                // Found by its reference, the debtor has this one already.
                if let Some(new_ref) = reference
                    && !by_ref
                    && existing.reference_of(id) != Some(new_ref)
                    && !self.linked.contains_key(&id)
                {
                    self.plan
                        .changed_customers
                        .push((row.customer.to_string(), format!("customer reference now {new_ref}")));
                    self.new_refs.push((id, new_ref.to_string()));
                    self.linked.insert(id, new_ref.to_string());
                }
                DebtorOf::Book(id)
            }
            None => {
                let lower = name_key(&row.customer);
                let name_id = match self.lowered.get(&lower) {
                    Some(&id) => id,
                    None => {
                        let id = self.lowered.len() as u32;
                        self.lowered.insert(lower, id);
                        id
                    }
                };
                // As in the book: by reference, else by name unless that customer has
                // another reference.
                let by_name = self.new_by_name.get(&name_id).copied();
                let known = match reference {
                    Some(r) => {
                        self.new_by_ref.get(r).copied().or(by_name.filter(|&n| self.new_debtors[n].reference.is_none()))
                    }
                    None => by_name,
                };
                match known {
                    Some(n) => DebtorOf::New(n),
                    None => {
                        let n = self.new_debtors.len();
                        self.plan.new_customers.count(|| row.customer.to_string());
                        self.new_by_name.entry(name_id).or_insert(n);
                        if let Some(r) = reference {
                            self.new_by_ref.insert(r.to_string(), n);
                        }
                        self.new_debtors.push(NewCustomer {
                            name: row.customer.clone(),
                            reference: row.customer_ref.clone(),
                            currency: row.currency.clone(),
                        });
                        DebtorOf::New(n)
                    }
                }
            }
        };
        self.previous = Some((row.customer.clone(), row.customer_ref.clone(), debtor));
        debtor
    }

    /// The ids of the book's invoices the file has not listed (so far) that are open with a
    /// balance: those that may have vanished from the ledger ([`Reconciler::finish`]).
    pub fn unlisted_open(&self) -> Vec<i64> {
        (self.existing.invoices.iter().zip(&self.seen))
            .filter(|(inv, seen)| seen.first == 0 && inv.open && inv.balance != Money::ZERO)
            .map(|(inv, _)| inv.id)
            .collect()
    }

    /// The whole file has been read. `lists_all_open`: the export is an aging or open-items
    /// report, so an open invoice missing from it has vanished, if the import that last saw
    /// it was of the same ledger (`ours`, asked of its id, and only of those
    /// [`Reconciler::unlisted_open`] names).
    pub fn finish(mut self, lists_all_open: bool, ours: &dyn Fn(i64) -> bool) -> Reconciled {
        let existing = self.existing;
        let mut changed: Vec<(u32, BalanceChange, bool)> = Vec::new();
        for (at, (inv, seen)) in existing.invoices.iter().zip(&self.seen).enumerate() {
            let change = |customer: String, after: Money| BalanceChange {
                customer,
                number: inv.number.to_string(),
                invoice_id: inv.id,
                before: inv.balance,
                after,
            };
            if seen.first != 0 {
                if seen.balance == inv.balance {
                    self.plan.unchanged += 1;
                } else {
                    let customer = self.spelled.remove(&at).unwrap_or_default().into();
                    let paid = seen.balance == Money::ZERO && inv.open;
                    changed.push((seen.last, change(customer, seen.balance), paid));
                }
                continue;
            }
            if !lists_all_open || !inv.open || inv.balance == Money::ZERO {
                continue;
            }
            if ours(inv.id) {
                let customer = existing.name_of(inv.debtor_id).map(str::to_string).unwrap_or_default();
                self.plan.vanished.push(change(customer, Money::ZERO));
            }
        }
        // In the file's order, as the collector reads it.
        changed.sort_by_key(|(line, ..)| *line);
        for (_, change, paid) in changed {
            if paid { &mut self.plan.paid_in_ledger } else { &mut self.plan.changed_balances }.push(change);
        }
        self.plan.discrepancies.sort_by_key(|d| d.line);
        let Reconciler {
            plan,
            new_debtors,
            new_refs,
            rows,
            newest,
            book,
            seen,
            spelled,
            lowered,
            new_by_ref,
            new_keys,
            ..
        } = self;
        // An entry a row or a customer each, a million for a large file: freed elsewhere.
        crate::let_go::let_go((book, seen, spelled, lowered, new_by_ref, new_keys));
        Reconciled { plan, new_debtors, new_refs, rows, newest }
    }
}

const DUPLICATE: &str = "duplicate invoice number";

/// Reconcile `rows` (one whole export) against the book: [`Reconciler`] in one batch.
pub fn plan(rows: Vec<LedgerRow>, existing: &Existing, lists_all_open: bool, ours: &dyn Fn(i64) -> bool) -> ImportPlan {
    let mut reconciler = Reconciler::new(existing);
    reconciler.take(rows);
    reconciler.finish(lists_all_open, ours).plan
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
            plan.new_customers.count(|| row.customer.clone());
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
        out.push(Discrepancy {
            line: row.line,
            customer: row.customer.to_string(),
            number: row.number.to_string(),
            what,
        })
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
#[path = "reconcile_tests.rs"]
mod tests;
