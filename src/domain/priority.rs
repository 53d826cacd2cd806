//! The worklist's explainable priority (domain-rules §6, D-PRIO-2 and D-PRIO-3).
//! Tiers first (promises, call-backs, missed installments, newly overdue), then
//! dollar-days scaled by transparent factors. Every factor is reported, none hidden.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::promise::PromiseStatus;

/// Weights of the score; defaults are the specification's, overridable in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWeights {
    /// Added to the multiplier per broken promise in the last 90 days (0.25 → ×1.25 each).
    pub per_broken_promise: f64,
    /// Multiplier for reliable payers (promise-kept rate ≥ `reliable_kept_rate` over 12 months).
    pub reliable_payer: f64,
    pub reliable_kept_rate: f64,
    /// Multiplier for accounts not touched for `neglect_days` or more.
    pub neglected: f64,
    pub neglect_days: i64,
    /// Days past due are capped here so one ancient invoice does not swamp the queue.
    pub max_days: i64,
    /// "Newly delinquent, high value": oldest invoice 1..=`new_days` overdue and balance ≥ this.
    pub new_days: i64,
    pub high_value_cents: i64,
    /// A broken promise not yet followed up lifts the account to the top for this many days.
    pub broken_promise_days: i64,
    /// Added to the multiplier per plan installment missed and still unpaid (0.25 → ×1.25 each).
    pub per_missed_installment: f64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            per_broken_promise: 0.25,
            reliable_payer: 0.5,
            reliable_kept_rate: 0.9,
            neglected: 1.2,
            neglect_days: 14,
            max_days: 365,
            new_days: 7,
            high_value_cents: 100_000,
            broken_promise_days: 14,
            per_missed_installment: 0.25,
        }
    }
}

/// What the store knows about one account, already aggregated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriorityFacts {
    pub debtor_id: i64,
    pub open_balance: Money,
    /// What open disputes hold back of the open balance: the rest is what a plan may cover.
    pub disputed: Money,
    pub past_due: Money,
    /// Σ past-due balance (cents) × min(DPD, max_days) over open invoices.
    pub dollar_days_cents: i128,
    pub oldest_days_past_due: i64,
    /// Earliest pending promise date.
    pub promise_due_on: Option<NaiveDate>,
    /// Latest broken promise date not yet followed by a contact.
    pub broken_promise_on: Option<NaiveDate>,
    pub broken_promises_90d: u32,
    pub promises_12m: u32,
    pub kept_promises_12m: u32,
    pub last_touch_on: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
    /// The earliest missed installment's due date, while nobody has been in touch since the
    /// latest one was missed (as a broken promise, a contact is the follow-up).
    pub installment_missed_on: Option<NaiveDate>,
    /// Installments of the live plan past their grace and not paid in full.
    pub missed_installments: u32,
    /// A blocking hold or flag (cease, attorney, bankruptcy, deceased, hold): not to be worked.
    pub hold: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    PromiseDue,
    CallBackDue,
    // D-PRIO-2's order: promises, call-backs due, then missed installments.
    InstallmentMissed,
    NewlyOverdue,
    Standard,
    OnHold,
}

impl Tier {
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }

    /// The tier in the collector's words.
    pub fn label(self) -> &'static str {
        match self {
            Tier::PromiseDue => "promise due or broken",
            Tier::CallBackDue => "follow-up due",
            Tier::InstallmentMissed => "plan installment missed",
            Tier::NewlyOverdue => "newly overdue, large",
            Tier::Standard => "by dollar-days",
            Tier::OnHold => "not to be worked now",
        }
    }
}

/// One factor of the score, for "why is this account here".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub name: String,
    pub detail: String,
    /// Multiplier applied (1.0 for the base).
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    pub tier: Tier,
    /// Whole currency units × days, after the factors.
    pub score: i64,
    pub reason: String,
}

/// The multipliers that apply to one account; shared by the score and its explanation.
struct Multipliers {
    broken: Option<f64>,
    missed: Option<f64>,
    reliable: Option<f64>,
    neglected: Option<f64>,
    untouched_days: Option<i64>,
}

