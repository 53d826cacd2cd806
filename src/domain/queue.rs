//! Named slices of the worklist ("queues") a collector works or writes to in one go:
//! by why an account ranks where it does, by age, by neglect. The order stays the worklist's.

use super::Bucket;
use super::priority::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Every account with an open balance, held ones included.
    All,
    /// Everything that may be worked now (the held queue left out).
    Work,
    Tier(Tier),
    Bucket(Bucket),
    /// Not contacted for this many days, or never.
    Untouched(i64),
    /// No good phone and no good address: find the debtor first.
    SkipTrace,
}

/// What a queue looks at in one worklist row.
#[derive(Debug, Clone, Copy)]
pub struct QueueFacts {
    pub tier: Tier,
    pub bucket: Bucket,
    /// Days since the last contact; `None`: never contacted.
    pub days_since_contact: Option<i64>,
    /// A good phone or a good postal address is on file.
    pub reachable: bool,
}

/// Names in the order `dun queues` lists them, with what each holds.
pub const NAMES: &[(&str, &str)] = &[
    ("all", "every account with an open balance"),
    ("work", "every account that may be worked now"),
    ("promises", "promises due or broken"),
    ("follow-ups", "follow-ups due"),
    ("plans", "plan installments missed"),
    ("new", "newly overdue, large balances"),
    ("standard", "the rest, by dollar-days"),
    ("held", "not to be worked now: holds, disputes, cease requests, bankruptcy, promises not yet due"),
    ("current", "oldest invoice not yet due"),
    ("1-30", "oldest invoice 1-30 days past due"),
    ("31-60", "oldest invoice 31-60 days past due"),
    ("61-90", "oldest invoice 61-90 days past due"),
    ("91-120", "oldest invoice 91-120 days past due"),
    ("120+", "oldest invoice over 120 days past due"),
    ("untouched", "no contact in 30 days (untouched-N for N days)"),
    ("skip-trace", "no good phone and no good address: find the debtor first"),
];

impl Queue {
    pub fn parse(name: &str) -> Result<Queue, String> {
        let name = name.trim().to_ascii_lowercase();
        let tier = |t| Ok(Queue::Tier(t));
        match name.as_str() {
            "all" => Ok(Queue::All),
            "work" => Ok(Queue::Work),
            "promises" => tier(Tier::PromiseDue),
            "follow-ups" => tier(Tier::CallBackDue),
            "plans" => tier(Tier::InstallmentMissed),
            "new" => tier(Tier::NewlyOverdue),
            "standard" => tier(Tier::Standard),
            "held" => tier(Tier::OnHold),
            "untouched" => Ok(Queue::Untouched(30)),
            "skip-trace" => Ok(Queue::SkipTrace),
            _ => {
                if let Some(b) = Bucket::ALL.iter().find(|b| b.label() == name) {
                    return Ok(Queue::Bucket(*b));
                }
                if let Some(days) = name.strip_prefix("untouched-").and_then(|d| d.parse::<i64>().ok()) {
                    return Ok(Queue::Untouched(days.max(1)));
                }
                let names: Vec<&str> = NAMES.iter().map(|n| n.0).collect();
                Err(format!("no queue '{name}' (queues: {})", names.join(", ")))
            }
        }
    }

    pub fn admits(self, f: QueueFacts) -> bool {
        match self {
            Queue::All => true,
            Queue::Work => f.tier != Tier::OnHold,
            Queue::Tier(t) => f.tier == t,
            Queue::Bucket(b) => f.bucket == b,
            Queue::Untouched(days) => f.tier != Tier::OnHold && f.days_since_contact.is_none_or(|d| d >= days),
            Queue::SkipTrace => !f.reachable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_parses_and_unknown_names_list_the_real_ones() {
        for (name, _) in NAMES {
            assert!(Queue::parse(name).is_ok(), "{name}");
        }
        assert_eq!(Queue::parse("Untouched-45"), Ok(Queue::Untouched(45)));
        assert_eq!(Queue::parse("61-90"), Ok(Queue::Bucket(Bucket::Days61To90)));
        let err = Queue::parse("vip").unwrap_err();
        assert!(err.contains("no queue 'vip'") && err.contains("follow-ups"), "{err}");
    }

    #[test]
    fn held_accounts_are_only_in_their_own_queue_and_all() {
        let held =
            QueueFacts { tier: Tier::OnHold, bucket: Bucket::Over120, days_since_contact: None, reachable: true };
        let admitted: Vec<&str> =
            NAMES.iter().filter(|(n, _)| Queue::parse(n).unwrap().admits(held)).map(|(n, _)| *n).collect();
        assert_eq!(admitted, ["all", "held", "120+"]);
        let seen = |d| QueueFacts {
            tier: Tier::Standard,
            bucket: Bucket::Current,
            days_since_contact: Some(d),
            reachable: false,
        };
        assert!(Queue::Untouched(30).admits(seen(30)));
        assert!(!Queue::Untouched(30).admits(seen(29)));
        assert!(Queue::SkipTrace.admits(seen(1)));
    }
}
