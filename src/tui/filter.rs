//! `/` on a list: the filter's keys. Each keystroke asks the store thread's search (names
//! fuzzily, references, invoice numbers, phones, emails); the list shows what it found.

use crossterm::event::KeyEvent;

use super::app::{App, ReadKind};
use super::worker::{Request, Ticket};

impl App {
    /// Typing into the filter; `false` lets navigation keys through to the list.
    pub(super) fn on_filter_key(&mut self, key: &KeyEvent, out: &mut Vec<(Ticket, Request)>) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let Some(filter) = self.filter.as_mut() else { return false };
        match key.code {
            KeyCode::Esc => {
                self.filter = None;
                self.refilter();
                return true;
            }
            KeyCode::Enter => {
                filter.editing = false;
                if filter.query.is_empty() {
                    self.filter = None;
                }
                return true;
            }
            KeyCode::Backspace => {
                filter.query.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => filter.query.clear(),
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => filter.query.push(c),
            _ => return false,
        }
        let query = filter.query.clone();
        filter.ids = None;
        if query.trim().is_empty() {
            self.refilter();
        } else {
            self.read(ReadKind::Search, Request::Search(query), out);
        }
        true
    }
}
