//! Title, status and hint bars.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::{App, Screen};
use super::super::theme::{Role, Theme};
use super::super::worker::Provisional;
use crate::domain::Money;

pub fn title(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let screen = match app.screen {
        Screen::Loading => "Loading",
        Screen::Welcome => "Welcome",
        Screen::Worklist => "Worklist",
        Screen::Account => "Account",
        Screen::Reports => "Reports",
        Screen::Agenda => "Agenda",
    };
    let mut spans = vec![Span::styled(" dun ", theme.style(Role::Title)), Span::raw(format!("· {screen}"))];
    if let Some(session) = app.session.as_ref().filter(|_| app.in_session()) {
        spans.push(Span::styled(format!("  {}", session.progress()), theme.style(Role::Warning)));
    } else if matches!(app.screen, Screen::Worklist | Screen::Account) && !app.rows.is_empty() {
        let currency = app.rows.first().map_or("USD", |r| r.currency.as_str());
        let whole = match app.provisional {
            Some(Provisional::Kept { accounts, total }) => Some((accounts, total)),
            Some(Provisional::FirstPage) => None,
            None => Some((app.rows.len(), app.rows_total)),
        };
        let text = match whole {
            Some((accounts, total)) if app.filter.as_ref().is_some_and(|f| f.ids.is_some()) => {
                // What the filter shows, of the whole.
                let shown: Money = app.visible.iter().filter_map(|&i| app.rows.get(i)).map(|r| r.balance).sum();
                format!(
                    "  {} of {accounts} accounts · {} of {} open",
                    app.visible.len(),
                    shown.display(currency),
                    total.display(currency)
                )
            }
            Some((accounts, total)) => format!("  {accounts} accounts · {} open", total.display(currency)),
            None => "  ranking every account…".to_string(),
        };
        spans.push(Span::styled(text, theme.style(Role::Muted)));
    }
    if !app.marked.is_empty() && app.screen == Screen::Worklist {
        spans.push(Span::styled(format!("  {} selected", app.marked.len()), theme.style(Role::Warning)));
    }
    if app.private {
        spans.push(Span::styled("  [private]", theme.style(Role::Warning)));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    // On a narrow terminal the date gives way to what the collector is doing.
    let right = if used + 16 <= usize::from(area.width) {
        format!("{} ", app.today.format("%a %Y-%m-%d"))
    } else if used + 11 <= usize::from(area.width) {
        format!("{} ", app.today.format("%m-%d"))
    } else {
        String::new()
    };
    let pad = usize::from(area.width).saturating_sub(used + right.chars().count());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.style(Role::Muted)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let line = if let Some(s) = app.status.as_ref().filter(|_| !app.filter.as_ref().is_some_and(|f| f.editing)) {
        Line::styled(format!(" {}", s.text), theme.style(if s.error { Role::Error } else { Role::Success }))
    } else if let Some(f) = app.tab_filter.as_ref().filter(|_| app.screen == Screen::Account) {
        let cursor = if f.editing { "▏" } else { "" };
        Line::from(vec![
            Span::styled(" / ", theme.style(Role::KeyHint)),
            Span::raw(format!("{}{cursor}", f.query)),
            Span::styled("  this tab's rows that match; Esc clears", theme.style(Role::Muted)),
        ])
    } else if let Some(f) = app.agenda_filter.as_ref().filter(|_| app.screen == Screen::Agenda) {
        let cursor = if f.editing { "▏" } else { "" };
        Line::from(vec![
            Span::styled(" / ", theme.style(Role::KeyHint)),
            Span::raw(format!("{}{cursor}", f.query)),
            Span::styled(format!("  {} item(s)", app.agenda_items().len()), theme.style(Role::Muted)),
        ])
    } else if let Some(f) = app.filter.as_ref().filter(|_| app.screen == Screen::Worklist) {
        let count = match f.ids {
            Some(_) => format!("  {} match(es)", app.visible.len()),
            None if f.query.trim().is_empty() => String::new(),
            None => "  searching…".into(),
        };
        let cursor = if f.editing { "▏" } else { "" };
        Line::from(vec![
            Span::styled(" / ", theme.style(Role::KeyHint)),
            Span::raw(format!("{}{cursor}", f.query)),
            Span::styled(count, theme.style(Role::Muted)),
        ])
    } else if let Some((done, total)) = app.progress {
        Line::styled(format!(" Writing the demo book… {done}/{total} debtors"), theme.style(Role::Warning))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub fn hints(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let hints: Vec<(String, &str)> = if app.overlay.is_some() {
        vec![]
    } else if app.filter.as_ref().is_some_and(|f| f.editing) {
        vec![("Enter".into(), "keep filter"), ("Esc".into(), "clear"), ("↑↓".into(), "move")]
    } else {
        app.keymap.hints(app.context())
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, label) in hints {
        spans.push(Span::styled(key, theme.style(Role::KeyHint)));
        spans.push(Span::styled(format!(" {label}  "), theme.style(Role::Muted)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
