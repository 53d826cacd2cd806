//! The one table of key bindings. Dispatch, the `?` help screen and the hint bar
//! are all read from it, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies. `Global` applies under every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    Welcome,
    Worklist,
    Account,
    /// The account screen while a call session runs: outcome keys first, then the account's.
    Session,
    Agenda,
    Reports,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Welcome => "Welcome",
            Context::Worklist => "Worklist",
            Context::Account => "Account",
            Context::Session => "Call session",
            Context::Agenda => "Agenda",
            Context::Reports => "Reports",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }
    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    /// Normalise a terminal key event: Shift is implied by an upper-case letter.
    pub fn from_event(e: &KeyEvent) -> Key {
        let mut mods = e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(e.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code: e.code, mods }
    }

    /// A key as config.toml writes it: "x", "X", "C-x", "Enter", "Esc", "Tab", "S-Tab",
    /// "Space", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End", "F1"…"F12".
    pub fn parse(text: &str) -> Result<Key, String> {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("C-").or_else(|| t.strip_prefix("Ctrl-")).or_else(|| t.strip_prefix("ctrl-"))
        {
            let mut chars = rest.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => Ok(Key::ctrl(c.to_ascii_lowercase())),
                _ => Err(format!("'{text}' is not a key: Ctrl goes with one letter, as in \"C-r\"")),
            };
        }
        let code = match t {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "S-Tab" => KeyCode::BackTab,
            "Space" => KeyCode::Char(' '),
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PgUp" => KeyCode::PageUp,
            "PgDn" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            f if f.starts_with('F') && f.len() > 1 => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(format!("'{text}' is not a key (function keys are F1 to F12)")),
            },
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => {
                return Err(format!(
                    "'{text}' is not a key (a character, C-x, Enter, Esc, Tab, S-Tab, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, F1-F12)"
                ));
            }
        };
        Ok(Key::plain(code))
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) { format!("C-{base}") } else { base }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: Vec<Key>,
    pub action: Action,
    /// Shown in the hint bar (the rest only in help).
    pub hint: bool,
}

impl Binding {
    pub fn keys_label(&self) -> String {
        self.keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
    }
}

fn b(context: Context, keys: &[Key], action: Action, hint: bool) -> Binding {
    Binding { context, keys: keys.to_vec(), action, hint }
}

