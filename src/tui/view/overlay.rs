//! Pop-ups over a screen: help, a form, the discard question.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::super::app::App;
use super::super::form::FieldKind;
use super::super::forms::OpenForm;
use super::super::keymap::Context;
use super::super::theme::{Role, Theme};
use super::centered;
use crate::desk::ImportReport;

fn boxed<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)))
}

/// Help for the current screen, generated from the keymap that dispatches keys.
/// On a short terminal it flows into two columns rather than losing rows.
pub fn help(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::tui::action::Action as A;
    // Moving about takes two lines, so every action fits an 80×24 terminal.
    const MOVES: [(&str, &[A]); 2] = [
        ("move", &[A::Down, A::Up, A::Top, A::Bottom, A::PageDown, A::PageUp, A::HalfPageDown, A::HalfPageUp]),
        ("tabs", &[A::NextTab, A::PrevTab]),
    ];
    let moving = |a: A| MOVES.iter().any(|(_, actions)| actions.contains(&a));
    let mut lines = Vec::new();
    for ctx in [app.context(), Context::Global] {
        lines.push(Line::styled(ctx.title(), theme.style(Role::Title)));
        for (label, actions) in MOVES {
            let keys: Vec<String> =
                app.keymap.of(ctx).filter(|b| actions.contains(&b.action)).map(|b| b.keys[0].label()).collect();
            if !keys.is_empty() {
                lines.push(Line::from(vec![
                    Span::raw(format!("  {label:<10}")),
                    Span::styled(keys.join(" "), theme.style(Role::KeyHint)),
                ]));
            }
        }
        for b in app.keymap.of(ctx).filter(|b| !moving(b.action)) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10}", b.keys_label()), theme.style(Role::KeyHint)),
                Span::raw(b.action.description()),
            ]));
        }
    }
    lines.push(Line::styled("Any key closes this help.", theme.style(Role::Muted)));
    let fits = lines.len() as u16 + 2 <= area.height;
    let height = if fits { lines.len() } else { lines.len().div_ceil(2) } as u16 + 2;
    let width = if fits { 64 } else { area.width };
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = boxed("Keys".into(), theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if fits {
        frame.render_widget(Paragraph::new(lines), inner);
    } else {
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let [a, _, b] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
        frame.render_widget(Paragraph::new(lines), a);
        frame.render_widget(Paragraph::new(right), b);
    }
}

pub fn form(open: &OpenForm, today: NaiveDate, theme: &Theme, frame: &mut Frame, area: Rect) {
    let f = &open.form;
    // Each field's line, then its hint line (`None`: an empty one, left out when space is short).
    let mut field_lines: Vec<(Line, Option<Line>)> = Vec::new();
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus;
        let label_style = if focused { theme.style(Role::KeyHint) } else { theme.style(Role::Base) };
        let mut spans =
            vec![Span::styled(format!("{}{:<11}", if focused { "› " } else { "  " }, field.label), label_style)];
        match &field.kind {
            FieldKind::Choice { .. } => {
                let label = field.choice_label().unwrap_or("");
                spans.push(Span::raw(if focused { format!("◂ {label} ▸") } else { label.to_string() }));
            }
            _ if focused => {
                let (mut before, after): (String, String) = {
                    let at = field.value.char_indices().nth(field.cursor).map_or(field.value.len(), |(b, _)| b);
                    (field.value[..at].to_string(), field.value[at..].to_string())
                };
                // Keep the cursor in view: a long value shows its tail.
                let room = 52usize;
                let n = before.chars().count();
                if n > room {
                    before = format!("…{}", before.chars().skip(n - room).collect::<String>());
                }
                let mut rest = after.chars();
                let under = rest.next().map_or(" ".to_string(), |c| c.to_string());
                spans.push(Span::raw(before));
                spans.push(Span::styled(under, theme.style(Role::Selected)));
                spans.push(Span::raw(rest.collect::<String>()));
            }
            _ => spans.push(Span::raw(field.value.clone())),
        }
        let hint = match (&field.kind, f.visible_problem(i, today)) {
            (_, Some(problem)) => Some(Line::styled(format!("             {problem}"), theme.style(Role::Error))),
            (FieldKind::Date { .. }, None) => match crate::domain::dates::parse_date(&field.value, today) {
                Ok(d) => {
                    Some(Line::styled(format!("             = {}", d.format("%a %d %b %Y")), theme.style(Role::Muted)))
                }
                Err(_) if focused => Some(Line::styled(
                    "             YYYY-MM-DD, t = today, tomorrow, +7 = in a week",
                    theme.style(Role::Muted),
                )),
                Err(_) => None,
            },
            (FieldKind::Choice { .. }, None) if focused => {
                Some(Line::styled("             ←/→ to choose, or type its code", theme.style(Role::Muted)))
            }
            _ => None,
        };
        field_lines.push((Line::from(spans), hint));
    }
    let mut tail = Vec::new();
    if let Some(note) = open.note() {
        tail.push(Line::styled(note, theme.style(Role::Muted)));
    }
    let problem = f.error.clone().or_else(|| open.cross_problem(today));
    tail.push(match problem {
        Some(p) => Line::styled(p, theme.style(Role::Error)),
        None if f.saving => Line::styled("Saving…", theme.style(Role::Warning)),
        None => Line::raw(""),
    });
    tail.push(Line::from(vec![
        Span::styled("Enter", theme.style(Role::KeyHint)),
        Span::styled(format!(" {}  ", open.submit_label(today)), theme.style(Role::Muted)),
        Span::styled("Tab/S-Tab", theme.style(Role::KeyHint)),
        Span::styled(" next/previous field  ", theme.style(Role::Muted)),
        Span::styled("Esc", theme.style(Role::KeyHint)),
        Span::styled(" cancel", theme.style(Role::Muted)),
    ]));
    let width = 72u16;
    let inner_width = usize::from(width.min(area.width).saturating_sub(2));
    let is_plan = open.purpose == super::super::forms::Purpose::Plan;
    let checked = if is_plan { open.checked_schedule(today) } else { None };
    // The schedule as the store checked it, else the one-line sketch as you type.
    let wanted = match checked {
        Some(p) => 1 + p.rows.len(),
        None => usize::from(is_plan),
    };
    let room = usize::from(area.height.saturating_sub(3));
    let full = field_lines.len() * 2 + tail.len() + wanted;
    let compact = full > room;
    let mut lines = Vec::new();
    for (line, hint) in field_lines {
        lines.push(line);
        match hint {
            Some(h) => lines.push(h),
            None if !compact => lines.push(Line::raw("")),
            None => {}
        }
    }
    match checked {
        Some(preview) => {
            let budget = room.saturating_sub(lines.len() + tail.len()).max(2);
            lines.extend(plan_schedule_lines(preview, inner_width, budget, theme));
        }
        None if is_plan => {
            if let Some(sketch) = open.plan_preview(today) {
                lines.push(Line::styled(sketch, theme.style(Role::Success)));
            }
        }
        None => {}
    }
    lines.extend(tail);
    let rect = centered(area, width, lines.len() as u16 + 3);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(boxed(f.title.clone(), theme)), rect);
}

