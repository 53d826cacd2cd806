//! Money as an integer count of minor units. Never a float: a collector's totals
//! must add up to the cent, and every parse is exact or refused.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount in minor units (cents for USD). The currency travels beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

/// In JSON an amount is an exact decimal string ("1234.50"): never a float that a
/// reader could round, and not a bare integer that could be mistaken for dollars.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_decimal())
    }
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// The largest amount a parse accepts: 10 billion in major units. Far beyond any
    /// receivable, and small enough that sums over millions of rows cannot overflow.
    pub const MAX: Money = Money(1_000_000_000_000);

    pub fn cents(self) -> i64 {
        self.0
    }
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }
    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    /// Plain decimal string with two places and no grouping: `1234.50`, `-0.05`.
    /// This is the form used in JSON and CSV, where a machine reads it back.
    pub fn to_decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Display form for people: symbol, thousands separators, two places.
    /// `$1,234.50`, `-$12.00`, `CHF 10.00`.
    pub fn display(self, currency: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = group_thousands(abs / 100);
        let frac = abs % 100;
        match currency_symbol(currency) {
            Some(sym) => format!("{sign}{sym}{whole}.{frac:02}"),
            None => format!("{sign}{currency} {whole}.{frac:02}"),
        }
    }

    /// Split into `parts` amounts that sum exactly to `self`; the last part takes the rounding.
    pub fn split_even(self, parts: u32) -> Vec<Money> {
        if parts == 0 {
            return Vec::new();
        }
        let each = self.0 / parts as i64;
        let mut out = vec![Money(each); parts as usize];
        let rest = self.0 - each * parts as i64;
        if let Some(last) = out.last_mut() {
            last.0 += rest;
        }
        out
    }
}

fn currency_symbol(code: &str) -> Option<&'static str> {
    match code {
        "USD" | "CAD" | "AUD" | "NZD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount, e.g. 125.00")]
    Empty,
    #[error("'{0}' is not an amount (e.g. 1,250.00)")]
    Invalid(String),
    #[error("more than 2 decimal places")]
    TooPrecise,
    #[error("amount too large")]
    TooLarge,
}

/// Parse an amount typed by a collector: `125`, `125.5`, `1,234.56`, `$1,234.56`,
/// `-12.00`, `(12.00)` (accountants' negative). Exact: `0.001` is refused, not rounded.
pub fn parse_money(input: &str) -> Result<Money, MoneyError> {
    let mut s = input.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    let invalid = || MoneyError::Invalid(input.trim().to_string());
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return Err(invalid());
        }
        negative = true;
        s = rest.trim_start();
    }
    for sym in ["$", "€", "£"] {
        if let Some(rest) = s.strip_prefix(sym) {
            s = rest.trim_start();
            break;
        }
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    // Thousands separators are allowed only in their proper places (1,234,567).
    if whole.contains(',') {
        let groups: Vec<&str> = whole.split(',').collect();
        let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(invalid());
        }
    }
    let whole_digits: String = whole.chars().filter(|c| *c != ',').collect();
    if whole_digits.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(invalid());
    }
    if !whole_digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    let frac = frac.unwrap_or("");
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    if frac.len() > 2 {
        return Err(MoneyError::TooPrecise);
    }
    let units: i64 =
        if whole_digits.is_empty() { 0 } else { whole_digits.parse().map_err(|_| MoneyError::TooLarge)? };
    let mut cents_part: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| invalid())? };
    if frac.len() == 1 {
        cents_part *= 10;
    }
    let total = units
        .checked_mul(100)
        .and_then(|c| c.checked_add(cents_part))
        .filter(|c| *c <= Money::MAX.0)
        .ok_or(MoneyError::TooLarge)?;
    Ok(Money(if negative { -total } else { total }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_forms_collectors_type() {
        assert_eq!(parse_money("125"), Ok(Money(12_500)));
        assert_eq!(parse_money("125.5"), Ok(Money(12_550)));
        assert_eq!(parse_money(" 1,234.56 "), Ok(Money(123_456)));
        assert_eq!(parse_money("$1,234.56"), Ok(Money(123_456)));
        assert_eq!(parse_money("-12.00"), Ok(Money(-1_200)));
        assert_eq!(parse_money("(12.00)"), Ok(Money(-1_200)));
        assert_eq!(parse_money("-$3"), Ok(Money(-300)));
        assert_eq!(parse_money(".5"), Ok(Money(50)));
    }

    #[test]
    fn refuses_what_is_not_exact_money() {
        assert_eq!(parse_money(""), Err(MoneyError::Empty));
        assert_eq!(parse_money("0.001"), Err(MoneyError::TooPrecise));
        assert!(matches!(parse_money("12a"), Err(MoneyError::Invalid(_))));
        assert!(matches!(parse_money("1,23.00"), Err(MoneyError::Invalid(_))));
        assert!(matches!(parse_money("1.2.3"), Err(MoneyError::Invalid(_))));
        assert!(matches!(parse_money("--1"), Err(MoneyError::Invalid(_))));
        assert!(matches!(parse_money("$"), Err(MoneyError::Invalid(_))));
        assert_eq!(parse_money("99999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(parse_money("10,000,000,000.00"), Ok(Money::MAX));
        assert_eq!(parse_money("10,000,000,000.01"), Err(MoneyError::TooLarge));
        assert_eq!(parse_money("-10000000000.01"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn displays_with_symbol_and_grouping() {
        assert_eq!(Money(123_456_789).display("USD"), "$1,234,567.89");
        assert_eq!(Money(-1_200).display("USD"), "-$12.00");
        assert_eq!(Money(5).display("EUR"), "€0.05");
        assert_eq!(Money(100_000).display("CHF"), "CHF 1,000.00");
        assert_eq!(Money(-5).to_decimal(), "-0.05");
    }

    #[test]
    fn split_even_puts_rounding_on_the_last_part() {
        assert_eq!(Money(1_000).split_even(3), vec![Money(333), Money(333), Money(334)]);
    }

    proptest! {
        #[test]
        fn decimal_round_trips(c in -1_000_000_000_000i64..1_000_000_000_000i64) {
            prop_assert_eq!(parse_money(&Money(c).to_decimal()), Ok(Money(c)));
        }

        #[test]
        fn display_round_trips_for_dollars(c in -1_000_000_000_000i64..1_000_000_000_000i64) {
            prop_assert_eq!(parse_money(&Money(c).display("USD")), Ok(Money(c)));
        }

        #[test]
        fn split_even_sums_exactly(c in 0i64..1_000_000_000, n in 1u32..60) {
            let parts = Money(c).split_even(n);
            prop_assert_eq!(parts.len(), n as usize);
            prop_assert_eq!(parts.iter().copied().sum::<Money>(), Money(c));
        }
    }
}