/// The default keymap (DESIGN.md "Keys").
pub fn default_bindings() -> Vec<Binding> {
    use Action as A;
    use Context::*;
    use KeyCode as K;
    let list = [
        // Navigation shared by the lists.
        (&[Worklist, Account][..], &[Key::ch('j'), Key::plain(K::Down)][..], A::Down, false),
        (&[Worklist, Account], &[Key::ch('k'), Key::plain(K::Up)], A::Up, false),
        (&[Worklist, Account], &[Key::ch('g'), Key::plain(K::Home)], A::Top, false),
        (&[Worklist, Account], &[Key::ch('G'), Key::plain(K::End)], A::Bottom, false),
        (&[Worklist, Account], &[Key::plain(K::PageDown)], A::PageDown, false),
        (&[Worklist, Account], &[Key::plain(K::PageUp)], A::PageUp, false),
        (&[Worklist, Account], &[Key::ctrl('d')], A::HalfPageDown, false),
        (&[Worklist, Account], &[Key::ctrl('u')], A::HalfPageUp, false),
        (&[Worklist], &[Key::plain(K::Enter)], A::Open, true),
        (&[Worklist], &[Key::ch('/')], A::Filter, true),
        (&[Account], &[Key::ch('/')], A::Filter, false),
        (&[Worklist], &[Key::ch('v')], A::ToggleMark, false),
        (&[Worklist], &[Key::ch('V')], A::MarkAll, false),
        // Account actions, also on the selected worklist row.
        (&[Worklist, Account], &[Key::ch('c')], A::LogAttempt, true),
        (&[Worklist, Account], &[Key::ch('p')], A::RecordPayment, true),
        (&[Worklist, Account], &[Key::ch('n')], A::AddNote, true),
        (&[Worklist, Account], &[Key::ch('P')], A::Promise, false),
        (&[Account], &[Key::ch('L')], A::Plan, false),
        (&[Worklist, Account], &[Key::ch('f')], A::FollowUp, false),
        (&[Worklist, Account], &[Key::ch('d')], A::Dispute, false),
        (&[Worklist, Account], &[Key::ch('H')], A::Hold, false),
        (&[Worklist, Account], &[Key::ch('w')], A::Why, false),
        (&[Account], &[Key::plain(K::Tab), Key::ch('l'), Key::plain(K::Right)], A::NextTab, true),
        (&[Account], &[Key::plain(K::BackTab), Key::ch('h'), Key::plain(K::Left)], A::PrevTab, false),
        (&[Welcome], &[Key::ch('d')], A::LoadDemo, true),
        (&[Welcome], &[Key::ch('i')], A::Import, true),
        (&[Worklist], &[Key::ch('i')], A::Import, false),
        (&[Worklist, Account], &[Key::ch('R')], A::Reports, false),
        (&[Worklist, Account], &[Key::ch('A')], A::Agenda, false),
        (&[Worklist, Account], &[Key::ch('S')], A::Session, false),
        (&[Account], &[Key::ch('s')], A::Settle, false),
        (&[Account], &[Key::ch('x')], A::WriteOff, false),
        (&[Account], &[Key::ch('r')], A::Reverse, false),
        (&[Account], &[Key::ch('E')], A::Legal, false),
        (&[Account], &[Key::ch('e')], A::Extend, false),
        (&[Account], &[Key::ch('C')], A::AddContact, false),
        (&[Account], &[Key::ch('M')], A::MarkContact, false),
        // A call session: one key per outcome, then on to the next account.
        (&[Session], &[Key::ch('1')], A::QuickNoAnswer, true),
        (&[Session], &[Key::ch('2')], A::QuickLeftMessage, true),
        (&[Session], &[Key::ch('3')], A::QuickRightParty, true),
        (&[Session], &[Key::ch('4')], A::QuickPromise, true),
        (&[Session], &[Key::ch('5')], A::QuickRefused, false),
        (&[Session], &[Key::ch('6')], A::QuickDispute, false),
        (&[Session], &[Key::ch('7')], A::QuickCallBack, false),
        (&[Session], &[Key::ch('8')], A::QuickWrongNumber, false),
        (&[Session], &[Key::ch(' '), Key::ch('>')], A::SkipAccount, true),
        (&[Session], &[Key::ch('S')], A::Session, true),
        // The agenda lists what is due; Enter opens the account.
        (&[Agenda], &[Key::ch('j'), Key::plain(K::Down)], A::Down, false),
        (&[Agenda], &[Key::ch('k'), Key::plain(K::Up)], A::Up, false),
        (&[Agenda], &[Key::ch('g'), Key::plain(K::Home)], A::Top, false),
        (&[Agenda], &[Key::ch('G'), Key::plain(K::End)], A::Bottom, false),
        (&[Agenda], &[Key::plain(K::PageDown)], A::PageDown, false),
        (&[Agenda], &[Key::plain(K::PageUp)], A::PageUp, false),
        (&[Agenda], &[Key::plain(K::Enter)], A::Open, true),
        (&[Agenda], &[Key::ch('/')], A::Filter, true),
        // Everywhere.
        (&[Global], &[Key::ch('?'), Key::plain(K::F(1))], A::Help, true),
        (&[Global], &[Key::plain(K::Esc)], A::Back, false),
        (&[Worklist, Welcome], &[Key::ch('q')], A::Quit, true),
        (&[Account, Reports, Agenda], &[Key::ch('q')], A::Back, true),
        (&[Global], &[Key::ctrl('c')], A::Quit, false),
        (&[Global], &[Key::ctrl('l')], A::Refresh, false),
        (&[Global], &[Key::ch('*')], A::TogglePrivacy, false),
        (&[Global], &[Key::ch(':')], A::Palette, false),
        (&[Worklist, Account, Agenda], &[Key::ch('u')], A::Undo, false),
        (&[Worklist, Account, Agenda], &[Key::ctrl('r')], A::Redo, false),
    ];
    list.iter().flat_map(|(ctxs, keys, action, hint)| ctxs.iter().map(|c| b(*c, keys, *action, *hint))).collect()
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { bindings: default_bindings() }
    }
}

