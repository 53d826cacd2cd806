//! A query whose rows are read in place. rusqlite checks each column's type and bounds and
//! converts it through `FromSql`: for the million invoices a re-import loads before it can
//! reconcile a row, that was a quarter of the load. Here a column is read straight from
//! SQLite, and a text is borrowed for as long as the row is current.

use std::ffi::c_int;
use std::marker::PhantomData;

use rusqlite::{Connection, ffi};

use super::Result;
use super::borrowed_insert::{failure, prepare_raw};

/// A query prepared on `conn`, which it cannot outlive.
pub struct BorrowedScan<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    columns: c_int,
    _conn: PhantomData<&'c Connection>,
}

/// The current row of a [`BorrowedScan`]; it lives until the next step.
pub struct ScannedRow<'s> {
    stmt: *mut ffi::sqlite3_stmt,
    columns: c_int,
    _scan: PhantomData<&'s mut ()>,
}

impl<'c> BorrowedScan<'c> {
    /// Prepare `sql` and bind `params` (integers, ?1 onwards).
    pub fn query(conn: &'c Connection, sql: &str, params: &[i64]) -> Result<BorrowedScan<'c>> {
        let (db, stmt) = prepare_raw(conn, sql)?;
        // From here on, `Drop` finalizes the statement whatever happens.
        let scan = BorrowedScan {
            db,
            stmt,
            // SAFETY: `stmt` was just prepared.
            columns: unsafe { ffi::sqlite3_column_count(stmt) },
            _conn: PhantomData,
        };
        // SAFETY: as above.
        let wanted = unsafe { ffi::sqlite3_bind_parameter_count(stmt) } as usize;
        if params.len() != wanted {
            return Err(rusqlite::Error::InvalidParameterCount(params.len(), wanted).into());
        }
        for (at, n) in params.iter().enumerate() {
            // SAFETY: the index is within the statement's parameters (counted above).
            let rc = unsafe { ffi::sqlite3_bind_int64(stmt, at as c_int + 1, *n) };
            if rc != ffi::SQLITE_OK {
                return Err(failure(db, rc).into());
            }
        }
        Ok(scan)
    }

    /// The next row, or `None` after the last (asked again after that, SQLite runs the
    /// query again from its first row).
    pub fn next(&mut self) -> Result<Option<ScannedRow<'_>>> {
        // SAFETY: the statement is prepared and bound; the row handed out borrows `self`
        // mutably, so no row outlives this step.
        match unsafe { ffi::sqlite3_step(self.stmt) } {
            ffi::SQLITE_ROW => Ok(Some(ScannedRow { stmt: self.stmt, columns: self.columns, _scan: PhantomData })),
            ffi::SQLITE_DONE => Ok(None),
            rc => Err(failure(self.db, rc).into()),
        }
    }
}

