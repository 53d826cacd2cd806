//! Rendering: a pure function of the desk's state. Nothing here reads the store,
//! the clock or the terminal, so every screen is snapshot-tested on TestBackend.

pub(crate) mod account;
mod agenda;
mod bars;
mod overlay;
mod reports;
mod welcome;
mod worklist;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Overlay, Screen};
use super::theme::Theme;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame) {
    let [title, body, status, hints] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(frame.area());
    bars::title(app, theme, frame, title);
    match app.screen {
        Screen::Loading => welcome::loading(theme, frame, body),
        Screen::Welcome => welcome::render(app, theme, frame, body),
        Screen::Worklist => worklist::render(app, theme, frame, body),
        Screen::Account => account::render(app, theme, frame, body),
        Screen::Reports => reports::render(app, theme, frame, body),
        Screen::Agenda => agenda::render(app, theme, frame, body),
    }
    bars::status(app, theme, frame, status);
    bars::hints(app, theme, frame, hints);
    match &app.overlay {
        Some(Overlay::Help) => overlay::help(app, theme, frame, body),
        Some(Overlay::Form(open)) => overlay::form(open, app.today, theme, frame, body),
        Some(Overlay::ConfirmDiscard(_)) => overlay::confirm_discard(theme, frame, body),
        Some(Overlay::ConfirmDemo) => overlay::confirm_demo(theme, frame, body),
        Some(Overlay::Why { debtor_id }) => overlay::why(app, *debtor_id, theme, frame, body),
        Some(Overlay::Palette(p)) => overlay::palette(app, p, theme, frame, body),
        Some(Overlay::ImportReview { report, scroll, .. }) => {
            overlay::import_review(report, *scroll, theme, frame, body)
        }
        None => {}
    }
}

/// A box of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// First row to draw so that `selected` is on a page of `height` rows.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    if height == 0 || selected < height { 0 } else { selected + 1 - height }
}

/// `s` cut to `width` characters with an ellipsis, so a cut is visible.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Short relative form of a past date: "today", "3d", "5w", "4mo", or the year.
pub fn ago(date: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> String {
    match date {
        None => "never".into(),
        Some(d) => match (today - d).num_days() {
            0 => "today".into(),
            n @ 1..=13 => format!("{n}d"),
            n @ 14..=90 => format!("{}w", n / 7),
            n @ 91..=365 => format!("{}mo", n / 30),
            _ => d.format("%Y").to_string(),
        },
    }
}

/// Short form of an upcoming date: "today", "tmrw", "MM-DD", with "!" when overdue.
pub fn due(date: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> String {
    match date {
        None => "-".into(),
        Some(d) if d == today => "today".into(),
        Some(d) if d < today => format!("!{}", d.format("%m-%d")),
        Some(d) if (d - today).num_days() == 1 => "tmrw".into(),
        Some(d) => d.format("%m-%d").to_string(),
    }
}