impl Keymap {
    /// The default keymap with the user's rebindings (config.toml `[keys]`: action name =
    /// key or list of keys). A rebound action keeps its screens and takes the new keys; a key
    /// taken from another action there is removed from it. An error names the action.
    pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> Result<Keymap, (String, String)> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let Some(action) = Action::ALL.iter().copied().find(|a| a.name() == name) else {
                return Err((name.clone(), format!("no action '{name}' (`:` in the desk lists them by name)")));
            };
            let keys: Vec<Key> =
                keys.iter().map(|k| Key::parse(k)).collect::<Result<_, _>>().map_err(|e| (name.clone(), e))?;
            if keys.is_empty() {
                return Err((name.clone(), format!("{name} needs at least one key")));
            }
            let contexts: Vec<Context> =
                map.bindings.iter().filter(|b| b.action == action).map(|b| b.context).collect();
            for b in map.bindings.iter_mut() {
                if b.action == action {
                    b.keys = keys.clone();
                } else if contexts.contains(&b.context) {
                    b.keys.retain(|k| !keys.contains(k));
                }
            }
            if let Some(orphan) = map.bindings.iter().find(|b| b.keys.is_empty()) {
                return Err((
                    name.clone(),
                    format!(
                        "{} takes the only key of {} in {}: give {} another key too",
                        name,
                        orphan.action.name(),
                        orphan.context.title(),
                        orphan.action.name()
                    ),
                ));
            }
        }
        Ok(map)
    }

    /// The action for `key` on a screen: the screen's own bindings first, then global ones.
    /// A call session is the account screen with outcome keys on top.
    pub fn lookup(&self, context: Context, key: Key) -> Option<Action> {
        let chain: &[Context] = match context {
            Context::Session => &[Context::Session, Context::Account, Context::Global],
            _ => &[context, Context::Global],
        };
        chain
            .iter()
            .find_map(|ctx| self.bindings.iter().find(|b| b.context == *ctx && b.keys.contains(&key)).map(|b| b.action))
    }

    /// Bindings of one context, in table order.
    pub fn of(&self, context: Context) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }

    /// The hint bar for a screen: its hinted bindings, then the hinted global ones.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        self.of(context)
            .chain(self.of(Context::Global))
            .filter(|b| b.hint)
            .map(|b| (b.keys[0].label(), b.action.hint()))
            .collect()
    }
}

/// The keys as a Markdown table, for the README (a test keeps the two equal).
pub fn markdown_table(map: &Keymap) -> String {
    let mut out = String::from("| where | keys | does |\n|---|---|---|\n");
    for ctx in [
        Context::Welcome,
        Context::Worklist,
        Context::Account,
        Context::Session,
        Context::Agenda,
        Context::Reports,
        Context::Global,
    ] {
        for b in map.of(ctx) {
            let keys = b.keys.iter().map(|k| format!("`{}`", k.label())).collect::<Vec<_>>().join(" ");
            out.push_str(&format!("| {} | {} | {} |\n", ctx.title(), keys, b.action.description()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_context_binds_one_key_twice() {
        let map = Keymap::default();
        for ctx in [
            Context::Global,
            Context::Welcome,
            Context::Worklist,
            Context::Account,
            Context::Session,
            Context::Agenda,
            Context::Reports,
        ] {
            let mut seen = Vec::new();
            for b in map.of(ctx) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{:?} bound twice in {ctx:?}", k.label());
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn every_action_is_reachable_and_described() {
        let map = Keymap::default();
        for action in Action::ALL {
            assert!(map.bindings.iter().any(|b| b.action == action), "{} has no key", action.name());
            assert!(!action.description().is_empty());
        }
    }

    #[test]
    fn uppercase_letters_drop_the_shift_modifier() {
        let e = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Keymap::default().lookup(Context::Worklist, Key::from_event(&e)), Some(Action::Bottom));
    }

    #[test]
    fn rebinding_moves_the_key_and_bad_names_or_keys_are_named() {
        let o = |a: &str, k: &[&str]| vec![(a.to_string(), k.iter().map(|s| s.to_string()).collect())];
        let map = Keymap::with_overrides(&o("log-attempt", &["C-g", "F2"])).unwrap();
        assert_eq!(map.lookup(Context::Worklist, Key::ctrl('g')), Some(Action::LogAttempt));
        assert_eq!(map.lookup(Context::Account, Key::plain(KeyCode::F(2))), Some(Action::LogAttempt));
        assert_eq!(map.lookup(Context::Worklist, Key::ch('c')), None, "the old key is free");
        // Taking another action's key removes it there; taking its only key is refused.
        let map = Keymap::with_overrides(&o("add-note", &["n", "N"])).unwrap();
        assert_eq!(map.lookup(Context::Account, Key::ch('N')), Some(Action::AddNote));
        let err = Keymap::with_overrides(&o("add-note", &["c"])).unwrap_err();
        assert!(err.1.contains("only key of log-attempt"), "{err:?}");
        let err = Keymap::with_overrides(&o("log-atempt", &["c"])).unwrap_err();
        assert_eq!(err.0, "log-atempt");
        assert!(Keymap::with_overrides(&o("log-attempt", &["Ctrl-12"])).unwrap_err().1.contains("not a key"));
        assert_eq!(Key::parse("Space"), Ok(Key::ch(' ')));
        assert!(Key::parse("F13").is_err());
    }
}
