//! A prepared statement whose text parameters SQLite reads in place. rusqlite binds every
//! text as a copy SQLite allocates and frees (`SQLITE_TRANSIENT`); for an import's million
//! invoices, three texts each, those copies were a tenth of the writing thread's time.
//! Here a text is bound `SQLITE_STATIC` for the span of one [`BorrowedInsert::execute`]:
//! the parameters are borrowed for that call, the bindings are cleared before it returns,
//! so SQLite never holds a pointer past the borrow.

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;

use rusqlite::{Connection, ffi};

use super::Result;

/// One parameter of a [`BorrowedInsert`].
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(i64),
    Text(&'a str),
    Null,
}

/// A statement prepared on `conn`, which it cannot outlive.
pub struct BorrowedInsert<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    parameters: usize,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> BorrowedInsert<'c> {
    pub fn prepare(conn: &'c Connection, sql: &str) -> Result<BorrowedInsert<'c>> {
        let (db, stmt) = prepare_raw(conn, sql)?;
        // SAFETY: `stmt` was just prepared.
        let parameters = unsafe { ffi::sqlite3_bind_parameter_count(stmt) } as usize;
        Ok(BorrowedInsert { db, stmt, parameters, _conn: PhantomData })
    }

    /// Bind `params` (?1 onwards, every one of them) and run the statement once.
    pub fn execute(&mut self, params: &[Param<'_>]) -> Result<()> {
        if params.len() != self.parameters {
            return Err(rusqlite::Error::InvalidParameterCount(params.len(), self.parameters).into());
        }
        let outcome = self.bind(params).and_then(|()| {
            // SAFETY: every parameter is bound; texts point into `params`, borrowed for
            // this whole call.
            match unsafe { ffi::sqlite3_step(self.stmt) } {
                ffi::SQLITE_DONE => Ok(()),
                rc => Err(failure(self.db, rc)),
            }
        });
        // SAFETY: reset and cleared before `params` goes out of reach, so no pointer into
        // it stays with SQLite.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        Ok(outcome?)
    }

    fn bind(&mut self, params: &[Param<'_>]) -> rusqlite::Result<()> {
        for (at, param) in params.iter().enumerate() {
            let index = at as c_int + 1;
            // SAFETY: `index` is within the statement's parameters (counted above); a
            // text is read in place until `execute` clears the bindings.
            let rc = unsafe {
                match *param {
                    Param::Int(n) => ffi::sqlite3_bind_int64(self.stmt, index, n),
                    Param::Null => ffi::sqlite3_bind_null(self.stmt, index),
                    Param::Text(text) => {
                        let len = c_int::try_from(text.len())
                            .map_err(|_| rusqlite::Error::ToSqlConversionFailure("text too long for SQLite".into()))?;
                        ffi::sqlite3_bind_text(self.stmt, index, text.as_ptr().cast(), len, ffi::SQLITE_STATIC())
                    }
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(failure(self.db, rc));
            }
        }
        Ok(())
    }
}

impl Drop for BorrowedInsert<'_> {
    fn drop(&mut self) {
        // SAFETY: prepared by `prepare`, finalized once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

/// Prepare `sql` on `conn`'s own handle: the statement must be finalized, and used only
/// while `conn` is borrowed and on its thread (a `Connection` is not `Sync`).
pub(super) fn prepare_raw(conn: &Connection, sql: &str) -> Result<(*mut ffi::sqlite3, *mut ffi::sqlite3_stmt)> {
    // SAFETY: the handle is the connection's, used only while `conn` is borrowed.
    let db = unsafe { conn.handle() };
    let mut stmt = std::ptr::null_mut();
    let len = c_int::try_from(sql.len()).map_err(|_| rusqlite::Error::InvalidQuery)?;
    // SAFETY: `sql` is valid for `len` bytes; SQLite copies what it keeps.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, std::ptr::null_mut()) };
    if rc != ffi::SQLITE_OK || stmt.is_null() {
        // SAFETY: finalizing a null statement is a no-op.
        unsafe { ffi::sqlite3_finalize(stmt) };
        return Err(failure(db, rc).into());
    }
    Ok((db, stmt))
}

/// SQLite's error, with its extended code (a full disk is told apart by it) and message.
pub(super) fn failure(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: `db` is an open connection; its message is copied out at once.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let message = CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy().into_owned();
        (if code == ffi::SQLITE_OK { rc } else { code }, message)
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER, s TEXT, u TEXT UNIQUE) STRICT").unwrap();
        conn
    }

    #[test]
    fn texts_bound_in_place_are_stored_as_they_were_when_executed() {
        let conn = book();
        let mut insert = BorrowedInsert::prepare(&conn, "INSERT INTO t VALUES (?1, ?2, ?3), (?4, ?5, ?6)").unwrap();
        for round in 0..3 {
            let (a, b) = (format!("é-{round}"), format!("{round}"));
            insert
                .execute(&[
                    Param::Int(round),
                    Param::Text(&a),
                    Param::Text(&b),
                    Param::Int(-1),
                    Param::Null,
                    Param::Null,
                ])
                .unwrap();
            // The strings are gone before the next round: SQLite kept nothing of them.
        }
        let rows: Vec<(i64, Option<String>, Option<String>)> = conn
            .prepare("SELECT n, s, u FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[4], (2, Some("é-2".into()), Some("2".into())));
        assert_eq!(rows[5], (-1, None, None));
    }

    #[test]
    fn a_failing_row_fails_the_statement_with_sqlites_code_and_leaves_it_reusable() {
        let conn = book();
        let mut insert = BorrowedInsert::prepare(&conn, "INSERT INTO t VALUES (?1, ?2, ?3)").unwrap();
        insert.execute(&[Param::Int(1), Param::Text("a"), Param::Text("same")]).unwrap();
        let err = insert.execute(&[Param::Int(2), Param::Text("b"), Param::Text("same")]).unwrap_err();
        match err {
            super::super::StoreError::Sql(e) => {
                assert_eq!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation));
                assert!(e.to_string().contains("UNIQUE"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let wrong = insert.execute(&[Param::Int(3)]).unwrap_err();
        assert!(wrong.to_string().contains("parameter"), "{wrong}");
        insert.execute(&[Param::Int(3), Param::Text("c"), Param::Text("other")]).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
        let bad = BorrowedInsert::prepare(&conn, "INSERT INTO nowhere VALUES (?1)").err().expect("no such table");
        assert!(bad.to_string().contains("no such table"), "{bad}");
    }
}
