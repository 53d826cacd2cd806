//! F-TIME: 08:00 ≤ local time < 21:00 in every place the debtor may be, with a
//! last-dial buffer before 21:00 that warns.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallWindow {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    /// Minutes before `closes` in which a dial only warns (a call started at 20:59 runs past 21:00).
    pub buffer_minutes: i64,
}

impl Default for CallWindow {
    fn default() -> Self {
        CallWindow {
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            buffer_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowVerdict {
    Inside,
    /// Inside, but within the buffer before closing somewhere.
    ClosingSoon,
    /// Outside somewhere; the earliest instant that is inside everywhere.
    Outside {
        next_open: Option<DateTime<Utc>>,
    },
}

fn local_inside(at: DateTime<Utc>, tz: Tz, w: &CallWindow, closes: NaiveTime) -> bool {
    let local = at.with_timezone(&tz).time();
    local >= w.opens && local < closes
}

fn inside_all(at: DateTime<Utc>, zones: &[Tz], w: &CallWindow, closes: NaiveTime) -> bool {
    zones.iter().all(|tz| local_inside(at, *tz, w, closes))
}

pub fn check_window(at: DateTime<Utc>, zones: &[Tz], w: &CallWindow) -> WindowVerdict {
    let buffered = w.closes - chrono::Duration::minutes(w.buffer_minutes);
    if inside_all(at, zones, w, buffered) {
        return WindowVerdict::Inside;
    }
    if inside_all(at, zones, w, w.closes) {
        return WindowVerdict::ClosingSoon;
    }
    // The intersection of the windows always opens when some zone's window opens.
    let mut candidates: Vec<DateTime<Utc>> = Vec::new();
    for tz in zones {
        let local_day = at.with_timezone(tz).date_naive();
        for d in 0..3 {
            if let Some(day) = local_day.checked_add_days(Days::new(d))
                && let Some(open) = tz.from_local_datetime(&day.and_time(w.opens)).earliest()
            {
                let open = open.with_timezone(&Utc);
                if open > at {
                    candidates.push(open);
                }
            }
        }
    }
    candidates.sort();
    let next_open = candidates.into_iter().find(|c| inside_all(*c, zones, w, buffered));
    WindowVerdict::Outside { next_open }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn local(tz: Tz, s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        tz.from_local_datetime(&naive).unwrap().with_timezone(&Utc)
    }

    /// F-TIME-1 vectors, consumer in America/Chicago.
    #[test]
    fn default_window_vectors() {
        let w = CallWindow::default();
        let z = [Tz::America__Chicago];
        let at = |t: &str| check_window(local(Tz::America__Chicago, &format!("2025-06-10 {t}")), &z, &w);
        assert!(matches!(at("07:59:59"), WindowVerdict::Outside { .. }));
        assert_eq!(at("08:00:00"), WindowVerdict::Inside);
        assert_eq!(at("20:44:59"), WindowVerdict::Inside);
        assert_eq!(at("20:45:00"), WindowVerdict::ClosingSoon);
        assert!(matches!(at("21:00:00"), WindowVerdict::Outside { .. }));
        let WindowVerdict::Outside { next_open } = at("21:30:00") else { panic!() };
        assert_eq!(next_open, Some(local(Tz::America__Chicago, "2025-06-11 08:00:00")));
    }

    fn allowed(zones: &[Tz], at: DateTime<Utc>) -> bool {
        let w = CallWindow { buffer_minutes: 0, ..CallWindow::default() };
        check_window(at, zones, &w) == WindowVerdict::Inside
    }

    /// Assert the allowed interval is exactly [start, end) (UTC strings), minute-precise.
    fn interval(zones: &[Tz], start: &str, end: &str) {
        let s: DateTime<Utc> = start.parse().unwrap();
        let e: DateTime<Utc> = end.parse().unwrap();
        let minute = chrono::Duration::minutes(1);
        assert!(!allowed(zones, s - minute), "open before {start}");
        assert!(allowed(zones, s), "closed at {start}");
        assert!(allowed(zones, e - minute), "closed before {end}");
        assert!(!allowed(zones, e), "open at {end}");
    }

    /// F-TIME-2 vectors: the intersection across candidate zones, across DST.
    #[test]
    fn candidate_zone_vectors() {
        use Tz::*;
        // {Chicago, Los Angeles}, 2025-06-10: 10:00–21:00 CDT = 15:00–02:00 UTC.
        interval(&[America__Chicago, America__Los_Angeles], "2025-06-10T15:00:00Z", "2025-06-11T02:00:00Z");
        // Default unknown set in DST: 18:00–01:00 UTC.
        interval(&super::super::zones::UNKNOWN, "2025-06-10T18:00:00Z", "2025-06-11T01:00:00Z");
        // Standard time: 18:00–02:00 UTC.
        interval(&super::super::zones::UNKNOWN, "2025-01-14T18:00:00Z", "2025-01-15T02:00:00Z");
        // Contiguous 48 plus Phoenix, summer: 11:00–21:00 EDT = 15:00–01:00 UTC.
        let lower48 = [America__New_York, America__Chicago, America__Denver, America__Phoenix, America__Los_Angeles];
        interval(&lower48, "2025-06-10T15:00:00Z", "2025-06-11T01:00:00Z");
        // {New York, Guam}: 17:00–21:00 EST in winter, 18:00–21:00 EDT in summer.
        interval(&[America__New_York, Pacific__Guam], "2025-01-14T22:00:00Z", "2025-01-15T02:00:00Z");
        interval(&[America__New_York, Pacific__Guam], "2025-06-10T22:00:00Z", "2025-06-11T01:00:00Z");
    }

    #[test]
    fn across_the_dst_change() {
        // 2026-03-08: New York springs forward. 08:00 EDT = 12:00 UTC (it was 13:00 UTC the day before).
        let z = [Tz::America__New_York];
        assert!(allowed(&z, "2026-03-08T12:00:00Z".parse().unwrap()));
        assert!(!allowed(&z, "2026-03-07T12:00:00Z".parse().unwrap()));
    }
}
