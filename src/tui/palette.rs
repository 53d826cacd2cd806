//! The command palette (`:`): every action of the screen by name, with its key; typing
//! narrows the list (letters in order, like a fuzzy finder), Enter runs the action.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::{App, Overlay};
use super::keymap::Context;
use super::worker::{Request, Ticket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

/// One line of the palette: the action, its keys on this screen, its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub action: Action,
    pub keys: String,
}

/// Whether every character of `query` occurs in `text` in order (case ignored), and how
/// tightly: a lower score is a better match (the span the match covers).
fn matches(query: &str, text: &str) -> Option<usize> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut start = None;
    let mut at = 0;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text[at..].iter().position(|c| *c == q)? + at;
        start.get_or_insert(found);
        at = found + 1;
    }
    Some(at - start.unwrap_or(0))
}

impl App {
    /// The actions the palette offers here: the screen's own, then those everywhere.
    pub fn palette_entries(&self, query: &str) -> Vec<Entry> {
        let here = self.context();
        let contexts: Vec<Context> = match here {
            Context::Session => vec![Context::Session, Context::Account, Context::Global],
            _ => vec![here, Context::Global],
        };
        let mut entries: Vec<(usize, Entry)> = Vec::new();
        for ctx in contexts {
            for b in self.keymap.of(ctx) {
                if b.action == Action::Palette || entries.iter().any(|(_, e)| e.action == b.action) {
                    continue;
                }
                let text = format!("{} {}", b.action.name(), b.action.description());
                if let Some(score) = matches(query, &text) {
                    entries.push((score, Entry { action: b.action, keys: b.keys_label() }));
                }
            }
        }
        // Tighter matches first; the keymap's order among equals.
        entries.sort_by_key(|(score, _)| if query.trim().is_empty() { 0 } else { *score });
        entries.into_iter().map(|(_, e)| e).collect()
    }

    pub(super) fn on_palette_key(&mut self, key: &KeyEvent, mut p: Palette, out: &mut Vec<(Ticket, Request)>) {
        let count = self.palette_entries(&p.query).len();
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                if let Some(entry) = self.palette_entries(&p.query).get(p.selected) {
                    let action = entry.action;
                    self.act(action, out);
                }
                return;
            }
            KeyCode::Down => p.selected = (p.selected + 1).min(count.saturating_sub(1)),
            KeyCode::Up => p.selected = p.selected.saturating_sub(1),
            KeyCode::Char('n') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                p.selected = (p.selected + 1).min(count.saturating_sub(1))
            }
            KeyCode::Char('p') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                p.selected = p.selected.saturating_sub(1)
            }
            KeyCode::Backspace => {
                p.query.pop();
                p.selected = 0;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                p.query.push(c);
                p.selected = 0;
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Palette(p));
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn letters_in_order_match_tighter_spans_rank_first() {
        assert!(matches("wo", "write-off Write off").is_some());
        assert!(matches("sttl", "settle Settle for less").is_some());
        assert!(matches("zz", "settle").is_none());
        assert!(
            matches("pay", "record-payment Record a payment").unwrap()
                < matches("pay", "promise Record a promise to pay").unwrap()
        );
        assert_eq!(matches("", "anything"), Some(0));
    }
}