impl Drop for BorrowedScan<'_> {
    fn drop(&mut self) {
        // SAFETY: prepared by `query`, finalized once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

impl ScannedRow<'_> {
    fn column(&self, i: usize) -> rusqlite::Result<c_int> {
        match c_int::try_from(i) {
            Ok(i) if i < self.columns => Ok(i),
            _ => Err(rusqlite::Error::InvalidColumnIndex(i)),
        }
    }

    /// Column `i` as an integer, or what is wrong with it. Meant for a STRICT table's
    /// INTEGER columns: a value SQLite converts to a non-zero integer (numeric text, a
    /// real) is read as that integer; only a zero is checked to be one (asking every
    /// column's type was an eighth of a re-import's load).
    pub fn int(&self, i: usize) -> rusqlite::Result<i64> {
        let at = self.column(i)?;
        // SAFETY: `at` is a column of the current row.
        let n = unsafe { ffi::sqlite3_column_int64(self.stmt, at) };
        match n {
            // SAFETY: as above.
            0 => match unsafe { ffi::sqlite3_column_type(self.stmt, at) } {
                ffi::SQLITE_INTEGER => Ok(0),
                found => Err(wrong_type(i, found)),
            },
            n => Ok(n),
        }
    }

    /// Column `i` as an integer, `None` for NULL.
    pub fn int_or_null(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        let at = self.column(i)?;
        // SAFETY: `at` is a column of the current row.
        match unsafe { ffi::sqlite3_column_type(self.stmt, at) } {
            ffi::SQLITE_NULL => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    /// Column `i` as text, `None` for NULL.
    pub fn text_or_null(&self, i: usize) -> rusqlite::Result<Option<&str>> {
        let at = self.column(i)?;
        // SAFETY: `at` is a column of the current row.
        match unsafe { ffi::sqlite3_column_type(self.stmt, at) } {
            ffi::SQLITE_NULL => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    /// Column `i` as text, borrowed until the next step. Meant for a STRICT table's TEXT
    /// columns: a number is read as SQLite spells it; only NULL is refused.
    pub fn text(&self, i: usize) -> rusqlite::Result<&str> {
        let at = self.column(i)?;
        // SAFETY: `at` is a column of the current row; its text stays where SQLite put it
        // until the statement steps or is finalized, which needs `&mut` of the scan this
        // row borrows. The length is asked after the text, as SQLite requires.
        let bytes = unsafe {
            let text = ffi::sqlite3_column_text(self.stmt, at);
            if text.is_null() {
                return Err(wrong_type(i, ffi::sqlite3_column_type(self.stmt, at)));
            }
            std::slice::from_raw_parts(text, ffi::sqlite3_column_bytes(self.stmt, at) as usize)
        };
        match bytes.is_ascii() {
            // SAFETY: ASCII is UTF-8; checked in a few instructions, where the general
            // check costs a hundred (three texts a row, a million rows).
            true => Ok(unsafe { std::str::from_utf8_unchecked(bytes) }),
            false => std::str::from_utf8(bytes).map_err(|e| rusqlite::Error::Utf8Error(i, e)),
        }
    }
}

fn wrong_type(i: usize, found: c_int) -> rusqlite::Error {
    let found = match found {
        ffi::SQLITE_INTEGER => rusqlite::types::Type::Integer,
        ffi::SQLITE_FLOAT => rusqlite::types::Type::Real,
        ffi::SQLITE_TEXT => rusqlite::types::Type::Text,
        ffi::SQLITE_BLOB => rusqlite::types::Type::Blob,
        _ => rusqlite::types::Type::Null,
    };
    rusqlite::Error::InvalidColumnType(i, format!("column {i}"), found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_in_place_and_wrong_columns_are_told() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (n INTEGER, s TEXT, m INTEGER);
             INSERT INTO t VALUES (1, 'é-one', NULL), (2, '', 7), (3, 'three', 9);",
        )
        .unwrap();
        let mut scan = BorrowedScan::query(&conn, "SELECT n, s, m FROM t WHERE n >= ?1 ORDER BY n", &[2]).unwrap();
        let mut seen = Vec::new();
        while let Some(row) = scan.next().unwrap() {
            seen.push((row.int(0).unwrap(), row.text(1).unwrap().to_string(), row.int_or_null(2).unwrap()));
            assert!(matches!(row.int(1), Err(rusqlite::Error::InvalidColumnType(1, _, _))));
            assert!(matches!(row.text(3), Err(rusqlite::Error::InvalidColumnIndex(3))));
        }
        assert_eq!(seen, [(2, String::new(), Some(7)), (3, "three".into(), Some(9))]);
        let mut scan = BorrowedScan::query(&conn, "SELECT s, m FROM t WHERE n = ?1", &[1]).unwrap();
        let row = scan.next().unwrap().unwrap();
        assert_eq!((row.text(0).unwrap(), row.int_or_null(1).unwrap()), ("é-one", None));
        assert_eq!((row.text_or_null(0).unwrap(), row.text_or_null(1).unwrap()), (Some("é-one"), None));
        // NULL is neither an integer nor a text.
        assert!(matches!(row.int(1), Err(rusqlite::Error::InvalidColumnType(1, _, rusqlite::types::Type::Null))));
        assert!(matches!(row.text(1), Err(rusqlite::Error::InvalidColumnType(1, _, rusqlite::types::Type::Null))));
        assert!(scan.next().unwrap().is_none());
        assert!(BorrowedScan::query(&conn, "SELECT n FROM t WHERE n = ?1", &[]).is_err());
        assert!(BorrowedScan::query(&conn, "SELECT nothing FROM t", &[]).is_err());
    }
}
