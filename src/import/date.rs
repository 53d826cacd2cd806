//! Dates as exports print them. The day/month order is a property of the file, not
//! of a row: it is decided once from every date cell and the format's known order.

use chrono::{Datelike, Days, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// 01/15/2026 (US)
    Mdy,
    /// 15/01/2026, 15.01.2026 (UK, EU, AU, NZ)
    Dmy,
    /// 2026-01-15
    Ymd,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("'{0}' is not a date")]
    Invalid(String),
    #[error("'{0}' is not a date between {FIRST_YEAR} and {LAST_YEAR}")]
    OutOfRange(String),
}

/// The years an export's date may fall in: the book stores `YYYY-MM-DD`, and a typo such as
/// `02/15/202026` must be refused, not written as a date nothing can read back (found by fuzzing).
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn month_name(s: &str) -> Option<u32> {
    let s = s.to_ascii_lowercase();
    MONTHS.iter().position(|m| s.starts_with(m)).map(|i| i as u32 + 1)
}

/// The three numeric parts of a d/m/y-family date: the first, the second, the year, and
/// how many digits the year has.
pub type Parts = (u32, u32, i32, usize);

/// Split a date cell into its three numeric parts, if it is of the d/m/y family.
fn parts(s: &str) -> Option<Parts> {
    // Asked of every date cell of a file, twice: one walk over the bytes, no allocation.
    // A part is one or more digits (any number of leading zeros); a value too large for
    // its type is no date.
    if let [d0, d1, s0, d2, d3, s1, d4, d5, d6, d7] = *s.as_bytes() {
        // The usual `31.01.2026`, `01/31/2026`: digits where they are expected, read at once
        // (a byte below `0` wraps around to above 9).
        let sep = |b: u8| matches!(b, b'/' | b'.' | b'-');
        let d = [d0, d1, d2, d3, d4, d5, d6, d7].map(|b| u32::from(b.wrapping_sub(b'0')));
        if sep(s0) && sep(s1) && d.iter().all(|&v| v < 10) {
            let year = d[4] * 1000 + d[5] * 100 + d[6] * 10 + d[7];
            return Some((d[0] * 10 + d[1], d[2] * 10 + d[3], year as i32, 4));
        }
    }
    let (mut values, mut lens, mut part) = ([0u64; 3], [0usize; 3], 0);
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => {
                values[part] = values[part].saturating_mul(10).saturating_add(u64::from(b - b'0'));
                lens[part] += 1;
            }
            b'/' | b'.' | b'-' if lens[part] > 0 && part < 2 => part += 1,
            _ => return None,
        }
    }
    if part < 2 || lens[2] == 0 {
        return None;
    }
    Some((u32::try_from(values[0]).ok()?, u32::try_from(values[1]).ok()?, i32::try_from(values[2]).ok()?, lens[2]))
}

fn full_year(y: i32, len: usize) -> i32 {
    if len <= 2 { 2000 + y } else { y }
}

/// Parse one cell with a known order. `Ok(None)` for a blank cell.
pub fn parse_date(cell: &str, order: DateOrder) -> Result<Option<NaiveDate>, DateError> {
    parse_date_split(cell, order, None)
}

/// [`parse_date`] of a cell already split into its `parts` ([`OrderVotes::see`] of the same
/// cell, as it voted): a large file's dates are then split once, not twice.
pub fn parse_date_split(cell: &str, order: DateOrder, parts: Option<Parts>) -> Result<Option<NaiveDate>, DateError> {
    match parse_any_year(cell, order, parts)? {
        Some(d) if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) => Err(DateError::OutOfRange(cell.trim().to_string())),
        date => Ok(date),
    }
}

