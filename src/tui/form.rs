//! A small form: fields with a focus ring, validated as you type. Parsing is the
//! domain's (money, dates); the form only keeps text and shows the verdict.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::dates::parse_date;
use crate::domain::parse_money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text {
        required: bool,
    },
    /// An amount above zero.
    Money {
        required: bool,
    },
    Date {
        required: bool,
    },
    /// A time of day (optional): 14:30, 2:30pm.
    Time,
    /// (code, label) pairs; the value is the chosen code.
    Choice {
        options: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub value: String,
    initial: String,
    /// Cursor position in characters (text-like fields).
    pub cursor: usize,
    /// Letters typed on a choice, to jump by code.
    typed: String,
    /// A prefilled value not yet touched: the first character typed replaces it.
    fresh: bool,
}

impl Field {
    pub fn new(label: &'static str, kind: FieldKind, value: impl Into<String>) -> Field {
        let value = value.into();
        let fresh = !value.is_empty();
        Field { label, kind, cursor: value.chars().count(), initial: value.clone(), value, typed: String::new(), fresh }
    }

    pub fn choice(label: &'static str, options: Vec<(String, String)>, selected: &str) -> Field {
        let value =
            options.iter().find(|o| o.0 == selected).or(options.first()).map(|o| o.0.clone()).unwrap_or_default();
        Field::new(label, FieldKind::Choice { options }, value)
    }

    /// The verdict on the current text; `None` when it is fine.
    pub fn problem(&self, today: NaiveDate) -> Option<String> {
        let v = self.value.trim();
        match &self.kind {
            FieldKind::Text { required } => (*required && v.is_empty()).then(|| "required".to_string()),
            FieldKind::Money { required } => {
                if v.is_empty() && !required {
                    None
                } else {
                    match parse_money(v) {
                        Ok(m) if !m.is_positive() => Some("must be more than zero".into()),
                        Ok(_) => None,
                        Err(e) => Some(e.to_string()),
                    }
                }
            }
            FieldKind::Date { required } => {
                if v.is_empty() && !required {
                    None
                } else {
                    parse_date(v, today).err().map(|e| e.to_string())
                }
            }
            FieldKind::Time if v.is_empty() => None,
            FieldKind::Time => crate::domain::dates::parse_time_of_day(v).err(),
            FieldKind::Choice { .. } => None,
        }
    }