/// A checked plan schedule in at most `budget` lines: a summary (down payment, count, sum),
/// then the installments in columns; when they do not all fit, the first ones, "… n more"
/// and the last.
fn plan_schedule_lines<'a>(
    preview: &super::super::forms::PlanPreview,
    width: usize,
    budget: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let terms = &preview.terms;
    let with_down = terms.down_payment.is_positive();
    let installments = &preview.rows[usize::from(with_down)..];
    let sum: crate::domain::Money = preview.rows.iter().map(|r| r.1).sum();
    let mut head = String::new();
    if with_down {
        head.push_str(&format!("Down {} on {} + ", terms.down_payment.to_decimal(), terms.start));
    }
    head.push_str(&format!(
        "{} installment(s) = {}{}",
        installments.len(),
        sum.to_decimal(),
        if sum == terms.total { ", the total" } else { ", NOT the total" }
    ));
    let head_lines = head.chars().count().div_ceil(width.max(1)).max(1);
    let mut out = vec![Line::styled(head, theme.style(Role::Success))];
    let amount_w = installments.iter().map(|r| r.1.to_decimal().len()).max().unwrap_or(0);
    let seq_w = installments.len().to_string().len();
    let cell = |k: usize, (on, amount): &(NaiveDate, crate::domain::Money)| {
        format!("{:>seq_w$}. {on} {:>amount_w$}", k + 1, amount.to_decimal())
    };
    let cell_w = seq_w + 2 + 10 + 1 + amount_w;
    let gap = 3;
    let columns = ((width + gap) / (cell_w + gap)).max(1);
    let rows_room = budget.saturating_sub(head_lines).max(1);
    let slots = columns * rows_room;
    let mut cells: Vec<String> = installments.iter().enumerate().map(|(k, r)| cell(k, r)).collect();
    if cells.len() > slots {
        let keep = slots.saturating_sub(2);
        let hidden = cells.len() - keep - 1;
        let last = cells.pop().unwrap_or_default();
        cells.truncate(keep);
        cells.push(format!("{:<cell_w$}", format!("… {hidden} more")));
        cells.push(last);
    }
    let rows = cells.len().div_ceil(columns).max(1);
    for r in 0..rows {
        let text: Vec<String> =
            (0..columns).filter_map(|c| cells.get(c * rows + r)).map(|c| format!("{c:<cell_w$}")).collect();
        out.push(Line::raw(text.join(&" ".repeat(gap)).trim_end().to_string()));
    }
    out
}

pub fn confirm_discard(theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::raw("Discard what you typed?"),
        Line::from(vec![
            Span::styled("y", theme.style(Role::KeyHint)),
            Span::raw(" discard   "),
            Span::styled("any other key", theme.style(Role::KeyHint)),
            Span::raw(" keep editing"),
        ]),
    ];
    let rect = centered(area, 44, 4);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(boxed("Unsaved input".into(), theme)), rect);
}

