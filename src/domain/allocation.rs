//! Payment allocation (D-ALLOC): the debtor's direction first, else oldest first,
//! never to a disputed item; what is left over stays unapplied, never guessed.

use chrono::NaiveDate;

use super::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    pub invoice_id: i64,
    pub number: String,
    pub issued_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    pub balance: Money,
    pub disputed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    pub invoice_id: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationPlan {
    pub allocations: Vec<Allocation>,
    pub unapplied: Money,
}

/// Apply `amount` to `items`. `directed_to` is the invoice the debtor named, if any.
pub fn allocate(amount: Money, items: &[OpenItem], directed_to: Option<i64>) -> AllocationPlan {
    let mut remaining = amount;
    let mut allocations = Vec::new();
    let mut take = |item: &OpenItem, remaining: &mut Money| {
        let applied = item.balance.min(*remaining);
        if applied.is_positive() {
            allocations.push(Allocation { invoice_id: item.invoice_id, amount: applied });
            *remaining -= applied;
        }
    };
    if let Some(target) = directed_to {
        if let Some(item) = items.iter().find(|i| i.invoice_id == target) {
            take(item, &mut remaining);
        }
    } else {
        let mut order: Vec<&OpenItem> = items.iter().filter(|i| !i.disputed && i.balance.is_positive()).collect();
        order.sort_by(|a, b| {
            (a.due_on, a.issued_on, &a.number, a.invoice_id).cmp(&(b.due_on, b.issued_on, &b.number, b.invoice_id))
        });
        for item in order {
            if !remaining.is_positive() {
                break;
            }
            take(item, &mut remaining);
        }
    }
    AllocationPlan { allocations, unapplied: remaining }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(id: i64, due: &str, balance: i64, disputed: bool) -> OpenItem {
        OpenItem {
            invoice_id: id,
            number: format!("INV-{id}"),
            issued_on: None,
            due_on: due.parse().unwrap(),
            balance: Money(balance),
            disputed,
        }
    }

    // The three test vectors of D-ALLOC.
    #[test]
    fn oldest_first_without_direction() {
        let items = [item(1, "2025-01-10", 300, false), item(2, "2025-02-10", 400, false)];
        let plan = allocate(Money(500), &items, None);
        assert_eq!(
            plan.allocations,
            vec![Allocation { invoice_id: 1, amount: Money(300) }, Allocation { invoice_id: 2, amount: Money(200) }]
        );
        assert_eq!(plan.unapplied, Money(0));
    }

    #[test]
    fn disputed_item_is_skipped() {
        let items = [item(1, "2025-01-10", 300, true), item(2, "2025-02-10", 400, false)];
        let plan = allocate(Money(500), &items, None);
        assert_eq!(plan.allocations, vec![Allocation { invoice_id: 2, amount: Money(400) }]);
        assert_eq!(plan.unapplied, Money(100));
    }

    #[test]
    fn debtor_direction_controls() {
        let items = [item(1, "2025-01-10", 300, false), item(2, "2025-02-10", 400, false)];
        let plan = allocate(Money(500), &items, Some(2));
        assert_eq!(plan.allocations, vec![Allocation { invoice_id: 2, amount: Money(400) }]);
        assert_eq!(plan.unapplied, Money(100));
    }

    proptest! {
        #[test]
        fn allocation_never_exceeds_balances_and_sums_exactly(
            amount in 0i64..1_000_000,
            balances in proptest::collection::vec((0i64..100_000, any::<bool>()), 0..12),
        ) {
            let items: Vec<OpenItem> = balances.iter().enumerate()
                .map(|(i, (b, d))| item(i as i64, "2025-01-01", *b, *d)).collect();
            let plan = allocate(Money(amount), &items, None);
            let applied: Money = plan.allocations.iter().map(|a| a.amount).sum();
            prop_assert_eq!(applied + plan.unapplied, Money(amount));
            for a in &plan.allocations {
                let it = &items[a.invoice_id as usize];
                prop_assert!(!it.disputed);
                prop_assert!(a.amount <= it.balance && a.amount.is_positive());
            }
        }
    }
}