    pub fn choice_label(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Choice { options } => options.iter().find(|o| o.0 == self.value).map(|o| o.1.as_str()),
            _ => None,
        }
    }

    fn is_dirty(&self) -> bool {
        self.value != self.initial
    }

    fn on_key(&mut self, key: &KeyEvent) {
        if let FieldKind::Choice { options } = &self.kind {
            let at = options.iter().position(|o| o.0 == self.value).unwrap_or(0);
            let n = options.len().max(1);
            let next = match key.code {
                KeyCode::Right | KeyCode::Down | KeyCode::Char(' ') => Some((at + 1) % n),
                KeyCode::Left | KeyCode::Up => Some((at + n - 1) % n),
                KeyCode::Char(c) => {
                    self.typed.push(c.to_ascii_uppercase());
                    let find = |p: &str| options.iter().position(|o| o.0.to_ascii_uppercase().starts_with(p));
                    find(&self.typed).or_else(|| {
                        self.typed = c.to_ascii_uppercase().to_string();
                        find(&self.typed)
                    })
                }
                _ => None,
            };
            if let Some(i) = next {
                self.value = options[i].0.clone();
            }
            if !matches!(key.code, KeyCode::Char(c) if c != ' ') {
                self.typed.clear();
            }
            return;
        }
        if std::mem::take(&mut self.fresh)
            && matches!(key.code, KeyCode::Char(_))
            && !key.modifiers.contains(KeyModifiers::CONTROL)
        {
            self.value.clear();
            self.cursor = 0;
        }
        let len = self.value.chars().count();
        let byte = |s: &str, ci: usize| s.char_indices().nth(ci).map_or(s.len(), |(b, _)| b);
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                let at = byte(&self.value, self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Char('u') => {
                self.value.clear();
                self.cursor = 0;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = byte(&self.value, self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = byte(&self.value, self.cursor);
                self.value.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => {}
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    Editing,
    /// Enter (or Ctrl-S) with every field valid.
    Submit,
    /// Esc on an untouched form.
    Cancel,
    /// Esc with typed input: the caller asks before discarding.
    ConfirmDiscard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The store's answer to the last submit, e.g. a rule it refused on.
    pub error: Option<String>,
    /// Set while the store saves; keys are ignored meanwhile.
    pub saving: bool,
    /// A submit was tried: empty required fields now show their problem too.
    pub tried: bool,
    /// What Enter does, for the footer ("save", "preview").
    pub submit_label: &'static str,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form { title: title.into(), fields, focus: 0, error: None, saving: false, tried: false, submit_label: "save" }
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(Field::is_dirty)
    }

    pub fn value(&self, label: &str) -> &str {
        self.fields.iter().find(|f| f.label == label).map_or("", |f| f.value.as_str())
    }

    pub fn field_mut(&mut self, label: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.label == label)
    }

    /// Problems to show now: a field's problem shows once it has text or a submit was tried.
    pub fn visible_problem(&self, index: usize, today: NaiveDate) -> Option<String> {
        let f = &self.fields[index];
        if f.value.trim().is_empty() && !self.tried {
            return None;
        }
        f.problem(today)
    }

    pub fn is_valid(&self, today: NaiveDate) -> bool {
        self.fields.iter().all(|f| f.problem(today).is_none())
    }

    pub fn on_key(&mut self, key: &KeyEvent, today: NaiveDate) -> FormOutcome {
        if self.saving {
            return FormOutcome::Editing;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return if self.is_dirty() { FormOutcome::ConfirmDiscard } else { FormOutcome::Cancel },
            KeyCode::Tab => self.focus = (self.focus + 1) % self.fields.len(),
            KeyCode::BackTab => self.focus = (self.focus + self.fields.len() - 1) % self.fields.len(),
            KeyCode::Enter | KeyCode::Char('s') if key.code == KeyCode::Enter || ctrl => {
                self.tried = true;
                if self.is_valid(today) {
                    self.error = None;
                    return FormOutcome::Submit;
                }
                if let Some(i) = self.fields.iter().position(|f| f.problem(today).is_some()) {
                    self.focus = i;
                }
            }
            _ => {
                self.error = None;
                self.fields[self.focus].on_key(key);
            }
        }
        FormOutcome::Editing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }
    fn today() -> NaiveDate {
        "2026-11-22".parse().unwrap()
    }

    fn form() -> Form {
        Form::new(
            "Pay",
            vec![
                Field::new("Amount", FieldKind::Money { required: true }, ""),
                Field::new("Date", FieldKind::Date { required: true }, "t"),
                Field::choice("Method", vec![("check".into(), "Check".into()), ("ach".into(), "ACH".into())], "check"),
            ],
        )
    }

    #[test]
    fn validates_as_you_type_and_submits_only_when_valid() {
        let mut f = form();
        assert_eq!(f.visible_problem(0, today()), None);
        for c in "12.345".chars() {
            f.on_key(&key(KeyCode::Char(c)), today());
        }
        assert_eq!(f.visible_problem(0, today()).as_deref(), Some("more than 2 decimal places"));
        assert_eq!(f.on_key(&key(KeyCode::Enter), today()), FormOutcome::Editing);
        f.on_key(&key(KeyCode::Backspace), today());
        assert_eq!(f.on_key(&key(KeyCode::Enter), today()), FormOutcome::Submit);
        assert_eq!(f.value("Amount"), "12.34");
    }

    #[test]
    fn tab_cycles_and_choice_cycles_with_arrows_or_letters() {
        let mut f = form();
        f.on_key(&key(KeyCode::BackTab), today());
        assert_eq!(f.focus, 2);
        f.on_key(&key(KeyCode::Right), today());
        assert_eq!(f.value("Method"), "ach");
        f.on_key(&key(KeyCode::Char('c')), today());
        assert_eq!(f.value("Method"), "check");
        f.on_key(&key(KeyCode::Tab), today());
        assert_eq!(f.focus, 0);
    }

    #[test]
    fn esc_asks_before_discarding_typed_input() {
        let mut f = form();
        assert_eq!(f.on_key(&key(KeyCode::Esc), today()), FormOutcome::Cancel);
        f.on_key(&key(KeyCode::Char('5')), today());
        assert_eq!(f.on_key(&key(KeyCode::Esc), today()), FormOutcome::ConfirmDiscard);
    }

    #[test]
    fn empty_required_field_shows_its_problem_after_a_submit() {
        let mut f = form();
        assert_eq!(f.on_key(&key(KeyCode::Enter), today()), FormOutcome::Editing);
        assert_eq!(f.visible_problem(0, today()).as_deref(), Some("enter an amount, e.g. 125.00"));
    }
}