impl Multipliers {
    fn of(f: &PriorityFacts, today: NaiveDate, w: &PriorityWeights) -> Multipliers {
        let broken = (f.broken_promises_90d > 0).then(|| 1.0 + w.per_broken_promise * f64::from(f.broken_promises_90d));
        let missed =
            (f.missed_installments > 0).then(|| 1.0 + w.per_missed_installment * f64::from(f.missed_installments));
        let reliable = (f.promises_12m > 0
            && f64::from(f.kept_promises_12m) / f64::from(f.promises_12m) >= w.reliable_kept_rate)
            .then_some(w.reliable_payer);
        let untouched_days = f.last_touch_on.map(|d| (today - d).num_days());
        let neglected = untouched_days.is_none_or(|days| days >= w.neglect_days).then_some(w.neglected);
        Multipliers { broken, missed, reliable, neglected, untouched_days }
    }

    fn product(&self) -> f64 {
        [self.broken, self.missed, self.reliable, self.neglected].into_iter().flatten().product()
    }
}

/// Rank one account: its tier, its score and the short reason the worklist shows.
/// Cheap enough to run on every account of a large book; `explain` gives the detail.
pub fn prioritise(f: &PriorityFacts, today: NaiveDate, w: &PriorityWeights, currency: &str) -> Priority {
    let m = Multipliers::of(f, today, w);
    // The multiplier is a product of a handful of config weights; scaling to
    // integer thousandths keeps the score itself exact and platform-independent.
    let scaled = (m.product() * 1000.0).round() as i128;
    let score = i64::try_from(f.dollar_days_cents / 100 * scaled / 1000).unwrap_or(i64::MAX);
    let (tier, reason) = tier_and_reason(f, today, w, currency, &m);
    Priority { tier, score, reason }
}

/// Every factor of the score with its weight: the answer to "why is this account here".
pub fn explain(f: &PriorityFacts, today: NaiveDate, w: &PriorityWeights, currency: &str) -> Vec<Factor> {
    let m = Multipliers::of(f, today, w);
    let mut factors = vec![Factor {
        name: "dollar-days".into(),
        detail: format!("{} past due, oldest {} days", f.past_due.display(currency), f.oldest_days_past_due.max(0)),
        weight: 1.0,
    }];
    if let Some(weight) = m.broken {
        factors.push(Factor {
            name: "broken promises".into(),
            detail: format!("{} in the last 90 days", f.broken_promises_90d),
            weight,
        });
    }
    if let Some(weight) = m.missed {
        let first = f.installment_missed_on.map(|d| format!(", the first due {d}")).unwrap_or_default();
        factors.push(Factor {
            name: "missed installments".into(),
            detail: format!("{} of the plan past grace and unpaid{first}", f.missed_installments),
            weight,
        });
    }
    if let Some(weight) = m.reliable {
        factors.push(Factor {
            name: "reliable payer".into(),
            detail: format!("kept {} of {} promises in 12 months", f.kept_promises_12m, f.promises_12m),
            weight,
        });
    }
    if let Some(weight) = m.neglected {
        factors.push(Factor { name: "neglected".into(), detail: untouched(m.untouched_days), weight });
    }
    factors
}

fn untouched(days: Option<i64>) -> String {
    match days {
        Some(days) => format!("untouched {days} days"),
        None => "never contacted".into(),
    }
}

fn tier_and_reason(
    f: &PriorityFacts,
    today: NaiveDate,
    w: &PriorityWeights,
    currency: &str,
    m: &Multipliers,
) -> (Tier, String) {
    if let Some(hold) = &f.hold {
        return (Tier::OnHold, format!("on hold: {hold}"));
    }
    if let Some(broken) = f.broken_promise_on.filter(|d| (today - *d).num_days() <= w.broken_promise_days) {
        return (Tier::PromiseDue, format!("promise broken {}", short_date(broken, today)));
    }
    if let Some(due) = f.promise_due_on.filter(|d| *d <= today) {
        let when = if due == today { "today".to_string() } else { short_date(due, today) };
        return (Tier::PromiseDue, format!("promise due {when}"));
    }
    if let Some(due) = f.follow_up_on.filter(|d| *d <= today) {
        let reason = match (today - due).num_days() {
            0 => "follow-up due today".to_string(),
            n => format!("follow-up {n}d overdue"),
        };
        return (Tier::CallBackDue, reason);
    }
    if let Some(missed) = f.installment_missed_on {
        return (Tier::InstallmentMissed, format!("installment missed {}", short_date(missed, today)));
    }
    // A promise not yet due is waited for: the account sits with the held ones until its date.
    if let Some(due) = f.promise_due_on.filter(|d| *d > today) {
        return (Tier::OnHold, format!("promise due {due}: wait for it"));
    }
    if (1..=w.new_days).contains(&f.oldest_days_past_due) && f.open_balance.cents() >= w.high_value_cents {
        return (Tier::NewlyOverdue, format!("newly overdue {}", f.open_balance.display(currency)));
    }
    if !f.past_due.is_positive() {
        return (Tier::Standard, "not yet due".into());
    }
    // The dominant factor: the strongest multiplier above 1, else the base.
    let broken = m.broken.unwrap_or(0.0);
    let neglected = m.neglected.unwrap_or(0.0);
    let missed = m.missed.unwrap_or(0.0);
    let reason = if missed > 1.0 && missed >= broken && missed >= neglected {
        match f.missed_installments {
            1 => "1 plan installment missed".to_string(),
            n => format!("{n} plan installments missed"),
        }
    } else if broken > 1.0 && broken >= neglected {
        match f.broken_promises_90d {
            1 => "1 broken promise (90d)".to_string(),
            n => format!("{n} broken promises (90d)"),
        }
    } else if neglected > 1.0 {
        untouched(m.untouched_days)
    } else {
        format!("{} × {}d", f.past_due.display(currency), f.oldest_days_past_due)
    };
    (Tier::Standard, reason)
}

