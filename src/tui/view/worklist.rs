//! The worklist: whom to contact next, and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::super::app::App;
use super::super::theme::{Role, Theme};
use super::{ago, centered, due, fit, scroll_offset};
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
    // Column widths as the table will lay them out, to cut long text with an ellipsis.
    let fixed = 12 + 4 + 6 + 5 + 6 + 10 + 7;
    let flexible = usize::from(area.width).saturating_sub(fixed);
    let (name_w, why_w) = (flexible * 4 / 9, flexible - flexible * 4 / 9);
    let rows = app.visible.iter().enumerate().skip(offset).take(height).map(|(pos, &i)| {
        let r = &app.rows[i];
        let reason_role = match r.tier {
            Tier::PromiseDue if r.reason.contains("broken") => Role::PromiseBroken,
            Tier::PromiseDue | Tier::CallBackDue | Tier::InstallmentMissed => Role::Warning,
            Tier::OnHold => Role::OnHold,
            _ => Role::Base,
        };
        // The selected row is drawn plain on the selection colour, so it stays readable.
        let selected = pos == app.selected;
        let styled =
            |role_style: ratatui::style::Style| if selected { ratatui::style::Style::default() } else { role_style };
        let row = Row::new(vec![
            Cell::from(if app.marked.contains(&r.id) {
                format!("● {}", fit(&r.name, name_w.saturating_sub(2)))
            } else {
                fit(&r.name, name_w)
            }),
            Cell::from(Line::from(r.balance.display(&r.currency)).right_aligned()),
            Cell::from(Line::from(r.days_past_due.to_string()).right_aligned()).style(styled(theme.bucket(r.bucket))),
            Cell::from(r.bucket.label()).style(styled(theme.bucket(r.bucket))),
            Cell::from(ago(r.last_contact, app.today)),
            Cell::from(due(r.next_follow_up, app.today)),
            Cell::from(match app.next_steps.get(&r.id) {
                Some(Some(step)) => step.short(),
                Some(None) => "-",
                None => "…",
            })
            .style(styled(theme.style(Role::Muted))),
            Cell::from(Span::styled(fit(&r.reason, why_w), styled(theme.style(reason_role)))),
        ]);
        if selected { row.style(theme.style(Role::Selected)) } else { row }
    });
    let header =
        Row::new(["Name", "Balance", "DPD", "Bucket", "Last", "Next", "Step", "Why"]).style(theme.style(Role::Title));
    let widths = [
        Constraint::Fill(4),
        Constraint::Length(12),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Fill(5),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}