fn parse_any_year(cell: &str, order: DateOrder, split: Option<Parts>) -> Result<Option<NaiveDate>, DateError> {
    let s = super::text::trim_cell(cell);
    if s.is_empty() {
        return Ok(None);
    }
    let invalid = || DateError::Invalid(s.to_string());
    // ISO first: it is unambiguous whatever the file's order.
    if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        // `get`, not `[..10]`: the tenth byte may fall inside a character (found by fuzzing).
        let head = s.get(..10).ok_or_else(invalid)?;
        return NaiveDate::parse_from_str(head, "%Y-%m-%d").map(Some).map_err(|_| invalid());
    }
    // 31.01.2026, 01/31/26: digits and separators only, so neither a month's name nor a
    // day number; asked first, as most cells of most exports are this.
    if let Some((a, b, y, len)) = split.or_else(|| parts(s)) {
        let (month, day) = match order {
            DateOrder::Mdy => (a, b),
            DateOrder::Dmy | DateOrder::Ymd => (b, a),
        };
        return NaiveDate::from_ymd_opt(full_year(y, len), month, day).map(Some).ok_or_else(invalid);
    }
    // 12 Jan 2026, 12-Jan-2026, Jan 12, 2026: only a cell with letters names a month.
    let (mut words, mut count) = ([""; 3], 0);
    let named = s.bytes().any(|b| b.is_ascii_alphabetic());
    if named {
        for word in s.split([' ', '-', ',']).filter(|w| !w.is_empty()) {
            if let Some(slot) = words.get_mut(count) {
                *slot = word;
            }
            count += 1;
        }
    }
    if count == 3 {
        let date = if let Some(m) = month_name(words[1]).filter(|_| words[0].chars().all(|c| c.is_ascii_digit())) {
            let y: i32 = words[2].parse().map_err(|_| invalid())?;
            NaiveDate::from_ymd_opt(full_year(y, words[2].len()), m, words[0].parse().map_err(|_| invalid())?)
        } else if let Some(m) = month_name(words[0]) {
            let y: i32 = words[2].parse().map_err(|_| invalid())?;
            NaiveDate::from_ymd_opt(full_year(y, words[2].len()), m, words[1].parse().map_err(|_| invalid())?)
        } else {
            None
        };
        if date.is_some() {
            return Ok(date);
        }
    }
    // An Excel serial day number (days since 1899-12-30), as a sheet saved to CSV may carry.
    if s.chars().all(|c| c.is_ascii_digit()) && (20_000..=80_000).contains(&s.parse::<u32>().unwrap_or(0)) {
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(invalid)?;
        return Ok(base.checked_add_days(Days::new(s.parse().map_err(|_| invalid())?)));
    }
    Err(invalid())
}

/// What a file's date cells say about their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvidence {
    /// Some cell can only be read one way.
    Proven(DateOrder),
    /// Every cell reads both ways (all days ≤ 12), or there are only ISO or named-month dates.
    Ambiguous,
    /// One cell needs day-first and another month-first: the file mixes orders.
    Contradictory,
}

pub fn order_evidence<'a>(cells: impl IntoIterator<Item = &'a str>) -> OrderEvidence {
    let mut votes = OrderVotes::default();
    cells.into_iter().for_each(|c| {
        votes.see(c);
    });
    votes.verdict()
}

/// The day/month order, decided by the dates of a file seen one at a time: a first
/// part over 12 proves day-first, a second part over 12 proves month-first.
#[derive(Debug, Default)]
pub struct OrderVotes {
    dmy: bool,
    mdy: bool,
}

