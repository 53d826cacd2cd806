//! What dun prints on a terminal is text. Control characters that came in with the data
//! (an imported name holding `ESC [2J` clears the screen it is printed on) are printed as
//! `�`, never sent to the terminal raw. Output sent to a file or a pipe (a letter, an export,
//! JSON for a script) is written as it is.

use std::io::{self, Write};

/// `W`, with the control characters a terminal could obey written as `�`: C0 controls but
/// the tab, the newline, the carriage return and the form feed (a letter's own), DEL, and
/// the C1 controls (U+0080–U+009F, which some terminals obey as escapes).
pub struct Printable<W: Write>(pub W);

/// Standard output, filtered when it is a terminal.
pub fn stdout() -> Box<dyn Write> {
    use std::io::IsTerminal;
    let out = std::io::stdout();
    match out.is_terminal() {
        true => Box::new(Printable(out.lock())),
        false => Box::new(out.lock()),
    }
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r' | 0x0c)) || b == 0x7f
}

/// The lead byte of a C1 control in UTF-8 (U+0080–U+009F are `C2 80`–`C2 9F`).
const C1_LEAD: u8 = 0xC2;

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Formatted text reaches a writer a whole `str` at a time, so a character is never
        // cut between two calls.
        if !buf.iter().any(|&b| is_control(b) || b == C1_LEAD) {
            return self.0.write(buf);
        }
        self.0.write_all(&printable(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// `text` with its control characters as `�` (an error message that quotes a name).
pub fn printable_text(text: &str) -> String {
    String::from_utf8(printable(text.as_bytes())).unwrap_or_else(|_| text.to_string())
}

fn printable(buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len() + 8);
    let mut i = 0;
    while i < buf.len() {
        let b = buf[i];
        if b == C1_LEAD && buf.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)) {
            out.extend_from_slice(REPLACEMENT);
            i += 2;
            continue;
        }
        if is_control(b) {
            out.extend_from_slice(REPLACEMENT);
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_printed_as_replacement_characters() {
        let mut out = Printable(Vec::new());
        writeln!(out, "Acme\x1b[2J Ltd\x07\tü\u{9b}31m é\r\x0c").unwrap();
        assert_eq!(String::from_utf8(out.0).unwrap(), "Acme�[2J Ltd�\tü�31m é\r\x0c\n");
        assert_eq!(printable_text("a\x07b\u{7f}c"), "a�b�c");
        let mut plain = Printable(Vec::new());
        writeln!(plain, "Müller & Söhne\t€ 1.234,56").unwrap();
        assert_eq!(String::from_utf8(plain.0).unwrap(), "Müller & Söhne\t€ 1.234,56\n");
    }
}