fn short_date(d: NaiveDate, today: NaiveDate) -> String {
    let days = (today - d).num_days();
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=30 => format!("{days}d ago"),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// What can lift an account above the dollar-days tiers (D-PRIO-2 1–3): one of its promises
/// (its status as judged today), an open follow-up, or a plan installment missed and not yet
/// followed up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lift {
    Promise { status: PromiseStatus, due: NaiveDate },
    FollowUp { due: NaiveDate },
    MissedInstallment,
}

/// The highest tier `lift` alone can put its account in. Whatever else is true of the
/// account (a hold, a contact since, a newer promise, its invoices) can only keep it lower,
/// never lift it higher: so every account ranked in tier `t` or above has a lift reaching
/// `t`, and those accounts can be found, and ranked exactly, without reading the rest of the
/// book. It follows `tier_and_reason`, and a test holds the two together.
pub fn lifts_to(lift: Lift, today: NaiveDate, w: &PriorityWeights) -> Option<Tier> {
    match lift {
        Lift::Promise { status: PromiseStatus::Pending, due } => (due <= today).then_some(Tier::PromiseDue),
        Lift::Promise { status: PromiseStatus::Broken | PromiseStatus::PartlyKept, due } => {
            ((today - due).num_days() <= w.broken_promise_days).then_some(Tier::PromiseDue)
        }
        Lift::Promise { status: PromiseStatus::Kept | PromiseStatus::Cancelled, .. } => None,
        Lift::FollowUp { due } => (due <= today).then_some(Tier::CallBackDue),
        Lift::MissedInstallment => Some(Tier::InstallmentMissed),
    }
}

/// Worklist order: tier, then score (high first), then the account touched longest ago
/// (never touched first), then the lowest id, so the order is stable.
pub fn rank_order(a: (&Priority, &PriorityFacts), b: (&Priority, &PriorityFacts)) -> std::cmp::Ordering {
    rank_key(a.0.tier, a.0.score, a.1).cmp(&rank_key(b.0.tier, b.0.score, b.1))
}

/// `rank_order` as one value to sort by (compared field by field, in that order).
pub type RankKey = (Tier, std::cmp::Reverse<i64>, Option<NaiveDate>, i64);

pub fn rank_key(tier: Tier, score: i64, f: &PriorityFacts) -> RankKey {
    (tier, std::cmp::Reverse(score), f.last_touch_on, f.debtor_id)
}