impl OrderVotes {
    /// Count the vote of `cell`. Returns its parts, for [`parse_date_split`] of the same cell.
    pub fn see(&mut self, cell: &str) -> Option<Parts> {
        let s = super::text::trim_cell(cell);
        if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
            return None;
        }
        let split = parts(s);
        if let Some((a, b, _, _)) = split {
            if a > 12 && b <= 12 {
                self.dmy = true;
            }
            if b > 12 && a <= 12 {
                self.mdy = true;
            }
        }
        split
    }

    /// Count `other`'s votes too.
    pub fn add(&mut self, other: &OrderVotes) {
        self.dmy |= other.dmy;
        self.mdy |= other.mdy;
    }

    pub fn verdict(&self) -> OrderEvidence {
        match (self.dmy, self.mdy) {
            (true, true) => OrderEvidence::Contradictory,
            (true, false) => OrderEvidence::Proven(DateOrder::Dmy),
            (false, true) => OrderEvidence::Proven(DateOrder::Mdy),
            (false, false) => OrderEvidence::Ambiguous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `parts` as it was first written, by splitting: the one-walk version must agree.
    fn parts_by_split(s: &str) -> Option<(u32, u32, i32, usize)> {
        let p: Vec<&str> = s.split(['/', '.', '-']).collect();
        if p.len() != 3 || p.iter().any(|x| x.is_empty() || !x.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        Some((p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?, p[2].len()))
    }

    proptest! {
        #[test]
        fn parts_agree_with_splitting(
            s in "[0-9./ a-z-]{0,14}|0{0,12}[0-9]{1,11}[./-][0-9]{1,3}[./-][0-9]{1,11}|[0-9a]{2}[./ -][0-9]{2}[./-][0-9]{3}[0-9 ]"
        ) {
            prop_assert_eq!(parts(&s), parts_by_split(&s));
        }
    }

    proptest! {
        /// A cell `parts` splits has no letter and is not all digits: neither a month's name
        /// nor a day number can be missed by asking `parts` first.
        #[test]
        fn a_split_cell_names_no_month_and_is_no_day_number(
            s in "[0-9./ a-zA-Z,-]{0,14}|[0-9]{1,3}[./-][0-9]{1,3}[./-][0-9]{1,5}"
        ) {
            if parts(&s).is_some() {
                prop_assert!(!s.bytes().any(|b| b.is_ascii_alphabetic()));
                prop_assert!(!s.bytes().all(|b| b.is_ascii_digit()));
            }
        }

        /// Parsing a cell with the parts its vote found reads the same date, or the same
        /// refusal, as parsing it alone.
        #[test]
        fn a_cell_split_as_it_voted_parses_as_it_would_alone(
            s in "[0-9./ a-zA-Z,-]{0,14}|[ ]?[0-9]{1,3}[./-][0-9]{1,3}[./-][0-9]{1,5}[ ]?|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{5}",
            order in prop_oneof![Just(DateOrder::Dmy), Just(DateOrder::Mdy), Just(DateOrder::Ymd)],
        ) {
            let split = OrderVotes::default().see(&s);
            prop_assert_eq!(parse_date_split(&s, order, split), parse_date(&s, order));
        }
    }

    #[test]
    fn parts_agree_with_splitting_on_the_edges() {
        for s in [
            "15.01.2026",
            "1/9/26",
            "4294967295.1.2",
            "4294967296.1.2",
            "1.1.2147483648",
            "000000000000000000001.2.3",
            "1..2",
            ".1.2",
            "1.2.",
            "1.2.3.4",
            "1-2/3",
            "",
            "１.2.3",
            "12.3.4x",
        ] {
            assert_eq!(parts(s), parts_by_split(s), "{s:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_form_of_the_reference() {
        assert_eq!(parse_date("01/15/2026", DateOrder::Mdy), Ok(Some(d("2026-01-15"))));
        assert_eq!(parse_date("1/9/2026", DateOrder::Mdy), Ok(Some(d("2026-01-09"))));
        assert_eq!(parse_date("15/01/2026", DateOrder::Dmy), Ok(Some(d("2026-01-15"))));
        assert_eq!(parse_date("15.01.2026", DateOrder::Dmy), Ok(Some(d("2026-01-15"))));
        assert_eq!(parse_date("2026-01-15", DateOrder::Mdy), Ok(Some(d("2026-01-15"))));
        assert_eq!(parse_date("12 Jan 2026", DateOrder::Dmy), Ok(Some(d("2026-01-12"))));
        assert_eq!(parse_date("Mar 31, 2026", DateOrder::Mdy), Ok(Some(d("2026-03-31"))));
        assert_eq!(parse_date("7/16/98", DateOrder::Mdy), Ok(Some(d("2098-07-16"))));
        assert_eq!(parse_date("46265", DateOrder::Mdy), Ok(Some(d("2026-08-31"))));
        assert_eq!(parse_date("", DateOrder::Mdy), Ok(None));
        assert!(parse_date("13/13/2026", DateOrder::Mdy).is_err());
        assert!(parse_date("soon", DateOrder::Mdy).is_err());
    }

    #[test]
    fn a_character_across_the_tenth_byte_is_refused_not_a_panic() {
        // Found by `cargo fuzz run import_parse`: "2026-01-1é" split 'é' at byte 10.
        assert!(parse_date("2026-01-1\u{e9}", DateOrder::Ymd).is_err());
        assert!(parse_date("2026-\u{20ac}1-15", DateOrder::Mdy).is_err());
        assert_eq!(parse_date("2026-01-15\u{e9}", DateOrder::Ymd), Ok(Some(d("2026-01-15"))));
    }

    #[test]
    fn a_year_the_book_cannot_store_is_refused() {
        // Found by `cargo fuzz run import_commit`: the invoice was written as "+202026-02-15",
        // which the book then could not read back.
        assert_eq!(parse_date("02/15/202026", DateOrder::Mdy), Err(DateError::OutOfRange("02/15/202026".into())));
        assert!(parse_date("15.02.0026", DateOrder::Dmy).is_err());
        assert!(parse_date("Feb 15, 99999", DateOrder::Mdy).is_err());
        assert_eq!(parse_date("02/15/2200", DateOrder::Mdy), Ok(Some(d("2200-02-15"))));
        assert_eq!(parse_date("1/1/1900", DateOrder::Mdy), Ok(Some(d("1900-01-01"))));
    }

    #[test]
    fn order_is_decided_from_the_whole_file() {
        assert_eq!(order_evidence(["01/02/2026", "25/02/2026"]), OrderEvidence::Proven(DateOrder::Dmy));
        assert_eq!(order_evidence(["01/02/2026", "02/25/2026"]), OrderEvidence::Proven(DateOrder::Mdy));
        assert_eq!(order_evidence(["01/02/2026", "03/04/2026"]), OrderEvidence::Ambiguous);
        assert_eq!(order_evidence(["13/02/2026", "02/25/2026"]), OrderEvidence::Contradictory);
        assert_eq!(order_evidence(["2026-01-30"]), OrderEvidence::Ambiguous);
    }
}
