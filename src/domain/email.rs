//! An email as an RFC 5322 message file (.eml): what dun writes when no mail server is
//! configured, for the collector's own mail client to open, check and send.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

pub struct Email<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub date: DateTime<Utc>,
    /// Unique per message, e.g. "<digest@dun>".
    pub message_id: &'a str,
}

/// A plain-text UTF-8 message with CRLF line ends. `X-Unsent: 1` makes Outlook and others open
/// it as a draft to send rather than as a received mail.
pub fn to_eml(e: &Email) -> String {
    let mut out = String::new();
    for (name, value) in [
        ("From", e.from.to_string()),
        ("To", e.to.to_string()),
        ("Subject", encode_header(e.subject)),
        ("Date", e.date.to_rfc2822()),
        ("Message-ID", e.message_id.to_string()),
        ("MIME-Version", "1.0".to_string()),
        ("Content-Type", "text/plain; charset=utf-8".to_string()),
        ("Content-Transfer-Encoding", "8bit".to_string()),
        ("X-Unsent", "1".to_string()),
    ] {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    for line in e.body.lines() {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// Non-ASCII header text as RFC 2047 base64 encoded words (each under 76 characters).
fn encode_header(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        // 45 bytes of UTF-8 become 60 base64 characters: the word stays under 75.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words.iter().map(|w| format!("=?UTF-8?B?{}?=", STANDARD.encode(w.as_bytes()))).collect::<Vec<_>>().join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(subject: &'a str, body: &'a str) -> Email<'a> {
        Email {
            from: "ar@northwind.example",
            to: "pay@acme.example",
            subject,
            body,
            date: "2026-11-22T18:00:00Z".parse().unwrap(),
            message_id: "<abc@dun>",
        }
    }

    #[test]
    fn a_draft_message_with_crlf_lines() {
        let eml = to_eml(&email("Statement of account", "Dear Acme,\nplease pay.\n"));
        assert!(
            eml.starts_with("From: ar@northwind.example\r\nTo: pay@acme.example\r\nSubject: Statement of account\r\n")
        );
        assert!(eml.contains("Date: Sun, 22 Nov 2026 18:00:00 +0000\r\n"), "{eml}");
        assert!(eml.contains("X-Unsent: 1\r\n\r\nDear Acme,\r\nplease pay.\r\n"));
        assert!(!eml.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn non_ascii_subjects_are_encoded_words() {
        assert_eq!(encode_header("Relevé"), "=?UTF-8?B?UmVsZXbDqQ==?=");
        let long = encode_header(&"é".repeat(40));
        assert!(long.split("\r\n ").all(|w| w.len() <= 75), "{long}");
    }
}
