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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    colour: bool,
}

impl Theme {
    /// Honours NO_COLOR (any non-empty value), as https://no-color.org asks.
    pub fn from_env() -> Theme {
        Theme { colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn colour() -> Theme {
        Theme { colour: true }
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
