//! Colours by meaning. Screens ask for a role, never for a colour, so a theme (or
//! NO_COLOR, which keeps only bold, dim and reverse) changes every screen at once.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::Bucket;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Base,
    Muted,
    Title,
    Border,
    Selected,
    KeyHint,
    Error,
    Warning,
    Success,
    Current,
    Overdue1To30,
    Overdue31To60,
    Overdue61To90,
    Overdue90Plus,
    PromiseBroken,
    OnHold,
}

impl Role {
    pub const ALL: [Role; 16] = [
        Role::Base,
        Role::Muted,
        Role::Title,
        Role::Border,
        Role::Selected,
        Role::KeyHint,
        Role::Error,
        Role::Warning,
        Role::Success,
        Role::Current,
        Role::Overdue1To30,
        Role::Overdue31To60,
        Role::Overdue61To90,
        Role::Overdue90Plus,
        Role::PromiseBroken,
        Role::OnHold,
    ];

    /// The name config.toml `[theme]` uses.
    pub fn name(self) -> &'static str {
        match self {
            Role::Base => "base",
            Role::Muted => "muted",
            Role::Title => "title",
            Role::Border => "border",
            Role::Selected => "selected",
            Role::KeyHint => "key-hint",
            Role::Error => "error",
            Role::Warning => "warning",
            Role::Success => "success",
            Role::Current => "current",
            Role::Overdue1To30 => "1-30",
            Role::Overdue31To60 => "31-60",
            Role::Overdue61To90 => "61-90",
            Role::Overdue90Plus => "90+",
            Role::PromiseBroken => "broken-promise",
            Role::OnHold => "on-hold",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    colour: bool,
    /// The user's colours by role (`selected` is a background), from config.toml `[theme]`.
    custom: [Option<Color>; 16],
}

impl Theme {
    /// Honours NO_COLOR (any non-empty value), as https://no-color.org asks.
    pub fn from_env() -> Theme {
        Theme { colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()), custom: [None; 16] }
    }

    pub fn colour() -> Theme {
        Theme { colour: true, custom: [None; 16] }
    }

    /// The user's colours: role name = colour name ("light-red") or "#rrggbb". An error
    /// names the role.
    pub fn with_overrides(mut self, colours: &[(String, String)]) -> Result<Theme, (String, String)> {
        for (name, value) in colours {
            let Some(i) = Role::ALL.iter().position(|r| r.name() == name) else {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                return Err((name.clone(), format!("no colour role '{name}' (roles: {})", names.join(", "))));
            };
            let colour = value.parse::<Color>().map_err(|_| {
                (name.clone(), format!("'{value}' is not a colour (a name such as \"light-blue\", or \"#1e3a5f\")"))
            })?;
            self.custom[i] = Some(colour);
        }
        Ok(self)
    }

    pub fn style(&self, role: Role) -> Style {
        let plain = Style::default();
        if !self.colour {
            return match role {
                Role::Title | Role::KeyHint | Role::Error | Role::Overdue90Plus | Role::PromiseBroken => {
                    plain.add_modifier(Modifier::BOLD)
                }
                Role::Muted | Role::Border | Role::Current | Role::OnHold => plain.add_modifier(Modifier::DIM),
                Role::Selected => plain.add_modifier(Modifier::REVERSED),
                _ => plain,
            };
        }
        if let Some(colour) = Role::ALL.iter().position(|r| *r == role).and_then(|i| self.custom[i]) {
            return match role {
                Role::Selected => plain.bg(colour).add_modifier(Modifier::BOLD),
                _ => self.builtin(role).fg(colour),
            };
        }
        self.builtin(role)
    }

    fn builtin(&self, role: Role) -> Style {
        let plain = Style::default();
        match role {
            Role::Base => plain,
            Role::Muted => plain.fg(Color::DarkGray),
            Role::Title => plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Role::Border => plain.fg(Color::DarkGray),
            Role::Selected => plain.bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            Role::KeyHint => plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Role::Error => plain.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Role::Warning => plain.fg(Color::Yellow),
            Role::Success => plain.fg(Color::Green),
            Role::Current => plain.fg(Color::Green),
            Role::Overdue1To30 => plain.fg(Color::Yellow),
            Role::Overdue31To60 => plain.fg(Color::LightYellow),
            Role::Overdue61To90 => plain.fg(Color::LightRed),
            Role::Overdue90Plus => plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            Role::PromiseBroken => plain.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            Role::OnHold => plain.fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
        }
    }

    pub fn bucket(&self, bucket: Bucket) -> Style {
        self.style(match bucket {
            Bucket::Current => Role::Current,
            Bucket::Days1To30 => Role::Overdue1To30,
            Bucket::Days31To60 => Role::Overdue31To60,
            Bucket::Days61To90 => Role::Overdue61To90,
            Bucket::Days91To120 | Bucket::Over120 => Role::Overdue90Plus,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_colours_replace_the_role_and_bad_ones_are_named() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let t = Theme::colour().with_overrides(&pairs(&[("selected", "#1e3a5f"), ("90+", "light-red")])).unwrap();
        assert_eq!(t.style(Role::Selected).bg, Some(Color::Rgb(0x1e, 0x3a, 0x5f)));
        assert_eq!(t.style(Role::Overdue90Plus).fg, Some(Color::LightRed));
        assert!(t.style(Role::Overdue90Plus).add_modifier.contains(Modifier::BOLD), "keeps its emphasis");
        assert_eq!(t.style(Role::Warning), Theme::colour().style(Role::Warning));
        let err = Theme::colour().with_overrides(&pairs(&[("selection", "blue")])).unwrap_err();
        assert!(err.1.contains("roles: base, muted"), "{err:?}");
        assert!(Theme::colour().with_overrides(&pairs(&[("title", "octarine")])).is_err());
    }
}
