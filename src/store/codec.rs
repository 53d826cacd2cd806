//! Column encodings shared by the query modules: dates as `YYYY-MM-DD`, instants as
//! RFC 3339 UTC, booleans as 0/1.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Type;

pub fn date(d: NaiveDate) -> String {
    DateText::of(d).as_str().to_string()
}

/// A date as `YYYY-MM-DD` without an allocation: bulk writes bind a million of them, and
/// chrono's formatter costs more than the insert it feeds.
pub struct DateText([u8; 10]);

impl DateText {
    pub fn of(d: NaiveDate) -> DateText {
        use chrono::Datelike;
        let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
        let digit = |n: u32| b'0' + n as u8;
        DateText([
            digit(y / 1000),
            digit(y / 100 % 10),
            digit(y / 10 % 10),
            digit(y % 10),
            b'-',
            digit(m / 10),
            digit(m % 10),
            b'-',
            digit(day / 10),
            digit(day % 10),
        ])
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `of`, the only maker, writes ASCII digits and dashes alone, which are
        // UTF-8. (Checked, it cost a tenth of an import's binding: a million pairs of dates.)
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl rusqlite::ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(&self.0)))
    }
}

pub fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(date)
}

pub fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

/// A `YYYY-MM-DD` column, read in place (the hand parser first; chrono's, which also says
/// what is wrong, only for a value the hand parser does not take).
pub fn get_date(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let s = row.get_ref(idx)?.as_str()?;
    match parse_iso_date(s) {
        Some(d) => Ok(d),
        None => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| conversion(idx, e)),
    }
}

pub fn get_opt_date(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get_ref(idx)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => get_date(row, idx).map(Some),
    }
}

pub fn get_instant(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = row.get(idx)?;
    DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)).map_err(|e| conversion(idx, e))
}

#[derive(Debug)]
pub struct BadCode(pub String);
impl std::fmt::Display for BadCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown code '{}'", self.0)
    }
}
impl std::error::Error for BadCode {}

/// Decode a checked-text enumeration column with the type's own parser.
/// Read in place: the worklist decodes one per promise of the book.
pub fn get_code<T>(row: &rusqlite::Row<'_>, idx: usize, parse: impl Fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s = row.get_ref(idx)?.as_str()?;
    parse(s).ok_or_else(|| conversion(idx, BadCode(s.to_string())))
}

/// Fast path for hot scans: read a `YYYY-MM-DD` column without allocating.
pub fn parse_date_ref(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    parse_date_text(row.get_ref(idx)?.as_str()?, idx)
}

/// Column `idx`'s `YYYY-MM-DD` text as a date, or what is wrong with it.
pub fn parse_date_text(s: &str, idx: usize) -> rusqlite::Result<NaiveDate> {
    parse_iso_date(s).ok_or_else(|| conversion(idx, BadCode(s.to_string())))
}

/// `YYYY-MM-DD` to a date, by hand: chrono's general parser is several times slower.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_parsed_dates_agree_with_chrono() {
        for s in ["2026-11-22", "2024-02-29", "1999-12-31"] {
            assert_eq!(parse_iso_date(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        }
        for bad in ["2026-02-30", "2026-1-22", "20261122xx", "2026/11/22", "abcd-ef-gh", ""] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn hand_written_dates_agree_with_chrono() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..800 {
            assert_eq!(DateText::of(d).as_str(), d.format("%Y-%m-%d").to_string());
            d = d.succ_opt().unwrap();
        }
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        assert_eq!(DateText::of(far).as_str(), "9999-12-31");
    }
}
