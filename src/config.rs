//! config.toml: the collector's name, currency and policy. A partial file works;
//! an unknown key is an error that names its line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::domain::compliance::{Purpose, Role};
use crate::domain::priority::PriorityWeights;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Who is at the desk; recorded as the actor of every event.
    pub collector: String,
    /// Currency of new debtors and of amounts typed without one.
    pub currency: String,
    /// Days after a promise's date before it counts as broken.
    pub promise_grace_days: u32,
    pub priority: PriorityWeights,
    pub compliance: ComplianceDefaults,
    /// Automatic backups (before each import and migration) to keep beside the database.
    pub backups_to_keep: usize,
    /// Days after an installment's date before it counts as missed.
    pub plan_grace_days: u32,
    /// A plan breaks after this many missed installments.
    pub plan_misses_to_break: u32,
    /// Who the money is owed to, as letters sign it.
    pub creditor: Creditor,
    /// Days past due at which each escalation step comes due.
    pub ladder: crate::domain::ladder::LadderDays,
    /// How letters are printed.
    pub print: PrintSettings,
    /// The collector's own mail server; without it emails are written as drafts (.eml).
    pub smtp: Option<crate::mailer::SmtpSettings>,
    /// Rebound keys of the desk: action name = key or list of keys.
    pub keys: BTreeMap<String, KeyList>,
    /// Colours of the desk by role: role = colour name or "#rrggbb".
    pub theme: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl Config {
    pub fn key_overrides(&self) -> Vec<(String, Vec<String>)> {
        self.keys
            .iter()
            .map(|(action, keys)| {
                let keys = match keys {
                    KeyList::One(k) => vec![k.clone()],
                    KeyList::Many(ks) => ks.clone(),
                };
                (action.clone(), keys)
            })
            .collect()
    }

    pub fn colour_overrides(&self) -> Vec<(String, String)> {
        self.theme.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrintSettings {
    /// "letter" (US, #10 window envelope) or "a4" (DIN 5008, DL window envelope).
    pub paper: crate::print::Paper,
}

/// The creditor's name and the address where payments and disputes go, printed on letters.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Creditor {
    pub name: String,
    /// Lines separated by newlines (a TOML multi-line string).
    pub address: String,
    pub phone: String,
    /// The From address of emails.
    pub email: String,
}

/// What the book usually is, e.g. "we collect our own commercial invoices". An
/// account's own profile wins; unknown facts get the strictest rules.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceDefaults {
    pub debt_purpose: Purpose,
    pub collector_role: Role,
    /// Minutes before 9 p.m. in which a dial only warns.
    pub last_dial_buffer_minutes: i64,
}

impl Default for ComplianceDefaults {
    fn default() -> Self {
        ComplianceDefaults {
            debt_purpose: Purpose::Unknown,
            collector_role: Role::Unknown,
            last_dial_buffer_minutes: 15,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            collector: "collector".into(),
            currency: "USD".into(),
            promise_grace_days: 2,
            priority: PriorityWeights::default(),
            compliance: ComplianceDefaults::default(),
            backups_to_keep: 10,
            plan_grace_days: 5,
            plan_misses_to_break: 2,
            creditor: Creditor::default(),
            ladder: Default::default(),
            print: PrintSettings::default(),
            smtp: None,
            keys: BTreeMap::new(),
            theme: BTreeMap::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    /// Load `path`; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read { path: path.display().to_string(), source }),
        }
    }

    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid { path: path.to_string(), message };
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let what = e.message().to_string();
            invalid(match line {
                Some(l) => format!("line {l}: {what}"),
                None => what,
            })
        })?;
        if config.currency.len() != 3 || !config.currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(invalid(format!("currency '{}' is not an ISO code like USD", config.currency)));
        }
        // Keys and colours are checked here, where the text is, so the error names the line.
        let at = |section: &str, key: &str, message: String| {
            invalid(match line_of(text, section, key) {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            })
        };
        if let Err((action, message)) = crate::tui::keymap::Keymap::with_overrides(&config.key_overrides()) {
            return Err(at("keys", &action, message));
        }
        if let Err((role, message)) = crate::tui::theme::Theme::colour().with_overrides(&config.colour_overrides()) {
            return Err(at("theme", &role, message));
        }
        Ok(config)
    }
}

/// The line of `key = …` inside `[section]`.
fn line_of(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.trim_matches(['[', ']']).trim() == section;
        } else if inside && t.split('=').next().map(|k| k.trim().trim_matches('"')) == Some(key) {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_file_keeps_defaults() {
        let c = Config::parse("collector = \"Dana\"\n[priority]\nneglect_days = 10\n", "c.toml").unwrap();
        assert_eq!(c.collector, "Dana");
        assert_eq!(c.priority.neglect_days, 10);
        assert_eq!(c.currency, "USD");
    }

    #[test]
    fn unknown_key_names_the_line() {
        let err = Config::parse("collector = \"Dana\"\ncolour = 1\n", "c.toml").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn keys_and_colours_are_checked_with_their_line() {
        let ok = Config::parse(
            "[keys]\nlog-attempt = \"C-g\"\nadd-note = [\"n\", \"N\"]\n[theme]\nselected = \"#1e3a5f\"\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(ok.key_overrides().len(), 2);
        let err =
            Config::parse("collector = \"Dana\"\n[keys]\nlog-atempt = \"c\"\n", "c.toml").unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("no action 'log-atempt'"), "{err}");
        let err =
            Config::parse("[theme]\ntitle = \"cyan\"\n\"90+\" = \"octarine\"\n", "c.toml").unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("not a colour"), "{err}");
    }
}
