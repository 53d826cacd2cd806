//! The one place that may read the wall clock. Everything else is handed a `Clock`,
//! so `--today` / `--now` (and DUN_TODAY / DUN_NOW) make every run reproducible.

use chrono::{DateTime, Local, NaiveDate, NaiveTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: Option<DateTime<Utc>>,
    today: Option<NaiveDate>,
}

impl Clock {
    /// The real clock.
    pub fn system() -> Clock {
        Clock { now: None, today: None }
    }

    /// A clock pinned by the user or a test. With only `today`, "now" is 18:00 UTC of it:
    /// early afternoon on the US east coast and morning in Hawaii, inside every call window.
    pub fn pinned(today: Option<NaiveDate>, now: Option<DateTime<Utc>>) -> Clock {
        Clock { now, today }
    }

    /// A clock fixed at 18:00 UTC on `today`: the usual test clock.
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock::pinned(Some(today), None)
    }

    pub fn now(&self) -> DateTime<Utc> {
        match (self.now, self.today) {
            (Some(now), _) => now,
            (None, Some(today)) => today.and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default()).and_utc(),
            (None, None) => Utc::now(),
        }
    }

    /// The collector's calendar day.
    pub fn today(&self) -> NaiveDate {
        match (self.today, self.now) {
            (Some(today), _) => today,
            (None, Some(now)) => now.with_timezone(&Local).date_naive(),
            (None, None) => Local::now().date_naive(),
        }
    }

    pub fn is_pinned(&self) -> bool {
        self.now.is_some() || self.today.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_today_gives_an_afternoon_instant() {
        let c = Clock::fixed("2026-11-22".parse().unwrap());
        assert_eq!(c.now().to_rfc3339(), "2026-11-22T18:00:00+00:00");
        assert_eq!(c.today().to_string(), "2026-11-22");
    }
}
