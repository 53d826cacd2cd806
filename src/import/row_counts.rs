//! How many rows of a file fell in each class: what an import reports of them.

use serde::Serialize;

use super::RowClass;

/// How many rows of a file fell in each class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts([usize; 9]);

impl RowCounts {
    pub const CLASSES: [RowClass; 9] = [
        RowClass::Preamble,
        RowClass::Header,
        RowClass::Group,
        RowClass::Detail,
        RowClass::Subtotal,
        RowClass::Total,
        RowClass::Footer,
        RowClass::Blank,
        RowClass::Skipped,
    ];

    pub(super) fn add(&mut self, class: RowClass) {
        self.0[class as usize] += 1;
    }

    pub(super) fn merge(&mut self, other: &RowCounts) {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a += b);
    }

    pub fn get(&self, class: RowClass) -> usize {
        self.0[class as usize]
    }

    /// (class, rows) for every class, in [`RowCounts::CLASSES`] order.
    pub fn iter(&self) -> impl Iterator<Item = (RowClass, usize)> + '_ {
        Self::CLASSES.into_iter().map(|c| (c, self.get(c)))
    }
}
