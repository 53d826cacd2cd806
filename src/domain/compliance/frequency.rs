//! F-FREQ (Reg F 1006.14(b)): at most 7 placed calls in 7 days per debt, and no call
//! within 7 days of a telephone conversation (its day is day 1). Counted on the
//! debtor's local calendar. S-MA: 2 communications in 7 days.

use chrono::{Days, NaiveDate};

/// One past contact, reduced to what the counting rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastCall {
    /// The debtor's local date of the call.
    pub local_date: NaiveDate,
    /// Outbound and connected (busy and disconnected tones are not; inbound is not placed).
    pub counts: bool,
    /// A telephone conversation with the debtor (starts the 7-day quiet period).
    pub conversation: bool,
    /// Counts toward Massachusetts' 2-in-7 (every connected call, message or text).
    pub ma_counts: bool,
    /// An initiated communication by any medium (Washington counts them all).
    pub communication: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub rule: &'static str,
    pub message: String,
    /// The first local date the next call is allowed.
    pub allowed_on: NaiveDate,
}

fn window_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_days(Days::new(6)).unwrap_or(day)
}

fn in_window(d: NaiveDate, day: NaiveDate) -> bool {
    d >= window_start(day) && d <= day
}

/// The first day on or after `day` on which fewer than `cap` counted calls fall in the
/// rolling 7 days ending that day.
fn first_day_under(calls: &[PastCall], day: NaiveDate, cap: usize, counted: impl Fn(&PastCall) -> bool) -> NaiveDate {
    let mut d = day;
    for _ in 0..8 {
        if calls.iter().filter(|c| counted(c) && in_window(c.local_date, d)).count() < cap {
            return d;
        }
        d = d.checked_add_days(Days::new(1)).unwrap_or(d);
    }
    d
}

/// Reg F's two presumptions for a call proposed on local date `day`.
pub fn seven_in_seven(calls: &[PastCall], day: NaiveDate) -> Option<Breach> {
    if let Some(talk) =
        calls.iter().filter(|c| c.conversation && in_window(c.local_date, day)).map(|c| c.local_date).max()
    {
        let allowed_on = talk.checked_add_days(Days::new(7)).unwrap_or(talk);
        return Some(Breach {
            rule: "F-FREQ-B",
            message: format!("a telephone conversation on {talk} starts 7 quiet days; next call allowed {allowed_on}"),
            allowed_on,
        });
    }
    let placed = calls.iter().filter(|c| c.counts && in_window(c.local_date, day)).count();
    if placed >= 7 {
        let allowed_on = first_day_under(calls, day, 7, |c| c.counts);
        return Some(Breach {
            rule: "F-FREQ-A",
            message: format!("this would be call {} in 7 days; next call allowed {allowed_on}", placed + 1),
            allowed_on,
        });
    }
    None
}

/// Massachusetts: no more than two initiated communications in 7 days.
pub fn massachusetts(calls: &[PastCall], day: NaiveDate) -> Option<Breach> {
    let n = calls.iter().filter(|c| c.ma_counts && in_window(c.local_date, day)).count();
    (n >= 2).then(|| {
        let allowed_on = first_day_under(calls, day, 2, |c| c.ma_counts);
        Breach {
            rule: "S-MA",
            message: format!(
                "{n} communications in the last 7 days (Massachusetts allows 2); next allowed {allowed_on}"
            ),
            allowed_on,
        }
    })
}

/// Washington (RCW 19.16.250, collection agencies): no more than 3 communications a week,
/// every medium counted, over a rolling 7 days.
pub fn washington(contacts: &[PastCall], day: NaiveDate) -> Option<Breach> {
    let n = contacts.iter().filter(|c| c.communication && in_window(c.local_date, day)).count();
    (n >= 3).then(|| {
        let allowed_on = first_day_under(contacts, day, 3, |c| c.communication);
        Breach {
            rule: "S-WA",
            message: format!(
                "{n} communications in the last 7 days (Washington allows 3 a week); next allowed {allowed_on}"
            ),
            allowed_on,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn call(date: &str) -> PastCall {
        PastCall { local_date: d(date), counts: true, conversation: false, ma_counts: true, communication: true }
    }
    fn talk(date: &str) -> PastCall {
        PastCall { conversation: true, ..call(date) }
    }

    fn t1() -> Vec<PastCall> {
        ["2025-03-03", "2025-03-03", "2025-03-04", "2025-03-04", "2025-03-05", "2025-03-05", "2025-03-06"]
            .iter()
            .map(|s| call(s))
            .collect()
    }

    #[test]
    fn t1_eighth_call_in_seven_days_is_blocked() {
        let b = seven_in_seven(&t1(), d("2025-03-07")).unwrap();
        assert_eq!(b.rule, "F-FREQ-A");
        assert_eq!(b.allowed_on, d("2025-03-10"));
    }

    #[test]
    fn t2_the_window_rolls_on() {
        assert_eq!(seven_in_seven(&t1(), d("2025-03-10")), None);
    }

    #[test]
    fn t3_t4_seven_quiet_days_after_a_conversation() {
        let h = [talk("2025-09-08")];
        for day in ["2025-09-08", "2025-09-09", "2025-09-12", "2025-09-14"] {
            let b = seven_in_seven(&h, d(day)).unwrap();
            assert_eq!((b.rule, b.allowed_on), ("F-FREQ-B", d("2025-09-15")), "{day}");
        }
        assert_eq!(seven_in_seven(&h, d("2025-09-15")), None);
    }

    #[test]
    fn t5_busy_signals_do_not_count() {
        let busy: Vec<_> = (0..8).map(|_| PastCall { counts: false, ..call("2025-03-03") }).collect();
        assert_eq!(seven_in_seven(&busy, d("2025-03-04")), None);
    }

    #[test]
    fn t7_an_inbound_conversation_starts_the_quiet_days() {
        let inbound = PastCall { counts: false, conversation: true, ..call("2025-09-08") };
        assert_eq!(seven_in_seven(&[inbound], d("2025-09-10")).unwrap().rule, "F-FREQ-B");
    }

    #[test]
    fn massachusetts_two_in_seven() {
        let h = [call("2025-03-03"), call("2025-03-05")];
        let b = massachusetts(&h, d("2025-03-06")).unwrap();
        assert_eq!(b.allowed_on, d("2025-03-10"));
        assert_eq!(massachusetts(&h[..1], d("2025-03-06")), None);
    }

    #[test]
    fn washington_three_a_week_of_any_medium() {
        let h = [call("2025-03-03"), call("2025-03-04"), call("2025-03-05")];
        let b = washington(&h, d("2025-03-06")).unwrap();
        assert_eq!((b.rule, b.allowed_on), ("S-WA", d("2025-03-10")));
        assert_eq!(washington(&h[..2], d("2025-03-06")), None);
    }
}
