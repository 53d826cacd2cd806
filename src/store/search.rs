//! What the desk's search looks through: each debtor's name, customer reference, phones and
//! emails, then every invoice number, read in debtor order and handed over as borrowed text
//! (a million invoice numbers are not made into a million strings to be dropped again).

use rusqlite::Connection;

use super::Result;

/// Where the book's searchable text goes, in debtor order.
pub trait SearchSink {
    /// A debtor, in id order; its phones and emails follow.
    fn debtor(&mut self, id: i64, name: &str, external_ref: &str);
    fn phone(&mut self, value: &str);
    fn email(&mut self, value: &str);
    /// After every debtor: each invoice number, by debtor in id order.
    fn invoice_number(&mut self, debtor_id: i64, number: &str);
}

/// Hand the book's searchable text to `sink`: debtors with their contact points (two scans
/// in debtor order, merged), then invoice numbers in debtor order (the invoice table's
/// UNIQUE key covers the scan: the table itself is not read).
pub fn read_search_text(conn: &Connection, sink: &mut dyn SearchSink) -> Result<()> {
    let mut debtors = conn.prepare("SELECT id, name, coalesce(external_ref, '') FROM debtor ORDER BY id")?;
    let mut contacts = conn.prepare(
        "SELECT debtor_id, kind = 'phone', value FROM contact_point
         WHERE kind IN ('phone', 'email') ORDER BY debtor_id, id",
    )?;
    let mut debtor_rows = debtors.query([])?;
    let mut contact_rows = contacts.query([])?;
    let mut contact = contact_rows.next()?;
    while let Some(d) = debtor_rows.next()? {
        let id: i64 = d.get(0)?;
        sink.debtor(id, text(d, 1)?, text(d, 2)?);
        while let Some(c) = contact {
            let of: i64 = c.get(0)?;
            if of > id {
                break;
            }
            if of == id {
                let value = text(c, 2)?;
                match c.get::<_, bool>(1)? {
                    true => sink.phone(value),
                    false => sink.email(value),
                }
            }
            contact = contact_rows.next()?;
        }
    }
    let mut numbers = conn.prepare("SELECT debtor_id, number FROM invoice ORDER BY debtor_id")?;
    let mut rows = numbers.query([])?;
    while let Some(r) = rows.next()? {
        sink.invoice_number(r.get(0)?, text(r, 1)?);
    }
    Ok(())
}

/// Column `i` of `row`, a text, borrowed.
fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}
