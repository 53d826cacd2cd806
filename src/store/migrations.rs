//! Schema migrations, embedded from assets/migrations at build time.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub(crate) const STEPS: &[&str] = &[
    include_str!("../../assets/migrations/0001_initial.sql"),
    include_str!("../../assets/migrations/0002_undo.sql"),
    include_str!("../../assets/migrations/0003_extensions.sql"),
    include_str!("../../assets/migrations/0004_invoice_checks.sql"),
    include_str!("../../assets/migrations/0005_no_debtor_name_index.sql"),
];

/// The schema version this dun writes (SQLite `user_version`).
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub fn migrations() -> Migrations<'static> {
    migrations_of(STEPS)
}

/// The migrations of `steps` (tests open with an extra, future step). Every step checks the
/// foreign keys before it commits: steps run with enforcement off (see [`run`]), as a table
/// rebuild needs.
pub(crate) fn migrations_of<'a>(steps: &[&'a str]) -> Migrations<'a> {
    Migrations::new(steps.iter().map(|sql| M::up(sql).foreign_key_check()).collect())
}

/// Bring `conn` to the latest of `steps`. SQLite changes a table's constraints by rebuilding
/// it, and dropping the old table under enforced foreign keys would fail on every row that
/// refers to it; so enforcement is off while the steps run (each step still checks the keys
/// before it commits) and on again after, whatever happened.
pub(crate) fn run(conn: &mut Connection, steps: &[&str]) -> Result<(), rusqlite_migration::Error> {
    let migrations = migrations_of(steps);
    if migrations.pending_migrations(conn)? == 0 {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let done = migrations.to_latest(conn);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    done
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
