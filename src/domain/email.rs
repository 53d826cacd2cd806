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
    /// The printable letter, attached as a PDF.
    pub attachment: Option<Attachment<'a>>,
    /// A draft for the collector's mail client to open and send (no mail server configured).
    pub draft: bool,
}

pub struct Attachment<'a> {
    pub file_name: &'a str,
    pub pdf: &'a [u8],
}

/// A UTF-8 message with CRLF line ends: plain text, or text plus the PDF as multipart/mixed.
/// `X-Unsent: 1` makes Outlook and others open a draft as a message to send rather than as
/// a received mail.
pub fn to_eml(e: &Email) -> String {
    let mut out = String::new();
    let mut headers = vec![
        ("From", e.from.to_string()),
        ("To", e.to.to_string()),
        ("Subject", encode_header(e.subject)),
        ("Date", e.date.to_rfc2822()),
        ("Message-ID", e.message_id.to_string()),
        ("MIME-Version", "1.0".to_string()),
    ];
    // The boundary must not occur in the parts: base64 and the letter never hold "=_".
    let boundary = format!("=_dun_{}", e.message_id.trim_matches(['<', '>']).replace('@', "_"));
    match e.attachment {
        Some(_) => headers.push(("Content-Type", format!("multipart/mixed; boundary=\"{boundary}\""))),
        None => headers.extend(text_part_headers()),
    }
    if e.draft {
        headers.push(("X-Unsent", "1".to_string()));
    }
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let Some(attachment) = &e.attachment else {
        push_body(&mut out, e.body);
        return out;
    };
    out.push_str(&format!("--{boundary}\r\n"));
    for (name, value) in text_part_headers() {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    push_body(&mut out, e.body);
    out.push_str(&format!("--{boundary}\r\n"));
    let name = attachment.file_name.replace('"', "");
    out.push_str(&format!("Content-Type: application/pdf; name=\"{name}\"\r\n"));
    out.push_str(&format!("Content-Disposition: attachment; filename=\"{name}\"\r\n"));
    out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    let encoded = STANDARD.encode(attachment.pdf);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

fn text_part_headers() -> [(&'static str, String); 2] {
    [("Content-Type", "text/plain; charset=utf-8".to_string()), ("Content-Transfer-Encoding", "8bit".to_string())]
}

/// Lines end in CRLF; a line that is a lone "." would end the message in SMTP's DATA, so
/// it is doubled (RFC 5321 §4.5.2) — here, where the message is made, for drafts and sends alike.
fn push_body(out: &mut String, body: &str) {
    for line in body.lines() {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
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
            attachment: None,
            draft: true,
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
    fn the_letter_rides_along_as_a_base64_pdf() {
        let pdf = vec![0x25u8; 200];
        let mut e = email("Statement", "Dear Acme,\n");
        e.attachment = Some(Attachment { file_name: "statement.pdf", pdf: &pdf });
        e.draft = false;
        let eml = to_eml(&e);
        assert!(eml.contains("Content-Type: multipart/mixed; boundary=\"=_dun_abc_dun\"\r\n"), "{eml}");
        assert!(!eml.contains("X-Unsent"));
        let parts: Vec<&str> = eml.split("--=_dun_abc_dun").collect();
        assert_eq!(parts.len(), 4, "preamble, text, pdf, closing: {eml}");
        assert!(parts[1].contains("text/plain; charset=utf-8") && parts[1].contains("Dear Acme,\r\n"));
        assert!(parts[2].contains("filename=\"statement.pdf\""));
        let b64: String = parts[2].split("\r\n\r\n").nth(1).unwrap().split("\r\n").collect();
        assert_eq!(STANDARD.decode(b64).unwrap(), pdf);
        assert!(parts[2].lines().all(|l| l.len() <= 78));
        assert_eq!(parts[3], "--\r\n");
    }

    #[test]
    fn non_ascii_subjects_are_encoded_words() {
        assert_eq!(encode_header("Relevé"), "=?UTF-8?B?UmVsZXbDqQ==?=");
        let long = encode_header(&"é".repeat(40));
        assert!(long.split("\r\n ").all(|w| w.len() <= 75), "{long}");
    }
}
