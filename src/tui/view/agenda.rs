//! The agenda: what is due today or overdue, then the next two weeks; Enter opens the account.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::super::app::App;
use super::super::theme::{Role, Theme};
use super::{centered, fit, scroll_offset};

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(all) = app.agenda.as_ref() else {
        frame.render_widget(
            Paragraph::new(Line::styled("Loading the agenda…", theme.style(Role::Muted))),
            centered(area, 30, 1),
        );
        return;
    };
    let items = app.agenda_items();
    if items.is_empty() {
        let text = if all.is_empty() {
            "Nothing due in the next two weeks: no follow-ups, promises, installments or holds ending."
        } else {
            "Nothing on the agenda matches the filter. Esc clears it."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.style(Role::Muted))), centered(area, 90, 1));
        return;
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = scroll_offset(app.agenda_selected, height);
    let flexible = usize::from(area.width).saturating_sub(8 + 11 + 12 + 4);
    let (name_w, what_w) = (flexible * 2 / 5, flexible - flexible * 2 / 5);
    let rows = items.iter().enumerate().skip(offset).take(height).map(|(pos, item)| {
        let (when, role) = match item.days_late {
            0 => ("today".to_string(), Role::Warning),
            d if d > 0 => (format!("{d}d late"), Role::PromiseBroken),
            d => (format!("in {}d", -d), Role::Base),
        };
        let selected = pos == app.agenda_selected;
        let style = |r: Role| if selected { ratatui::style::Style::default() } else { theme.style(r) };
        let row = Row::new(vec![
            Cell::from(when).style(style(role)),
            Cell::from(item.due_on.format("%a %m-%d").to_string()),
            Cell::from(item.kind),
            Cell::from(fit(&item.debtor_name, name_w)),
            Cell::from(fit(&item.what(), what_w)),
        ]);
        if selected { row.style(theme.style(Role::Selected)) } else { row }
    });
    let header = Row::new(["When", "Date", "What", "Account", "To do"]).style(theme.style(Role::Title));
    let widths = [
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Fill(2),
        Constraint::Fill(3),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}
