//! Totals an export prints (a grand total, a group's subtotal) checked against the rows
//! above them: a mismatch is a warning, since it means rows were lost or misread.

use super::amount::{Decimal, parse_amount};
use super::detect::ColumnMap;
use super::read::{Issue, Severity};
use super::text::Record;
use crate::domain::Money;

/// What the rows above a total add up to: each row's balance (its amount when it has no
/// balance), and, for files with both columns, the amounts alone.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Sums {
    pub(super) counted: Money,
    pub(super) amounts: Money,
}

impl std::ops::Add for Sums {
    type Output = Sums;
    fn add(self, other: Sums) -> Sums {
        Sums { counted: self.counted + other.counted, amounts: self.amounts + other.amounts }
    }
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, other: Sums) {
        *self = *self + other;
    }
}

/// Compare a printed total with what the rows add up to; a mismatch is a warning.
pub(super) fn check_total(
    r: &Record,
    cols: &ColumnMap,
    decimal: Decimal,
    sums: Sums,
    what: &str,
    issues: &mut Vec<Issue>,
) {
    let mut differs = |printed: Option<Money>, sum: Money, column: &str| {
        if let Some(printed) = printed.filter(|p| *p != sum) {
            issues.push(Issue {
                line: r.line,
                column: None,
                severity: Severity::Warning,
                reason: format!(
                    "{what} says {}{column}, the rows above add up to {}",
                    printed.to_decimal(),
                    sum.to_decimal()
                ),
            });
        }
    };
    // The balance column if it is filled, else the last amount on the row.
    let printed = cols
        .get("balance")
        .and_then(|i| parse_amount(r.cell(*i), decimal).ok().flatten())
        .or_else(|| r.cells.iter().rev().find_map(|c| parse_amount(c, decimal).ok().flatten()));
    differs(printed, sums.counted, "");
    // A file with an amount column beside the balance prints its total too.
    if let (Some(amount), Some(_)) = (cols.get("amount"), cols.get("balance")) {
        differs(parse_amount(r.cell(*amount), decimal).ok().flatten(), sums.amounts, " in the amount column");
    }
}
