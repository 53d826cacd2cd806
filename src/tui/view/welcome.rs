//! The first screen of an empty book, and the brief loading screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::super::app::App;
use super::super::theme::{Role, Theme};
use super::centered;

pub fn loading(theme: &Theme, frame: &mut Frame, area: Rect) {
    let p = Paragraph::new(Line::styled("Opening the book…", theme.style(Role::Muted)));
    frame.render_widget(p, centered(area, 20, 1));
}

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = |k: &'static str| Span::styled(format!("  {k}  "), theme.style(Role::KeyHint));
    let mut lines = vec![
        Line::styled("Welcome to dun", theme.style(Role::Title)),
        Line::raw(""),
        Line::raw("This book is empty. dun keeps your debtors, their invoices, every call,"),
        Line::raw("promise and payment here, and ranks whom to contact next and why."),
        Line::raw(""),
        Line::from(vec![key("d"), Span::raw("Load the demo book: 250 realistic accounts to try the desk on")]),
        Line::raw(""),
        Line::from(vec![key("i"), Span::raw("Import your receivables: an A/R export as your accounting")]),
        Line::raw("     system writes it (QuickBooks, Xero, Sage, FreshBooks, Wave, Zoho,"),
        Line::raw("     any CSV). You see every change before anything is written."),
        Line::styled(
            "     From a shell: dun import FILE…  (dun formats lists what it reads)",
            theme.style(Role::Muted),
        ),
        Line::raw(""),
        Line::from(vec![key("?"), Span::raw("keys   "), key("q"), Span::raw("quit")]),
    ];
    if app.progress.is_some() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Writing the demo book…", theme.style(Role::Warning)));
    }
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let height = lines.len() as u16 + 2;
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), centered(area, 76, height));
}
