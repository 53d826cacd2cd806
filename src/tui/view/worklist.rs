//! The worklist: whom to contact next, and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::super::app::App;
use super::super::theme::{Role, Theme};
use super::{ago, centered, due, scroll_offset};
use crate::domain::priority::Tier;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    if app.visible.is_empty() {
        let text = if app.filter.is_some() {
            "No account matches the filter. Esc clears it."
        } else {
            "No open balances: nothing to collect today."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.style(Role::Muted))), centered(area, 50, 1));
        return;
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = scroll_offset(app.selected, height);
    let rows = app.visible.iter().enumerate().skip(offset).take(height).map(|(pos, &i)| {
        let r = &app.rows[i];
        let reason_role = match r.tier {
            Tier::PromiseDue if r.reason.contains("broken") => Role::PromiseBroken,
            Tier::PromiseDue | Tier::CallBackDue | Tier::InstallmentMissed => Role::Warning,
            Tier::OnHold => Role::OnHold,
            _ => Role::Base,
        };
        let row = Row::new(vec![
            Cell::from(r.name.as_str()),
            Cell::from(Line::from(r.balance.display(&r.currency)).right_aligned()),
            Cell::from(Line::from(r.days_past_due.to_string()).right_aligned()).style(theme.bucket(r.bucket)),
            Cell::from(r.bucket.label()).style(theme.bucket(r.bucket)),
            Cell::from(ago(r.last_contact, app.today)),
            Cell::from(due(r.next_follow_up, app.today)),
            Cell::from(Span::styled(r.reason.as_str(), theme.style(reason_role))),
        ]);
        if pos == app.selected { row.style(theme.style(Role::Selected)) } else { row }
    });
    let header = Row::new(["Name", "Balance", "DPD", "Bucket", "Last", "Next", "Why"]).style(theme.style(Role::Title));
    let widths = [
        Constraint::Fill(4),
        Constraint::Length(12),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Fill(5),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}
