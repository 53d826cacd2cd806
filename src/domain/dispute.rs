//! How much of an invoice its open disputes hold back (F-DISP: "the debt, or any disputed
//! portion thereof"). The part held back stays owed but leaves collection: no payment is
//! applied to it, it does not rank the account and it may not be demanded until resolved.

use super::money::Money;

/// The part of an invoice's `balance` that its open disputes hold back. Each dispute is
/// `None` when it covers the whole invoice, else the amount disputed. A whole-invoice dispute
/// holds back everything; amounts add up, but never past the balance, since payments to the
/// undisputed part (or a ledger import) may have brought the balance below what was disputed.
pub fn held_back(balance: Money, disputes: impl IntoIterator<Item = Option<Money>>) -> Money {
    if !balance.is_positive() {
        return Money::ZERO;
    }
    let mut held = Money::ZERO;
    for d in disputes {
        match d {
            None => return balance,
            Some(amount) => held += amount.max(Money::ZERO),
        }
    }
    held.min(balance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_whole_invoice_dispute_holds_back_the_whole_balance() {
        assert_eq!(held_back(Money(45_000), [None]), Money(45_000));
        assert_eq!(held_back(Money(45_000), [Some(Money(12_000)), None]), Money(45_000));
    }

    #[test]
    fn an_amount_holds_back_only_that_amount() {
        assert_eq!(held_back(Money(45_000), [Some(Money(12_000))]), Money(12_000));
        assert_eq!(held_back(Money(45_000), []), Money::ZERO);
    }

    #[test]
    fn never_more_than_is_still_owed() {
        // 120.00 disputed of 450.00; 400.00 came off in the ledger: 50.00 is left, all of it held.
        assert_eq!(held_back(Money(5_000), [Some(Money(12_000))]), Money(5_000));
        assert_eq!(held_back(Money::ZERO, [None]), Money::ZERO);
        assert_eq!(held_back(Money(-3_000), [Some(Money(100))]), Money::ZERO, "a credit memo holds nothing back");
    }

    proptest! {
        #[test]
        fn held_back_is_between_nothing_and_the_balance(
            balance in -100_000i64..1_000_000,
            disputes in proptest::collection::vec(proptest::option::of(0i64..1_000_000), 0..4),
        ) {
            let held = held_back(Money(balance), disputes.iter().map(|d| d.map(Money)));
            prop_assert!(held >= Money::ZERO && held <= Money(balance).max(Money::ZERO));
            if disputes.iter().any(Option::is_none) {
                prop_assert_eq!(held, Money(balance).max(Money::ZERO));
            }
        }
    }
}
