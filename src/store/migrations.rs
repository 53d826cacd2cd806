//! Schema migrations, embedded from assets/migrations at build time.

use rusqlite_migration::{M, Migrations};

const STEPS: &[&str] = &[include_str!("../../assets/migrations/0001_initial.sql")];

/// The schema version this dun writes (SQLite `user_version`).
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
