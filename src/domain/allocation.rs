//! Payment allocation (D-ALLOC): the debtor's direction first, else oldest first,
//! never to a disputed amount; what is left over stays unapplied, never guessed.

use chrono::NaiveDate;

use super::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    pub invoice_id: i64,
    pub number: String,
    pub issued_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    pub balance: Money,
    /// The part of the balance open disputes hold back (`dispute::held_back`): no money is
    /// applied to it, though the undisputed rest of the invoice can be paid (F-PAY-1).
    pub disputed: Money,
}

impl OpenItem {
    /// What a payment may go to: the balance less its disputed part.
    pub fn payable(&self) -> Money {
        (self.balance - self.disputed).max(Money::ZERO)
    }
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

/// Apply `amount` to `items`. `directed_to` is the invoice the debtor named, if any: the
/// direction controls (D-ALLOC), so nothing of it goes to another debt, and what the named
/// invoice cannot take stays unapplied until the debtor says where.
pub fn allocate(amount: Money, items: &[OpenItem], directed_to: Option<i64>) -> AllocationPlan {
    let mut remaining = amount;
    let mut allocations = Vec::new();
    let mut take = |item: &OpenItem, remaining: &mut Money| {
        let applied = item.payable().min(*remaining);
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
        let mut order: Vec<&OpenItem> = items.iter().filter(|i| i.payable().is_positive()).collect();
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
        partly(id, due, balance, if disputed { balance } else { 0 })
    }

    /// An item with `disputed` of its balance in dispute.
    fn partly(id: i64, due: &str, balance: i64, disputed: i64) -> OpenItem {
        OpenItem {
            invoice_id: id,
            number: format!("INV-{id}"),
            issued_on: None,
            due_on: due.parse().unwrap(),
            balance: Money(balance),
            disputed: Money(disputed),
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
    fn only_the_undisputed_part_of_a_partly_disputed_item_is_paid() {
        // A: 300 with 120 disputed; B: 400. 500 pays A's undisputed 180, then B 320.
        let items = [partly(1, "2025-01-10", 300, 120), item(2, "2025-02-10", 400, false)];
        let plan = allocate(Money(500), &items, None);
        assert_eq!(
            plan.allocations,
            vec![Allocation { invoice_id: 1, amount: Money(180) }, Allocation { invoice_id: 2, amount: Money(320) }]
        );
        assert_eq!(plan.unapplied, Money(0));
        // Directed to A: still only its undisputed part; the rest stays unapplied.
        let plan = allocate(Money(500), &items, Some(1));
        assert_eq!(plan.allocations, vec![Allocation { invoice_id: 1, amount: Money(180) }]);
        assert_eq!(plan.unapplied, Money(320));
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
                prop_assert!(it.disputed == Money::ZERO);
                prop_assert!(a.amount <= it.balance && a.amount.is_positive());
            }
        }

        /// Partly disputed items, directed or not: money is conserved, every invoice gets at
        /// most its undisputed part (never a cent of what is disputed), and an undirected
        /// payment leaves money unapplied only when every undisputed part is paid in full.
        #[test]
        fn money_is_conserved_and_never_goes_to_a_disputed_amount(
            amount in 0i64..1_000_000,
            items in proptest::collection::vec((0i64..100_000, 0i64..120_000, 0u8..3), 0..12),
            direct in proptest::option::of(0usize..12),
        ) {
            let items: Vec<OpenItem> = items.iter().enumerate()
                .map(|(i, (b, d, day))| partly(i as i64, &format!("2025-01-0{}", day + 1), *b, (*d).min(*b)))
                .collect();
            let directed = direct.filter(|d| *d < items.len()).map(|d| d as i64);
            let plan = allocate(Money(amount), &items, directed);
            let applied: Money = plan.allocations.iter().map(|a| a.amount).sum();
            prop_assert_eq!(applied + plan.unapplied, Money(amount));
            prop_assert!(!plan.unapplied.is_negative());
            let mut seen = std::collections::HashSet::new();
            for a in &plan.allocations {
                prop_assert!(seen.insert(a.invoice_id), "one allocation per invoice");
                let it = &items[a.invoice_id as usize];
                prop_assert!(a.amount.is_positive());
                prop_assert!(a.amount <= it.balance - it.disputed, "{:?} got {:?}", it, a.amount);
            }
            if directed.is_none() && plan.unapplied.is_positive() {
                for it in &items {
                    let got: Money = plan.allocations.iter().filter(|a| a.invoice_id == it.invoice_id).map(|a| a.amount).sum();
                    prop_assert_eq!(got, it.payable());
                }
            }
        }
    }
}
