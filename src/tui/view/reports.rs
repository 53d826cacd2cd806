//! The Reports screen: today's aging as bars, this month's KPIs (name and value) and the money
//! collected on each of the last 30 days as a sparkline. On a wide terminal the KPIs sit beside
//! the charts; on a narrow one below them, in two columns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline};

use super::super::app::App;
use super::super::theme::{Role, Theme};
use super::{centered, fit};
use crate::desk::{AgingSection, KpiLine, ReportOverview};
use crate::domain::{Bucket, Money};

/// From this width the KPIs get their own column beside the charts.
const SIDE_BY_SIDE: u16 = 110;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(o) = app.reports.as_deref() else {
        let text = Line::styled("Reading the reports…", theme.style(Role::Muted));
        frame.render_widget(Paragraph::new(text), centered(area, 24, 1));
        return;
    };
    if area.width >= SIDE_BY_SIDE {
        let names = o.kpi.kpis.iter().map(|k| k.name.chars().count()).max().unwrap_or(0);
        let values = o.kpi.kpis.iter().map(|k| k.value.chars().count()).max().unwrap_or(0);
        let kpi_width = (names + values + 6) as u16;
        let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(kpi_width)]).areas(area);
        let spark_height = (left.height / 4).clamp(4, 10);
        let [chart, spark] = Layout::vertical([Constraint::Fill(1), Constraint::Length(spark_height)]).areas(left);
        aging(o, theme, frame, chart);
        activity(o, theme, frame, spark);
        kpis(o, 1, theme, frame, right);
    } else {
        let kpi_height = o.kpi.kpis.len().div_ceil(2) as u16 + 2;
        // Two rows of sparkline once the bars keep at least three.
        let spark_height = if area.height >= kpi_height + 11 { 5 } else { 4 };
        let [chart, spark, kpi] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(spark_height), Constraint::Length(kpi_height)])
                .areas(area);
        aging(o, theme, frame, chart);
        activity(o, theme, frame, spark);
        kpis(o, 2, theme, frame, kpi);
    }
}

fn boxed<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)))
}