/// Σ past-due balance × min(DPD, cap), in cents·days. The store's aggregate query
/// computes the same sum; a store test holds the two together.
pub fn dollar_days_cents(items: impl IntoIterator<Item = (NaiveDate, Money)>, today: NaiveDate, cap: i64) -> i128 {
    items
        .into_iter()
        .map(|(due, bal)| {
            let dpd = (today - due).num_days();
            if dpd > 0 && bal.is_positive() { i128::from(bal.cents()) * i128::from(dpd.min(cap)) } else { 0 }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Issue 4: an account with a promise not yet due waits in the held queue until its date.
    #[test]
    fn a_promise_not_yet_due_is_waited_for() {
        let today = d("2026-11-22");
        let w = PriorityWeights::default();
        let f = PriorityFacts {
            open_balance: Money(50_000),
            past_due: Money(50_000),
            oldest_days_past_due: 60,
            promise_due_on: Some(d("2026-11-25")),
            ..Default::default()
        };
        let p = prioritise(&f, today, &w, "USD");
        assert_eq!((p.tier, p.reason.as_str()), (Tier::OnHold, "promise due 2026-11-25: wait for it"));
        let due = PriorityFacts { promise_due_on: Some(today), ..f.clone() };
        assert_eq!(prioritise(&due, today, &w, "USD").tier, Tier::PromiseDue);
        let call_back = PriorityFacts { follow_up_on: Some(today), ..f };
        assert_eq!(prioritise(&call_back, today, &w, "USD").tier, Tier::CallBackDue, "a call-back set for today wins");
    }

    /// The worked example of D-PRIO-3: A = 162,500 ranks above B = 60,000.
    #[test]
    fn worked_example_of_the_specification() {
        let today = d("2026-06-30");
        let w = PriorityWeights::default();
        let a_items = [(d("2026-06-20"), Money(100_000)), (d("2026-05-21"), Money(300_000))];
        let a = PriorityFacts {
            debtor_id: 1,
            open_balance: Money(400_000),
            past_due: Money(400_000),
            dollar_days_cents: dollar_days_cents(a_items, today, 365),
            oldest_days_past_due: 40,
            broken_promises_90d: 1,
            last_touch_on: Some(d("2026-06-29")),
            ..Default::default()
        };
        let b = PriorityFacts {
            debtor_id: 2,
            open_balance: Money(50_000),
            past_due: Money(50_000),
            dollar_days_cents: dollar_days_cents([(d("2026-03-22"), Money(50_000))], today, 365),
            oldest_days_past_due: 100,
            last_touch_on: Some(d("2026-06-10")),
            ..Default::default()
        };
        let pa = prioritise(&a, today, &w, "USD");
        let pb = prioritise(&b, today, &w, "USD");
        assert_eq!(pa.score, 162_500);
        assert_eq!(pb.score, 60_000);
        assert_eq!(rank_order((&pa, &a), (&pb, &b)), std::cmp::Ordering::Less);
        assert_eq!(pb.reason, "untouched 20 days");
    }

    #[test]
    fn promises_and_call_backs_come_before_dollar_days() {
        let today = d("2026-11-22");
        let w = PriorityWeights::default();
        let big = PriorityFacts {
            debtor_id: 1,
            past_due: Money(10_000_000),
            dollar_days_cents: 10_000_000 * 200,
            oldest_days_past_due: 200,
            last_touch_on: Some(today),
            ..Default::default()
        };
        let promise = PriorityFacts { debtor_id: 2, promise_due_on: Some(today), ..Default::default() };
        let broken = PriorityFacts { debtor_id: 3, broken_promise_on: Some(d("2026-11-21")), ..Default::default() };
        let callback = PriorityFacts { debtor_id: 4, follow_up_on: Some(d("2026-11-20")), ..Default::default() };
        let held = PriorityFacts { debtor_id: 5, hold: Some("cease contact".into()), ..big.clone() };
        let p = |f: &PriorityFacts| prioritise(f, today, &w, "USD");
        assert_eq!(p(&promise).tier, Tier::PromiseDue);
        assert_eq!(p(&promise).reason, "promise due today");
        assert_eq!(p(&broken).reason, "promise broken yesterday");
        let stale = PriorityFacts { broken_promise_on: Some(d("2026-10-01")), ..broken.clone() };
        assert_eq!(p(&stale).tier, Tier::Standard, "an old break no longer jumps the queue");
        assert_eq!(p(&callback).tier, Tier::CallBackDue);
        assert_eq!(p(&held).tier, Tier::OnHold);
        assert_eq!(p(&big).tier, Tier::Standard);
        assert_eq!(p(&big).reason, "$100,000.00 × 200d");
        assert!(p(&promise).tier < p(&big).tier);
    }

    /// A missed installment is a priority factor and, until someone is in touch after it,
    /// lifts the account above the follow-ups (as a broken promise does).
    #[test]
    fn a_missed_installment_rises_above_the_rest_after_call_backs_and_is_explained() {
        let today = d("2026-12-10");
        let w = PriorityWeights::default();
        let base = PriorityFacts {
            debtor_id: 7,
            past_due: Money(144_200),
            dollar_days_cents: 144_200 * 62,
            oldest_days_past_due: 62,
            last_touch_on: Some(d("2026-11-18")),
            ..Default::default()
        };
        let missed =
            PriorityFacts { installment_missed_on: Some(d("2026-12-01")), missed_installments: 1, ..base.clone() };
        let p = prioritise(&missed, today, &w, "USD");
        assert_eq!((p.tier, p.reason.as_str()), (Tier::InstallmentMissed, "installment missed 9d ago"));
        assert!(p.tier < prioritise(&base, today, &w, "USD").tier, "above the rest");
        // D-PRIO-2: a call-back due comes first.
        let called = PriorityFacts { follow_up_on: Some(d("2026-11-27")), ..missed.clone() };
        assert_eq!(prioritise(&called, today, &w, "USD").tier, Tier::CallBackDue);
        assert_eq!(p.score, 134_106, "89,404 dollar-days × 1.25 missed × 1.2 untouched 22 days");
        let why = explain(&missed, today, &w, "USD");
        let factor = why.iter().find(|x| x.name == "missed installments").expect("a factor");
        assert_eq!(
            (factor.weight, factor.detail.as_str()),
            (1.25, "1 of the plan past grace and unpaid, the first due 2026-12-01")
        );
        // Followed up: the tier ends; the factor stays.
        let followed = PriorityFacts { installment_missed_on: None, ..missed };
        assert_eq!(prioritise(&followed, today, &w, "USD").tier, Tier::Standard);
        assert!(explain(&followed, today, &w, "USD").iter().any(|x| x.name == "missed installments"));
    }

    /// `lifts_to` must agree with the tiers `prioritise` gives: an account whose only lift is
    /// one promise, follow-up or missed installment lands exactly where `lifts_to` says (or
    /// lower, in the dollar-days tiers, when it says none).
    #[test]
    fn what_lifts_an_account_agrees_with_its_tier() {
        let today = d("2026-11-22");
        let w = PriorityWeights::default();
        let base = PriorityFacts {
            debtor_id: 1,
            open_balance: Money(50_000),
            past_due: Money(50_000),
            dollar_days_cents: 50_000 * 30,
            oldest_days_past_due: 30,
            ..Default::default()
        };
        let statuses = [
            PromiseStatus::Pending,
            PromiseStatus::Kept,
            PromiseStatus::PartlyKept,
            PromiseStatus::Broken,
            PromiseStatus::Cancelled,
        ];
        for offset in -40..=40i64 {
            let due = today + chrono::Duration::days(offset);
            let mut cases = vec![
                (Lift::FollowUp { due }, PriorityFacts { follow_up_on: Some(due), ..base.clone() }),
                (
                    Lift::MissedInstallment,
                    PriorityFacts { installment_missed_on: Some(due), missed_installments: 1, ..base.clone() },
                ),
            ];
            for status in statuses {
                // As the store merges one promise into the facts.
                let f = match status {
                    PromiseStatus::Pending => PriorityFacts { promise_due_on: Some(due), ..base.clone() },
                    PromiseStatus::Broken | PromiseStatus::PartlyKept => {
                        PriorityFacts { broken_promise_on: Some(due), ..base.clone() }
                    }
                    PromiseStatus::Kept | PromiseStatus::Cancelled => base.clone(),
                };
                cases.push((Lift::Promise { status, due }, f));
            }
            for (lift, f) in cases {
                let tier = prioritise(&f, today, &w, "USD").tier;
                match lifts_to(lift, today, &w) {
                    Some(t) => assert_eq!(tier, t, "{lift:?}"),
                    None => assert!(tier > Tier::InstallmentMissed, "{lift:?} gave {tier:?}"),
                }
            }
        }
    }

    #[test]
    fn days_past_due_are_capped() {
        let today = d("2026-11-22");
        assert_eq!(dollar_days_cents([(d("2020-01-01"), Money(100))], today, 365), 36_500);
        assert_eq!(dollar_days_cents([(d("2026-12-01"), Money(100))], today, 365), 0);
    }

    #[test]
    fn reliable_payers_sink_and_say_why() {
        let today = d("2026-11-22");
        let f = PriorityFacts {
            debtor_id: 1,
            past_due: Money(100_000),
            dollar_days_cents: 100_000 * 10,
            oldest_days_past_due: 10,
            promises_12m: 10,
            kept_promises_12m: 10,
            last_touch_on: Some(today),
            ..Default::default()
        };
        let p = prioritise(&f, today, &PriorityWeights::default(), "USD");
        assert_eq!(p.score, 5_000);
        let why = explain(&f, today, &PriorityWeights::default(), "USD");
        assert!(why.iter().any(|x| x.name == "reliable payer" && x.weight == 0.5));
    }
}
