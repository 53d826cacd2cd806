//! The in-memory filters: `/` on the agenda narrows it by name or what is due; `/` on an
//! account narrows the rows of its tabs. Both lists are small: no store round trip.

use crossterm::event::KeyEvent;

use super::app::App;
use crate::desk::AgendaItem;

impl App {
    pub(super) fn on_agenda_filter_key(&mut self, key: &KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(f) = self.agenda_filter.as_mut() else { return };
        match key.code {
            KeyCode::Esc => self.agenda_filter = None,
            KeyCode::Enter => {
                f.editing = false;
                if f.query.is_empty() {
                    self.agenda_filter = None;
                }
            }
            KeyCode::Backspace => {
                f.query.pop();
            }
            KeyCode::Char(c) => f.query.push(c),
            _ => {}
        }
        self.agenda_selected = 0;
    }

    /// The agenda's items that pass its filter.
    pub fn agenda_items(&self) -> Vec<&AgendaItem> {
        let query = self.agenda_filter.as_ref().map(|f| f.query.to_lowercase()).unwrap_or_default();
        self.agenda
            .iter()
            .flatten()
            .filter(|i| {
                query.is_empty()
                    || format!("{} {} {}", i.debtor_name, i.kind, i.what()).to_lowercase().contains(query.trim())
            })
            .collect()
    }

    /// Typing into the account's tab filter; the selection goes back to the first match.
    pub(super) fn on_tab_filter_key(&mut self, key: &KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(f) = self.tab_filter.as_mut() else { return };
        match key.code {
            KeyCode::Esc => self.tab_filter = None,
            KeyCode::Enter => {
                f.editing = false;
                if f.query.is_empty() {
                    self.tab_filter = None;
                }
            }
            KeyCode::Backspace => {
                f.query.pop();
            }
            KeyCode::Char(c) => f.query.push(c),
            _ => {}
        }
        if let Some(acc) = self.account.as_mut() {
            acc.selected = [0; 4];
        }
    }

    /// What the account's tabs are filtered by ("" for nothing).
    pub fn tab_query(&self) -> &str {
        self.tab_filter.as_ref().map_or("", |f| f.query.as_str())
    }
}
