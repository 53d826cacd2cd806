//! Amounts as accounting exports print them, to exact cents, never through floating point.
//!
//! `1,234.56` `"$1,234.56"` `-$200.00` `(1,234.56)` `150,00-` `1.234,56` `1'234.56`
//! `1 234,56` (space, NBSP or narrow NBSP thousands). A blank cell is *unknown*, not zero.

use crate::domain::Money;

/// Which character separates the cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    Point,
    Comma,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("'{0}' is not an amount")]
    Invalid(String),
    #[error("'{0}' has more than 2 decimals")]
    TooPrecise(String),
    #[error("'{0}' is too large")]
    TooLarge(String),
}

/// Parse a cell. `Ok(None)` for a blank cell (or a lone `-`, Sage's "nothing here").
pub fn parse_amount(cell: &str, decimal: Decimal) -> Result<Option<Money>, AmountError> {
    let point = match decimal {
        Decimal::Point => b'.',
        Decimal::Comma => b',',
    };
    match plain_cents(cell.as_bytes(), point) {
        Some(cents) => Ok(Some(Money(cents))),
        None => parse_any_amount(cell, decimal),
    }
}

/// The cents of the usual cell, `-1234.5` or `1234,56`: a digit first and last, at most
/// one decimal mark and two decimals, a minus in front, nothing else. Any other cell
/// (groups, brackets, symbols, spaces, blanks, errors) is left to [`parse_any_amount`],
/// which reads these alike but at a tenth of the speed: a million-row export has two
/// million amounts.
fn plain_cents(cell: &[u8], point: u8) -> Option<i64> {
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, cell),
    };
    // 15 digits: the largest fits an i64 of cents with room to spare.
    if !(1..=15).contains(&digits.len()) || !digits[0].is_ascii_digit() || !digits[digits.len() - 1].is_ascii_digit() {
        return None;
    }
    let (mut units, mut cents, mut decimals) = (0i64, 0i64, None::<u32>);
    for &b in digits {
        match (b, decimals) {
            (b'0'..=b'9', None) => units = units * 10 + i64::from(b - b'0'),
            (b'0'..=b'9', Some(n)) if n < 2 => {
                cents = cents * 10 + i64::from(b - b'0');
                decimals = Some(n + 1);
            }
            (b, None) if b == point => decimals = Some(0),
            _ => return None,
        }
    }
    if decimals == Some(1) {
        cents *= 10;
    }
    let total = units * 100 + cents;
    (total <= Money::MAX.cents()).then_some(if negative { -total } else { total })
}

/// Any amount an export may hold: groups, brackets or a trailing minus for negatives,
/// currency symbols and codes, spaces.
fn parse_any_amount(cell: &str, decimal: Decimal) -> Result<Option<Money>, AmountError> {
    let raw = cell.trim();
    if raw.is_empty() || raw == "-" || raw == "–" {
        return Ok(None);
    }
    let invalid = || AmountError::Invalid(raw.to_string());
    // Most cells have nothing to strip: they are read where they are.
    let spaced = |c: char| matches!(c, '\u{a0}' | '\u{202f}' | ' ' | '\'');
    let cleaned: std::borrow::Cow<'_, str> = match raw.contains(spaced) {
        true => raw.chars().filter(|c| !spaced(*c)).collect::<String>().into(),
        false => raw.into(),
    };
    let mut s: &str = &cleaned;
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = &s[1..s.len() - 1];
    }
    if let Some(rest) = s.strip_suffix('-') {
        negative = !negative;
        s = rest;
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest;
    }
    // Currency marks before or after the digits: $ € £ ₹ A$ US$ USD EUR …
    let s = s.trim_start_matches(|c: char| c.is_alphabetic() || matches!(c, '$' | '€' | '£' | '₹' | '¥'));
    let s = s.trim_end_matches(|c: char| c.is_alphabetic() || matches!(c, '$' | '€' | '£' | '₹' | '¥'));
    let s = match s.strip_prefix('-') {
        Some(rest) => {
            negative = !negative;
            rest
        }
        None => s,
    };
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(invalid());
    }
    let (point, group) = match decimal {
        Decimal::Point => ('.', ','),
        Decimal::Comma => (',', '.'),
    };
    let (whole, frac) = match s.rsplit_once(point) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if frac.contains(group) || whole.contains(point) {
        return Err(invalid());
    }
    if whole.contains(group) {
        let groups: Vec<&str> = whole.split(group).collect();
        if groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(invalid());
        }
    }
    if frac.len() > 2 {
        return Err(AmountError::TooPrecise(raw.to_string()));
    }
    // `whole` holds only digits and group marks (checked above).
    let too_large = || AmountError::TooLarge(raw.to_string());
    let mut units: i64 = 0;
    for digit in whole.bytes().filter(|b| char::from(*b) != group) {
        units = units.checked_mul(10).and_then(|u| u.checked_add(i64::from(digit - b'0'))).ok_or_else(too_large)?;
    }
    let mut cents: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| invalid())? };
    if frac.len() == 1 {
        cents *= 10;
    }
    // Capped (Money::MAX) so that a file's totals cannot overflow however many rows it has.
    let total = units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .filter(|c| *c <= Money::MAX.cents())
        .ok_or_else(too_large)?;
    Ok(Some(Money(if negative { -total } else { total })))
}

/// Decide the decimal separator of a file from all its amount cells: the last
/// separator of a cell followed by exactly one or two digits is the decimal one.
/// `None` when no cell tells (e.g. only whole numbers).
pub fn detect_decimal<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<Decimal> {
    let mut votes = DecimalVotes::default();
    cells.into_iter().for_each(|c| votes.see(c));
    votes.verdict()
}

