//! The cells of a row, by the field they hold.

use super::date::Parts;
use super::detect::ColumnMap;
use super::text::{Record, trim_cell};

pub(super) struct Cells<'a> {
    pub record: &'a Record,
    pub columns: &'a ColumnMap,
    pub fields: &'a Fields,
    /// The date cells of the row already split into parts as they voted, by column.
    pub split: &'a [(usize, Parts)],
}

impl<'a> Cells<'a> {
    pub fn get(&self, field: &str) -> Option<&'a str> {
        self.at(self.columns.get(field).copied())
    }
    pub fn at(&self, column: Option<usize>) -> Option<&'a str> {
        column.map(|i| trim_cell(self.record.cell(i))).filter(|s| !s.is_empty())
    }
    /// The parts of the date in `column`, if its vote split it already.
    pub fn split_at(&self, column: Option<usize>) -> Option<Parts> {
        let column = column?;
        self.split.iter().find(|(at, _)| *at == column).map(|(_, parts)| *parts)
    }
}

/// The column of each field a receivable is read from, found once per file: every row asks
/// for ten of them, and a lookup by name compares strings.
pub(super) struct Fields {
    pub status: Option<usize>,
    pub kind: Option<usize>,
    pub amount: Option<usize>,
    pub balance: Option<usize>,
    pub customer: Option<usize>,
    pub customer_ref: Option<usize>,
    pub number: Option<usize>,
    pub issued: Option<usize>,
    pub due: Option<usize>,
    pub currency: Option<usize>,
}

impl Fields {
    pub fn of(columns: &ColumnMap) -> Fields {
        let at = |field: &str| columns.get(field).copied();
        Fields {
            status: at("status"),
            kind: at("type"),
            amount: at("amount"),
            balance: at("balance"),
            customer: at("customer"),
            customer_ref: at("customer_ref"),
            number: at("number"),
            issued: at("issued"),
            due: at("due"),
            currency: at("currency"),
        }
    }
}
