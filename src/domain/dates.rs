//! Dates as collectors type them. `today` is always passed in, never read here.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};

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

/// Parse a time of day as people say it: `14:30`, `9:05`, `1430`, `2pm`, `2:30 pm`.
pub fn parse_time_of_day(input: &str) -> Result<NaiveTime, String> {
    let s = input.trim().to_lowercase();
    let bad = || format!("'{}': a time of day, e.g. 14:30 or 2:30pm", input.trim());
    let (clock, half) = match s.strip_suffix("pm").or(s.strip_suffix("am")) {
        Some(rest) => (rest.trim(), Some(s.ends_with("pm"))),
        None => (s.as_str(), None),
    };
    let (h, m) = match clock.split_once(':') {
        Some((h, m)) => (h, m),
        None if clock.len() >= 3 && half.is_none() => clock.split_at(clock.len() - 2),
        None => (clock, "0"),
    };
    let (mut h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match half {
        Some(_) if !(1..=12).contains(&h) => return Err(bad()),
        Some(pm) => h = h % 12 + if pm { 12 } else { 0 },
        None => {}
    }
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_as_people_write_them() {
        let t = |s: &str| parse_time_of_day(s).map(|t| t.format("%H:%M").to_string());
        for (input, want) in
            [("14:30", "14:30"), ("9:05", "09:05"), ("1430", "14:30"), ("2pm", "14:00"), ("2:30 PM", "14:30")]
        {
            assert_eq!(t(input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(t("12am").as_deref(), Ok("00:00"));
        assert_eq!(t("12pm").as_deref(), Ok("12:00"));
        for bad in ["25:00", "13pm", "noon", "", "9:61"] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

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
