//! Dates as collectors type them. `today` is always passed in, never read here.

use chrono::{Datelike, Days, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("enter a date: YYYY-MM-DD, t (today), +7 (days from today)")]
    Empty,
    #[error("'{0}' is not a date (YYYY-MM-DD, t, +N)")]
    Invalid(String),
}

/// Parse `2026-11-30`, `t`/`today`, `+7` (days from today), `tomorrow`/`tm`.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let s = input.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let invalid = || DateError::Invalid(input.trim().to_string());
    match s.as_str() {
        "t" | "today" => return Ok(today),
        "tm" | "tomorrow" => return today.checked_add_days(Days::new(1)).ok_or_else(invalid),
        _ => {}
    }
    if let Some(n) = s.strip_prefix('+') {
        let n: u64 = n.parse().map_err(|_| invalid())?;
        if n > 3650 {
            return Err(invalid());
        }
        return today.checked_add_days(Days::new(n)).ok_or_else(invalid);
    }
    let date = NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| invalid())?;
    if !(1900..=2200).contains(&date.year()) {
        return Err(invalid());
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_relative_to_the_injected_today() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        assert_eq!(parse_date("t", today), Ok(today));
        assert_eq!(parse_date("+7", today), Ok("2026-11-29".parse().unwrap()));
        assert_eq!(parse_date("tomorrow", today), Ok("2026-11-23".parse().unwrap()));
        assert_eq!(parse_date("2026-12-01", today), Ok("2026-12-01".parse().unwrap()));
        assert_eq!(parse_date(" ", today), Err(DateError::Empty));
        assert!(parse_date("2026-02-30", today).is_err());
        assert!(parse_date("+x", today).is_err());
        assert!(parse_date("0001-01-01", today).is_err());
    }
}