/// The import preview: the same description the CLI prints, and what the keys do.
pub fn import_review(report: &ImportReport, scroll: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let text = report.describe();
    let mut lines: Vec<Line> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let role = if t.starts_with("rejected") || t.starts_with("line ") && l.contains("rejected") {
                Role::Error
            } else if t.starts_with("billing discrepancies") || t.starts_with("warnings") {
                Role::Warning
            } else if !l.starts_with("    ") && l.starts_with("  ") && t.contains('(') {
                Role::Title
            } else {
                Role::Base
            };
            Line::styled(l.to_string(), theme.style(role))
        })
        .collect();
    let height = area.height.saturating_sub(2);
    let body = usize::from(height.saturating_sub(1));
    let max_scroll = lines.len().saturating_sub(body);
    let lines: Vec<Line> = lines.drain(..).skip(scroll.min(max_scroll)).take(body).collect();
    let changes = report.plan.changes();
    let keys = if changes == 0 {
        vec![("Esc", " close  ")]
    } else if report.rejected.is_empty() {
        vec![("Enter/y", " import  "), ("Esc/n", " cancel  "), ("j/k", " scroll")]
    } else {
        vec![("s", " import the valid rows, keep the rejects  "), ("Esc/n", " cancel  "), ("j/k", " scroll")]
    };
    let mut footer: Vec<Span> = Vec::new();
    for (k, label) in keys {
        footer.push(Span::styled(k, theme.style(Role::KeyHint)));
        footer.push(Span::styled(label, theme.style(Role::Muted)));
    }
    let rect = centered(area, area.width, area.height);
    frame.render_widget(Clear, rect);
    let block = boxed(format!("Import preview · {} change(s)", changes), theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [text_area, keys_area] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
    frame.render_widget(Paragraph::new(Line::from(footer)), keys_area);
}

pub fn confirm_demo(theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::raw("This writes 250 invented accounts into this book,"),
        Line::raw("which is your real database. To try dun without"),
        Line::raw("touching it, quit and run `dun --demo`."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.style(Role::KeyHint)),
            Span::raw(" write the demo here   "),
            Span::styled("any other key", theme.style(Role::KeyHint)),
            Span::raw(" cancel"),
        ]),
    ];
    let rect = centered(area, 56, 7);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(boxed("Demo book".into(), theme)), rect);
}

/// Why an account ranks where it does: its tier, its score and every factor with its weight.
pub fn why(app: &App, debtor_id: i64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some((rank, row)) = app.rows.iter().enumerate().find(|(_, r)| r.id == debtor_id) else { return };
    let factors = crate::domain::priority::explain(&row.facts, app.today, &app.weights, &row.currency);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("#{} of {}  ", rank + 1, app.rows.len()), theme.style(Role::Title)),
            Span::raw(row.reason.clone()),
        ]),
        Line::styled(
            format!("tier {}: {} · score {}", row.tier.rank(), row.tier.label(), row.score),
            theme.style(Role::Muted),
        ),
        Line::raw(""),
    ];
    for f in factors {
        lines.push(Line::from(vec![
            Span::styled(format!("  ×{:<5} ", f.weight), theme.style(Role::KeyHint)),
            Span::raw(format!("{:<16} {}", f.name, f.detail)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Tiers first (promises, follow-ups, missed installments, newly overdue), then the score.",
        theme.style(Role::Muted),
    ));
    lines.push(Line::styled("Weights: [priority] in config.toml. Any key closes.", theme.style(Role::Muted)));
    let rect = centered(area, 76, lines.len() as u16 + 3);
    frame.render_widget(Clear, rect);
    let block = boxed(format!("Why · {}", row.name), theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}

/// The command palette: the query, then the actions that match it with their keys.
pub fn palette(app: &App, p: &crate::tui::palette::Palette, theme: &Theme, frame: &mut Frame, area: Rect) {
    let entries = app.palette_entries(&p.query);
    let rows = usize::from(area.height.saturating_sub(4)).max(1);
    let offset = super::scroll_offset(p.selected, rows);
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", theme.style(Role::KeyHint)),
        Span::raw(format!("{}▏", p.query)),
        Span::styled(format!("  {} action(s)", entries.len()), theme.style(Role::Muted)),
    ])];
    for (i, e) in entries.iter().enumerate().skip(offset).take(rows) {
        let style = if i == p.selected { theme.style(Role::Selected) } else { theme.style(Role::Base) };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<28}", e.action.description()), style),
            Span::styled(format!(" {:<10}", e.keys), theme.style(Role::KeyHint)),
            Span::styled(e.action.name().to_string(), theme.style(Role::Muted)),
        ]));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 72, height);
    frame.render_widget(Clear, rect);
    let block = boxed("Actions · type to narrow, Enter runs, Esc closes".into(), theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}
