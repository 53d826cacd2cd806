//! iCalendar (RFC 5545) for the collector's calendar: all-day events for follow-ups, promises
//! and installments due. Pure text; the desk decides what goes in.

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event. `uid` must stay the same across exports so a calendar updates the event
/// instead of adding a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub uid: String,
    pub on: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// The whole calendar, CRLF line ends, long lines folded at 75 octets.
pub fn to_ics(entries: &[CalendarEntry], stamp: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//dun//collections desk//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
    ];
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for e in entries {
        let next_day = e.on.succ_opt().unwrap_or(e.on);
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", escape(&e.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", e.on.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.format("%Y%m%d")),
            format!("SUMMARY:{}", escape(&e.summary)),
            format!("DESCRIPTION:{}", escape(&e.description)),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ]);
    }
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold(l)).collect()
}

/// TEXT values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets continue on the next line after a space (§3.1), never splitting
/// a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(summary: &str) -> CalendarEntry {
        CalendarEntry {
            uid: "promise-7@dun".into(),
            on: "2026-12-01".parse().unwrap(),
            summary: summary.into(),
            description: "line one\nline two".into(),
        }
    }

    #[test]
    fn an_all_day_event_with_escaped_text() {
        let stamp = "2026-11-22T18:00:00Z".parse().unwrap();
        let ics = to_ics(&[entry("Promise due: Acme, Inc; $500.00")], stamp);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n"));
        assert!(ics.contains("SUMMARY:Promise due: Acme\\, Inc\\; $500.00\r\n"));
        assert!(ics.contains("DESCRIPTION:line one\\nline two\r\n"));
        assert!(ics.contains("DTSTAMP:20261122T180000Z\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF in {ics:?}");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let long = "Follow up: Ünïcødé Hardware & Supply — ".repeat(5);
        let ics = to_ics(&[entry(&long)], "2026-11-22T18:00:00Z".parse().unwrap());
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{long}")));
    }
}
