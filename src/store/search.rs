//! What the desk's search looks through: each debtor's name, customer reference, invoice
//! numbers, phones and emails, read in three scans for the in-memory index.

use std::collections::HashMap;

use rusqlite::Connection;

use super::Result;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRecord {
    pub debtor_id: i64,
    pub name: String,
    pub external_ref: String,
    pub invoice_numbers: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

pub fn search_records(conn: &Connection) -> Result<Vec<SearchRecord>> {
    let mut records: Vec<SearchRecord> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, coalesce(external_ref, '') FROM debtor ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let debtor_id: i64 = r.get(0)?;
        at.insert(debtor_id, records.len());
        records.push(SearchRecord { debtor_id, name: r.get(1)?, external_ref: r.get(2)?, ..Default::default() });
    }
    let mut stmt = conn.prepare("SELECT debtor_id, number FROM invoice")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = at.get(&r.get::<_, i64>(0)?) {
            records[i].invoice_numbers.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare("SELECT debtor_id, kind, value FROM contact_point WHERE kind IN ('phone', 'email')")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = at.get(&r.get::<_, i64>(0)?) {
            let value: String = r.get(2)?;
            let kind: String = r.get(1)?;
            match kind.as_str() {
                "phone" => records[i].phones.push(value),
                _ => records[i].emails.push(value),
            }
        }
    }
    Ok(records)
}
