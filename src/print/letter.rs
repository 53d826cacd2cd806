//! A letter on paper: the text in Courier (so the templates' columns stay aligned), the
//! recipient's address where a window envelope shows it, "Page i of n" on every page.

use chrono::NaiveDateTime;
use serde::Deserialize;

use super::pdf::{Document, Face, Page, Run};

const POINTS_PER_INCH: f32 = 72.0;
const POINTS_PER_MM: f32 = 72.0 / 25.4;
const SIZE: f32 = 10.0;
const LEADING: f32 = 12.0;
/// Courier is monospaced: every glyph is 600/1000 of the size wide.
const CHAR_WIDTH: f32 = SIZE * 0.6;
const FOOTER_SIZE: f32 = 8.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// US Letter, folded in three for a #10 window envelope.
    #[default]
    Letter,
    /// A4 with the address field of DIN 5008 (form B), for a DL window envelope.
    A4,
}

/// Where things go on the sheet, in points from the top-left corner.
struct Sheet {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    /// First line of the recipient's address, measured from the top edge.
    window_top: f32,
    window_lines: usize,
}

impl Paper {
    fn sheet(self) -> Sheet {
        match self {
            Paper::Letter => Sheet {
                width: 8.5 * POINTS_PER_INCH,
                height: 11.0 * POINTS_PER_INCH,
                left: POINTS_PER_INCH,
                right: 0.75 * POINTS_PER_INCH,
                top: 0.6 * POINTS_PER_INCH,
                bottom: 0.9 * POINTS_PER_INCH,
                window_top: 2.0 * POINTS_PER_INCH,
                window_lines: 6,
            },
            Paper::A4 => Sheet {
                width: 210.0 * POINTS_PER_MM,
                height: 297.0 * POINTS_PER_MM,
                left: 25.0 * POINTS_PER_MM,
                right: 20.0 * POINTS_PER_MM,
                top: 15.0 * POINTS_PER_MM,
                bottom: 22.0 * POINTS_PER_MM,
                window_top: 50.0 * POINTS_PER_MM,
                window_lines: 6,
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Paper::Letter => "Letter",
            Paper::A4 => "A4",
        }
    }

    /// Characters a body line holds before it wraps.
    pub fn columns(self) -> usize {
        let s = self.sheet();
        ((s.width - s.left - s.right) / CHAR_WIDTH) as usize
    }
}

/// One letter laid out; `address_in_window` says whether the recipient's address sits where
/// the envelope's window shows it (not when the template puts too much above it).
#[derive(Debug, Clone)]
pub struct Laid {
    pub pages: Vec<Page>,
    pub address_in_window: bool,
}

/// Lay out `text`; `address` is the recipient block (name, then address lines) as it
/// appears in the text.
pub fn lay_out(text: &str, address: &[String], paper: Paper) -> Laid {
    let sheet = paper.sheet();
    let lines: Vec<&str> = text.lines().collect();
    let at = find_block(&lines, address);
    let room_above = ((sheet.window_top - sheet.top) / LEADING) as usize;
    let address_in_window = at.is_some_and(|a| {
        wrapped_len(&lines[..a], paper.columns()) <= room_above && address.len() <= sheet.window_lines
    });
    let mut pages: Vec<Vec<(f32, String)>> = vec![Vec::new()];
    let mut y = sheet.top;
    for (i, line) in lines.iter().enumerate() {
        if address_in_window && Some(i) == at {
            y = sheet.window_top;
        }
        for piece in wrap(line, paper.columns()) {
            if y + LEADING > sheet.height - sheet.bottom {
                pages.push(Vec::new());
                y = sheet.top;
            }
            if let Some(page) = pages.last_mut() {
                page.push((y, piece));
            }
            y += LEADING;
        }
    }
    let count = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, lines)| {
            let mut runs: Vec<Run> = lines
                .into_iter()
                .map(|(from_top, text)| Run {
                    x: sheet.left,
                    y: sheet.height - from_top - SIZE,
                    size: SIZE,
                    face: Face::Courier,
                    text,
                })
                .collect();
            let footer = format!("Page {} of {count}", n + 1);
            runs.push(Run {
                x: (sheet.width - footer.len() as f32 * FOOTER_SIZE * 0.6) / 2.0,
                y: sheet.bottom / 2.0,
                size: FOOTER_SIZE,
                face: Face::Courier,
                text: footer,
            });
            Page { runs }
        })
        .collect();
    Laid { pages, address_in_window }
}

/// Several letters in one printable file (a batch), each numbering its own pages.
pub fn document(letters: Vec<Laid>, paper: Paper, title: &str, created: NaiveDateTime) -> Document {
    let sheet = paper.sheet();
    Document {
        width: sheet.width,
        height: sheet.height,
        title: title.to_string(),
        created,
        pages: letters.into_iter().flat_map(|l| l.pages).collect(),
    }
}