/// The decimal mark, decided by the amounts of a file seen one at a time: which mark
/// stands before one or two final digits most often.
#[derive(Debug, Default)]
pub struct DecimalVotes {
    point: usize,
    comma: usize,
}

impl DecimalVotes {
    pub fn see(&mut self, cell: &str) {
        // Asked of every amount cell of a file: bytes, as a mark and digits are ASCII.
        let digits_after = |i: usize| cell.as_bytes()[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if let Some(i) = memchr::memrchr2(b'.', b',', cell.as_bytes()) {
            let after = digits_after(i);
            let tail_ok = cell[i + 1 + after..].chars().all(|c| matches!(c, ')' | '-' | ' ') || c.is_alphabetic());
            if (1..=2).contains(&after) && tail_ok {
                if cell.as_bytes()[i] == b'.' { self.point += 1 } else { self.comma += 1 }
            }
        }
    }

    /// Count `other`'s votes too.
    pub fn add(&mut self, other: &DecimalVotes) {
        self.point += other.point;
        self.comma += other.comma;
    }

    pub fn verdict(&self) -> Option<Decimal> {
        match (self.point, self.comma) {
            (0, 0) => None,
            (p, c) if p >= c => Some(Decimal::Point),
            _ => Some(Decimal::Comma),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn us(s: &str) -> Option<i64> {
        parse_amount(s, Decimal::Point).unwrap().map(|m| m.cents())
    }
    fn eu(s: &str) -> Option<i64> {
        parse_amount(s, Decimal::Comma).unwrap().map(|m| m.cents())
    }

    proptest! {
        /// The quick reading of the usual cell is the full reading's.
        #[test]
        fn a_plain_amount_reads_as_any_amount_does(cell in "-?[0-9]{0,17}([.,][0-9]{0,3})?[.,]?", comma in any::<bool>()) {
            let (decimal, point) = if comma { (Decimal::Comma, b',') } else { (Decimal::Point, b'.') };
            if let Some(cents) = plain_cents(cell.as_bytes(), point) {
                prop_assert_eq!(parse_any_amount(&cell, decimal), Ok(Some(Money(cents))));
            }
        }
    }

    #[test]
    fn the_usual_cells_are_read_quickly() {
        for (cell, cents) in [("1234.5", 123_450), ("-0.07", -7), ("42", 4200), ("10000000000", Money::MAX.cents())] {
            assert_eq!(plain_cents(cell.as_bytes(), b'.'), Some(cents), "{cell}");
        }
        assert_eq!(plain_cents(b"1234,56", b','), Some(123_456));
        for cell in ["", "-", ".5", "5.", "1,234.50", "1.234", " 5", "(5)", "5-", "$5", "10000000000.01"] {
            assert_eq!(plain_cents(cell.as_bytes(), b'.'), None, "{cell}");
        }
    }

    #[test]
    fn every_form_of_the_reference() {
        assert_eq!(us("1,250.00"), Some(125_000));
        assert_eq!(us("$1,500.00"), Some(150_000));
        assert_eq!(us("-$200.00"), Some(-20_000));
        assert_eq!(us("(1,234.56)"), Some(-123_456));
        assert_eq!(us("100.00-"), Some(-10_000));
        assert_eq!(us("1580.94"), Some(158_094));
        assert_eq!(us("$5"), Some(500));
        assert_eq!(us("1'234.56"), Some(123_456));
        assert_eq!(us("USD 12.5"), Some(1_250));
        assert_eq!(eu("1.234,56"), Some(123_456));
        assert_eq!(eu("150,00-"), Some(-15_000));
        assert_eq!(eu("1234,56"), Some(123_456));
        assert_eq!(eu("1\u{a0}234,56"), Some(123_456));
        assert_eq!(eu("1\u{202f}234,56 €"), Some(123_456));
        assert_eq!(us(""), None);
        assert_eq!(us(" - "), None);
    }

    #[test]
    fn refuses_what_is_not_exact() {
        assert!(parse_amount("12.345", Decimal::Point).is_err());
        assert!(parse_amount("abc", Decimal::Point).is_err());
        assert!(parse_amount("1,23.00", Decimal::Point).is_err());
        assert!(parse_amount("1.234,56", Decimal::Point).is_err());
        assert!(parse_amount("99999999999999999999", Decimal::Point).is_err());
        // Two of these in one file overflowed the file's total before amounts were capped.
        assert!(matches!(parse_amount("90.000.000.000.000.000,00", Decimal::Comma), Err(AmountError::TooLarge(_))));
        assert_eq!(us("10,000,000,000.00"), Some(Money::MAX.cents()));
        assert!(parse_amount("(10,000,000,000.01)", Decimal::Point).is_err());
    }

    #[test]
    fn decimal_is_decided_per_file() {
        assert_eq!(detect_decimal(["1.234,56", "12,00", "7"]), Some(Decimal::Comma));
        assert_eq!(detect_decimal(["1,234.56", "12.00"]), Some(Decimal::Point));
        assert_eq!(detect_decimal(["150,00-", "(1.234,56)"]), Some(Decimal::Comma));
        assert_eq!(detect_decimal(["1", "2"]), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_amount(&s, Decimal::Point);
            let _ = parse_amount(&s, Decimal::Comma);
        }

        #[test]
        fn us_display_round_trips(c in -10_000_000_000i64..10_000_000_000i64) {
            prop_assert_eq!(us(&Money(c).display("USD")), Some(c));
        }
    }
}
