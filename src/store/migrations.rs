//! Schema migrations, embedded from assets/migrations at build time.

use rusqlite_migration::{M, Migrations};

pub(crate) const STEPS: &[&str] = &[
    include_str!("../../assets/migrations/0001_initial.sql"),
    include_str!("../../assets/migrations/0002_undo.sql"),
    include_str!("../../assets/migrations/0003_extensions.sql"),
];

/// The schema version this dun writes (SQLite `user_version`).
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub fn migrations() -> Migrations<'static> {
    migrations_of(STEPS)
}

/// The migrations of `steps` (tests open with an extra, future step).
pub(crate) fn migrations_of<'a>(steps: &[&'a str]) -> Migrations<'a> {
    Migrations::new(steps.iter().map(|sql| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