/// One bar per bucket of the book's currency, each labelled with its amount.
fn aging(o: &ReportOverview, theme: &Theme, frame: &mut Frame, area: Rect) {
    let currency = o.kpi.currency.as_str();
    let section: Option<&AgingSection> =
        o.aging.sections.iter().find(|s| s.currency == currency).or_else(|| o.aging.sections.first());
    let currency = section.map_or(currency, |s| s.currency.as_str());
    let total = section.map_or(Money::ZERO, |s| s.total);
    let block = boxed(format!("Aging at {} · {} open", o.aging.as_of, total.display(currency)), theme);
    let inner = block.inner(area);
    let gap = if inner.width >= 6 * 8 + 10 { 2 } else { 1 };
    let width = (inner.width.saturating_sub(5 * gap) / 6).max(1);
    let bars: Vec<Bar> = Bucket::ALL
        .iter()
        .map(|&bucket| {
            let amount = section.map_or(Money::ZERO, |s| s.buckets[bucket.index()].amount);
            Bar::default()
                .value(amount.cents().max(0) as u64)
                .label(Line::from(bucket.label()))
                .text_value(short_money(amount, currency))
                .style(theme.bucket(bucket))
                .value_style(theme.bucket(bucket).add_modifier(Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(gap)
        .label_style(theme.style(Role::Muted));
    frame.render_widget(chart, area);
}

/// Money collected on each of the last 30 days, stretched to the width, with its dates below.
fn activity(o: &ReportOverview, theme: &Theme, frame: &mut Frame, area: Rect) {
    let a = &o.activity;
    let title = format!("Collected per day, last {} days · {}", a.rows.len(), a.total.collected.display(&a.currency));
    let block = boxed(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let per_day = (usize::from(inner.width) / a.rows.len().max(1)).max(1);
    let data: Vec<u64> =
        a.rows.iter().flat_map(|r| std::iter::repeat_n(r.collected.cents().max(0) as u64, per_day)).collect();
    let (chart, axis) = if inner.height >= 2 {
        let [chart, axis] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
        (chart, Some(axis))
    } else {
        (inner, None)
    };
    frame.render_widget(Sparkline::default().data(&data).style(theme.style(Role::Success)), chart);
    if let Some(axis) = axis {
        let first = a.from.format("%b %-d").to_string();
        let last = a.to.format("%b %-d").to_string();
        let used = (data.len()).min(usize::from(axis.width));
        let pad = used.saturating_sub(first.chars().count() + last.chars().count());
        let line = Line::styled(format!("{first}{}{last}", " ".repeat(pad)), theme.style(Role::Muted));
        frame.render_widget(Paragraph::new(line), axis);
    }
}

/// The KPI lines, name and value, in `columns` columns.
fn kpis(o: &ReportOverview, columns: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = boxed(format!("KPIs {} to {}", o.kpi.from, o.kpi.to), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let per_column = o.kpi.kpis.len().div_ceil(columns.max(1));
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns]).spacing(2).split(inner);
    for (chunk, rect) in o.kpi.kpis.chunks(per_column.max(1)).zip(areas.iter()) {
        frame.render_widget(Paragraph::new(kpi_lines(chunk, usize::from(rect.width), theme)), *rect);
    }
    let more = "Formulas and inputs: dun report kpi";
    if columns == 1 && usize::from(inner.height) > o.kpi.kpis.len() + 1 {
        let y = inner.y + inner.height - 1;
        let line = Line::styled(fit(more, usize::from(inner.width)), theme.style(Role::Muted));
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
    }
}

fn kpi_lines<'a>(lines: &[KpiLine], width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let value_width = lines.iter().map(|k| k.value.chars().count()).max().unwrap_or(0);
    let name_width = width.saturating_sub(value_width + 1);
    lines
        .iter()
        .map(|k| {
            let name = short_name(k.name, name_width);
            let pad = name_width.saturating_sub(name.chars().count()) + 1;
            let value_role = if k.value == "—" { Role::Muted } else { Role::Base };
            Line::from(vec![
                Span::raw(format!("{name}{}", " ".repeat(pad))),
                Span::styled(format!("{:>value_width$}", k.value), theme.style(value_role)),
            ])
        })
        .collect()
}

/// A KPI's name in `width` characters: the usual abbreviations first, then cut.
fn short_name(name: &str, width: usize) -> String {
    const SHORTER: [(&str, &str); 5] =
        [("Right-party contact", "RPC"), ("excluding", "excl."), ("Average", "Avg."), ("Percent", "%"), (" days", "d")];
    let mut name = name.to_string();
    for (long, short) in SHORTER {
        if name.chars().count() <= width {
            break;
        }
        name = name.replace(long, short);
    }
    fit(&name, width)
}

/// An amount short enough for a bar: "$9,876", "$123k", "$12.3M".
fn short_money(m: Money, currency: &str) -> String {
    let units = m.cents() / 100;
    let whole = |n: i64| {
        let s = Money(n * 100).display(currency);
        s.strip_suffix(".00").map_or(s.clone(), str::to_string)
    };
    match units.abs() {
        0..=99_999 => whole(units),
        100_000..=9_999_999 => format!("{}k", whole(units / 1000)),
        _ => format!("{}.{}M", whole(units / 1_000_000), (units.abs() % 1_000_000) / 100_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_shortened_for_a_bar() {
        assert_eq!(short_money(Money(987_654), "USD"), "$9,876");
        assert_eq!(short_money(Money(12_345_678), "USD"), "$123k");
        assert_eq!(short_money(Money(1_234_567_890), "USD"), "$12.3M");
        assert_eq!(short_money(Money(-50_000), "USD"), "-$500");
    }

    #[test]
    fn names_abbreviated_before_they_are_cut() {
        assert_eq!(short_name("Right-party contact rate (per attempt)", 24), "RPC rate (per attempt)");
        assert_eq!(short_name("CEI excluding write-offs", 24), "CEI excluding write-offs");
        assert_eq!(short_name("CEI excluding write-offs", 20), "CEI excl. write-offs");
        assert_eq!(short_name("Promise amount rate", 10), "Promise a…");
    }
}