fn find_block(lines: &[&str], block: &[String]) -> Option<usize> {
    if block.is_empty() || block.len() > lines.len() {
        return None;
    }
    (0..=lines.len() - block.len()).find(|&i| block.iter().zip(&lines[i..]).all(|(b, l)| b.trim() == l.trim()))
}

fn wrapped_len(lines: &[&str], columns: usize) -> usize {
    lines.iter().map(|l| wrap(l, columns).len()).sum()
}

/// Break a line at spaces to fit `columns`; continuation lines keep the line's indent.
/// A word longer than a line is cut.
fn wrap(line: &str, columns: usize) -> Vec<String> {
    let line = line.trim_end().replace('\t', "    ");
    if line.chars().count() <= columns {
        return vec![line];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let indent = if indent.len() * 2 > columns { String::new() } else { indent };
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let prefix = if out.is_empty() && current.is_empty() { indent.clone() } else { String::new() };
        let candidate = if current.is_empty() {
            format!("{}{prefix}{word}", if out.is_empty() { "" } else { &indent })
        } else {
            format!("{current} {word}")
        };
        if candidate.chars().count() <= columns {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        let mut rest: String = format!("{indent}{word}");
        while rest.chars().count() > columns {
            let head: String = rest.chars().take(columns).collect();
            rest = format!("{indent}{}", rest.chars().skip(columns).collect::<String>());
            out.push(head);
        }
        current = rest;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Vec<String> {
        vec!["Ada Debtor".into(), "1 Main St".into(), "Springfield, IL 62701".into()]
    }

    fn letter(body_lines: usize) -> String {
        let mut s = String::from("Northwind Supply Co.\n12 Harbor Road\n\nNovember 22, 2026\n\n");
        s.push_str("Ada Debtor\n1 Main St\nSpringfield, IL 62701\n\nDear Ada Debtor,\n");
        for i in 0..body_lines {
            s.push_str(&format!("Line {i} of the letter.\n"));
        }
        s
    }

    fn from_top(run: &Run, paper: Paper) -> f32 {
        paper.sheet().height - run.y - SIZE
    }

    #[test]
    fn the_address_sits_in_the_envelope_window_on_both_papers() {
        for paper in [Paper::Letter, Paper::A4] {
            let laid = lay_out(&letter(3), &address(), paper);
            assert!(laid.address_in_window, "{paper:?}");
            let run = laid.pages[0].runs.iter().find(|r| r.text == "Ada Debtor").unwrap();
            assert!((from_top(run, paper) - paper.sheet().window_top).abs() < 0.01, "{paper:?}");
            let sender = laid.pages[0].runs.iter().find(|r| r.text == "Northwind Supply Co.").unwrap();
            assert!((from_top(sender, paper) - paper.sheet().top).abs() < 0.01);
        }
        assert_eq!(Paper::Letter.sheet().window_top, 144.0);
        assert!((Paper::A4.sheet().window_top - 141.73).abs() < 0.01);
    }

    #[test]
    fn a_long_letter_runs_over_pages_numbered_i_of_n() {
        let laid = lay_out(&letter(120), &address(), Paper::Letter);
        assert_eq!(laid.pages.len(), 3);
        for (i, page) in laid.pages.iter().enumerate() {
            assert_eq!(page.runs.last().unwrap().text, format!("Page {} of 3", i + 1));
            let lowest = page.runs.iter().rev().skip(1).map(|r| r.y).fold(f32::MAX, f32::min);
            assert!(lowest >= Paper::Letter.sheet().bottom - SIZE, "page {i} runs into the margin: {lowest}");
        }
        let all: Vec<&str> = laid
            .pages
            .iter()
            .flat_map(|p| p.runs.iter().map(|r| r.text.as_str()))
            .filter(|t| t.starts_with("Line "))
            .collect();
        assert_eq!(all.len(), 120, "no line lost at a page break");
    }

    #[test]
    fn too_much_above_the_address_says_so_and_flows() {
        let mut text = "Heading\n".repeat(12);
        text.push_str(&letter(1));
        let laid = lay_out(&text, &address(), Paper::Letter);
        assert!(!laid.address_in_window);
        assert!(!lay_out("No address here", &address(), Paper::Letter).address_in_window);
    }

    #[test]
    fn long_lines_wrap_at_spaces_keeping_their_indent() {
        let line = format!("  {}", "word ".repeat(30));
        let wrapped = wrap(&line, 40);
        assert!(wrapped.iter().all(|l| l.chars().count() <= 40 && l.starts_with("  word")), "{wrapped:?}");
        assert_eq!(wrapped.iter().map(|l| l.split_whitespace().count()).sum::<usize>(), 30);
        assert_eq!(wrap(&"x".repeat(90), 40).len(), 3);
        assert_eq!(Paper::Letter.columns(), 81);
        assert_eq!(Paper::A4.columns(), 77);
    }
}
