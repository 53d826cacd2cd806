//! The worklist: accounts with an open balance, ranked by the explainable priority.

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::Serialize;

use super::{Desk, DeskError, Result};
use crate::domain::priority::{Factor, PriorityFacts, RankKey, Tier, explain, prioritise, rank_key};
use crate::domain::queue::{Queue, QueueFacts};
use crate::domain::{Bucket, Money};
use crate::store;

/// A queue, how many accounts it holds and how much (per currency).
#[derive(Debug, Clone, Serialize)]
pub struct QueueSummary {
    pub name: &'static str,
    pub what: &'static str,
    pub accounts: usize,
    pub balances: std::collections::BTreeMap<String, Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorklistRow {
    pub id: i64,
    /// Held in place up to 24 bytes, as most names, references, currencies and reasons
    /// are: the desk holds a row for every account (91k on the 100k book), and a heap
    /// allocation for each of these texts was a fifth of its memory.
    pub name: CompactString,
    pub external_ref: Option<CompactString>,
    pub currency: CompactString,
    pub balance: Money,
    pub days_past_due: i64,
    pub bucket: Bucket,
    pub last_contact: Option<NaiveDate>,
    pub next_follow_up: Option<NaiveDate>,
    pub tier: Tier,
    pub score: i64,
    pub reason: CompactString,
    pub flags: Vec<&'static str>,
    /// What the rank was computed from, for `Desk::explain`.
    #[serde(skip)]
    pub facts: PriorityFacts,
}

/// Rows in the order to work them (`priority::rank_order`). The keys are sorted, not the
/// rows (wide, and far apart in memory), and the rows are then put in order by swapping,
/// never copied into a second list.
pub(super) fn in_rank_order(mut rows: Vec<WorklistRow>) -> Vec<WorklistRow> {
    let mut keys: Vec<(RankKey, usize)> =
        rows.iter().enumerate().map(|(i, r)| (rank_key(r.tier, r.score, &r.facts), i)).collect();
    keys.sort_unstable();
    put_in_order(&mut rows, keys.into_iter().map(|(_, i)| i).collect());
    rows
}

/// Rearrange `items` so that position k holds what was at `order[k]`, by following each
/// cycle of the permutation with swaps: no second list.
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut k = start;
        while order[k] != usize::MAX {
            let from = std::mem::replace(&mut order[k], usize::MAX);
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

impl Desk {
    /// Every account with an open balance, in the order to work them.
    pub fn worklist(&self) -> Result<Vec<WorklistRow>> {
        let rows = store::account_facts_with(
            &self.conn,
            self.today(),
            self.config.promise_grace_days,
            self.config.priority.max_days,
            self.config.plan_misses_to_break,
            self.row_maker()?,
        )?;
        Ok(in_rank_order(rows))
    }

    /// An account's row: its rank and what the worklist shows beside it. The whole worklist
    /// and the first page ranked afresh (`worklist_start`) are made by this and put in order
    /// by `in_rank_order`, so they cannot differ. Each account becomes its row as the store
    /// hands it over: memory holds the rows, not the rows and every account's facts too.
    pub(super) fn row_maker(&self) -> Result<impl FnMut(store::AccountFacts) -> WorklistRow + use<'_>> {
        let today = self.today();
        let weights = &self.config.priority;
        let mut terms = store::invoice_term_notes(&self.conn, today)?;
        Ok(move |a: store::AccountFacts| {
            let p = prioritise(&a.facts, today, weights, &a.currency);
            let dpd = a.facts.oldest_days_past_due;
            WorklistRow {
                id: a.facts.debtor_id,
                name: a.name.into(),
                external_ref: a.external_ref.map(CompactString::from),
                currency: a.currency.into(),
                balance: a.facts.open_balance,
                days_past_due: dpd.max(0),
                bucket: Bucket::for_days_past_due(dpd),
                last_contact: a.facts.last_touch_on,
                next_follow_up: a.facts.follow_up_on,
                tier: p.tier,
                score: p.score,
                reason: match terms.remove(&a.facts.debtor_id) {
                    Some(note) => compact_str::format_compact!("{} · {note}", p.reason),
                    None => p.reason.into(),
                },
                flags: a.flags.labels(),
                facts: a.facts,
            }
        })
    }

    /// The worklist rows a queue admits, in worklist order.
    pub fn queue(&self, queue: Queue) -> Result<Vec<WorklistRow>> {
        let mut rows = self.worklist()?;
        let judge = self.queue_judge(&rows)?;
        rows.retain(|r| queue.admits(judge(r)));
        Ok(rows)
    }

    /// Every queue with its accounts and money per currency, for `dun queues`.
    pub fn queue_summaries(&self) -> Result<Vec<QueueSummary>> {
        let rows = self.worklist()?;
        let judge = self.queue_judge(&rows)?;
        let facts: Vec<QueueFacts> = rows.iter().map(&judge).collect();
        let mut out = Vec::new();
        for (name, what) in crate::domain::queue::NAMES {
            let queue = Queue::parse(name).map_err(|e| DeskError::invalid("queue", e))?;
            let mut summary = QueueSummary { name, what, accounts: 0, balances: Default::default() };
            for (row, f) in rows.iter().zip(&facts) {
                if queue.admits(*f) {
                    summary.accounts += 1;
                    *summary.balances.entry(row.currency.to_string()).or_insert(Money::ZERO) += row.balance;
                }
            }
            out.push(summary);
        }
        Ok(out)
    }

    fn queue_judge(&self, rows: &[WorklistRow]) -> Result<impl Fn(&WorklistRow) -> QueueFacts + use<>> {
        let today = self.today();
        // Only worth a query when some row could be unreachable at all.
        let unreachable = if rows.is_empty() { Default::default() } else { store::unreachable_debtors(&self.conn)? };
        Ok(move |r: &WorklistRow| QueueFacts {
            tier: r.tier,
            bucket: r.bucket,
            days_since_contact: r.last_contact.map(|d| (today - d).num_days()),
            reachable: !unreachable.contains(&r.id),
        })
    }

    /// Every factor behind a worklist row's rank, with its weight.
    pub fn explain(&self, row: &WorklistRow) -> Vec<Factor> {
        explain(&row.facts, self.today(), &self.config.priority, &row.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::domain::priority::dollar_days_cents;
    use crate::store;

    #[test]
    fn putting_in_order_by_swaps_agrees_with_a_copy() {
        // Every permutation of five, and a longer scrambled one.
        let mut cases: Vec<Vec<usize>> = vec![(0..40).map(|i| (i * 17 + 5) % 40).collect()];
        for n in 0..5usize.pow(5) {
            let p: Vec<usize> = (0..5).map(|d| n / 5usize.pow(d) % 5).collect();
            let mut seen = p.clone();
            seen.sort();
            if seen == (0..5).collect::<Vec<_>>() {
                cases.push(p);
            }
        }
        assert_eq!(cases.len(), 121);
        for order in cases {
            let items: Vec<String> = (0..order.len()).map(|i| format!("row {i}")).collect();
            let copied: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut swapped = items.clone();
            super::put_in_order(&mut swapped, order.clone());
            assert_eq!(swapped, copied, "{order:?}");
        }
    }

    #[test]
    fn worklist_is_ranked_by_tier_then_score() {
        let desk = demo_desk(120);
        let rows = desk.worklist().unwrap();
        assert!(!rows.is_empty());
        for pair in rows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(a.tier <= b.tier, "{} before {}", a.name, b.name);
            if a.tier == b.tier {
                assert!(a.score >= b.score);
            }
        }
        assert!(rows.iter().all(|r| r.balance.is_positive()));
    }

    /// The store's SQL aggregate and the domain's formula must agree on dollar-days.
    #[test]
    fn store_dollar_days_match_the_domain_formula() {
        let desk = demo_desk(60);
        let today = desk.today();
        let facts = store::account_facts(desk.connection(), today, 2, 365, 2).unwrap();
        for a in facts.iter().take(30) {
            let items: Vec<_> = store::open_items(desk.connection(), a.facts.debtor_id)
                .unwrap()
                .into_iter()
                .map(|i| (i.due_on, i.payable()))
                .collect();
            assert_eq!(a.facts.dollar_days_cents, dollar_days_cents(items, today, 365), "debtor {}", a.facts.debtor_id);
        }
    }
}
