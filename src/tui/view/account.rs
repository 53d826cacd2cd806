//! The account screen: header with contacts, aging and flags; tabs below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Tabs};

use super::super::app::{App, Tab, tab_len};
use super::super::theme::{Role, Theme};
use super::{centered, scroll_offset};
use crate::desk::AccountView;
use crate::domain::{Bucket, ContactKind, days_past_due};

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(acc) = app.account.as_ref() else { return };
    let Some(view) = acc.view.as_deref() else {
        let p = Paragraph::new(Line::styled("Loading the account…", theme.style(Role::Muted)));
        frame.render_widget(p, centered(area, 22, 1));
        return;
    };
    let [head, tabs, body] =
        Layout::vertical([Constraint::Length(5), Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    header(view, app.private, theme, frame, head);
    let titles = Tab::ALL.iter().map(|t| format!("{} ({})", t.title(), tab_len(view, *t)));
    frame.render_widget(
        Tabs::new(titles)
            .select(Tab::ALL.iter().position(|t| *t == acc.tab).unwrap_or(0))
            .style(theme.style(Role::Muted))
            .highlight_style(theme.style(Role::Title)),
        tabs,
    );
    let selected = acc.selected[Tab::ALL.iter().position(|t| *t == acc.tab).unwrap_or(0)];
    let (header_row, rows, widths) = tab_rows(view, acc.tab, app.today, app.tab_query());
    if rows.is_empty() {
        let text =
            if app.tab_query().is_empty() { "Nothing here yet." } else { "Nothing matches the filter. Esc clears it." };
        let p = Paragraph::new(Line::styled(text, theme.style(Role::Muted)));
        frame.render_widget(p, body);
        return;
    }
    let height = usize::from(body.height.saturating_sub(1));
    let offset = scroll_offset(selected, height);
    let rows = rows.into_iter().enumerate().skip(offset).take(height).map(|(i, (cells, role, _))| {
        let row = Row::new(cells).style(theme.style(role));
        if i == selected { row.style(theme.style(Role::Selected)) } else { row }
    });
    let table = Table::new(rows, widths).header(Row::new(header_row).style(theme.style(Role::Title))).column_spacing(1);
    frame.render_widget(table, body);
}

fn header(v: &AccountView, private: bool, theme: &Theme, frame: &mut Frame, area: Rect) {
    let d = &v.debtor;
    let cur = d.currency.as_str();
    let mut who = vec![Span::styled(d.name.clone(), theme.style(Role::Title))];
    let mut facts = vec![format!("#{}", d.id)];
    facts.extend(d.external_ref.as_deref().map(|r| if private { crate::privacy::reference(r) } else { r.to_string() }));
    facts.push(d.kind.code().to_string());
    facts.extend(d.region.clone());
    facts.extend(d.time_zone.clone());
    who.push(Span::styled(format!("  {}", facts.join(" · ")), theme.style(Role::Muted)));

    let mut contacts = Vec::new();
    for kind in [ContactKind::Phone, ContactKind::Email, ContactKind::Address] {
        if let Some(c) = v.contact_points.iter().find(|c| c.kind == kind) {
            let more = v.contact_points.iter().filter(|x| x.kind == kind).count() - 1;
            let extra = if more > 0 { format!(" +{more}") } else { String::new() };
            let value = match (private, kind) {
                (false, _) => c.value.clone(),
                (true, ContactKind::Phone) => crate::privacy::phone(&c.value),
                (true, ContactKind::Email) => crate::privacy::email(&c.value),
                (true, ContactKind::Address) => crate::privacy::address(&c.value),
            };
            contacts.push(Span::raw(format!("{value} ")));
            contacts.push(Span::styled(format!("({}){extra}   ", c.status.code()), theme.style(Role::Muted)));
        }
    }

    // Only the buckets that hold money: a row of zeros is noise on a narrow screen.
    let mut aging = vec![Span::styled(format!("Open {}", v.open_balance.display(cur)), theme.style(Role::Title))];
    for b in Bucket::ALL.into_iter().filter(|b| v.aging.get(*b) != crate::domain::Money::ZERO) {
        aging.push(Span::styled(format!("  {} {}", b.label(), v.aging.get(b).display(cur)), theme.bucket(b)));
    }

    let mut flags: Vec<Span> =
        v.flag_labels().into_iter().map(|f| Span::styled(format!("[{f}] "), theme.style(Role::Warning))).collect();
    let unapplied: crate::domain::Money = v.payments.iter().map(|p| p.unapplied).filter(|u| u.is_positive()).sum();
    if unapplied.is_positive() {
        flags.push(Span::styled(format!("[unapplied {}] ", unapplied.display(cur)), theme.style(Role::Success)));
    }
    if let Some(f) = v.follow_ups.first() {
        flags.push(Span::raw(format!("Follow-up {} {}   ", f.due_on, f.what)));
    }
    if let Some(step) = v.next_step.step {
        flags.push(Span::styled(format!("Next: {}", step.label()), theme.style(Role::Title)));
        flags.push(Span::styled(format!(" ({})", v.next_step.reason), theme.style(Role::Muted)));
    }
    let lines = vec![Line::from(who), Line::from(contacts), Line::from(aging), Line::from(flags), guard_line(v, theme)];
    frame.render_widget(Paragraph::new(lines), area);
}

/// A tab: its header, its rows (cells, colour role, the text `/` searches) and column widths.
type TabRows = (Vec<&'static str>, Vec<(Vec<Cell<'static>>, Role, String)>, Vec<Constraint>);

fn right(s: String) -> Cell<'static> {
    Cell::from(Line::from(s).right_aligned())
}

fn invoices(v: &AccountView, today: chrono::NaiveDate) -> TabRows {
    let cur = v.debtor.currency.clone();
    let rows = v
        .invoices
        .iter()
        .map(|i| {
            let open = i.status == "open" && i.kind == "invoice";
            let dpd = days_past_due(i.due_on, today);
            let status = match (i.kind.as_str(), i.dispute_label()) {
                ("credit-memo", _) => "credit memo".to_string(),
                ("unapplied-payment", _) => "unapplied payment".to_string(),
                (_, Some(dispute)) => format!("{} · {dispute}", i.status),
                _ => i.status.clone(),
            };
            let role = if !open {
                if i.balance.is_negative() { Role::Success } else { Role::Muted }
            } else {
                match Bucket::for_days_past_due(dpd) {
                    Bucket::Current => Role::Current,
                    Bucket::Days1To30 => Role::Overdue1To30,
                    Bucket::Days31To60 => Role::Overdue31To60,
                    Bucket::Days61To90 => Role::Overdue61To90,
                    _ => Role::Overdue90Plus,
                }
            };
            let cells = vec![
                Cell::from(i.number.clone()),
                Cell::from(i.issued_on.map(|d| d.to_string()).unwrap_or_default()),
                Cell::from(i.due_on.to_string()),
                right(if open { dpd.max(0).to_string() } else { String::new() }),
                right(i.original.display(&cur)),
                right(i.balance.display(&cur)),
                Cell::from(status.clone()),
            ];
            let text = format!("{} {} {} {status}", i.number, i.due_on, i.balance.display(&cur));
            (cells, role, text)
        })
        .collect();
    // The status gets most of the room left: "open · disputed $120.00 of $450.00" is long,
    // invoice numbers are short (but never cut below 12 characters).
    let widths = vec![
        Constraint::Min(12),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Fill(2),
    ];
    (vec!["Invoice", "Issued", "Due", "DPD", "Original", "Balance", "Status"], rows, widths)
}

fn activity(v: &AccountView) -> TabRows {
    let mut items: Vec<(chrono::DateTime<chrono::Utc>, Vec<Cell<'static>>, Role, String)> = v
        .attempts
        .iter()
        .map(|a| {
            let label = crate::domain::outcome(&a.outcome).map_or(a.outcome.clone(), |o| o.label.to_string());
            let mut detail = if a.note.is_empty() { label } else { format!("{label} · {}", a.note) };
            if let Some(why) = &a.override_reason {
                detail.push_str(&format!(" [guard overridden: {why}]"));
            }
            let text = format!("{} {} {} {detail}", a.at.format("%Y-%m-%d"), a.channel.code(), a.outcome);
            let cells = vec![
                Cell::from(a.at.format("%Y-%m-%d %H:%M").to_string()),
                Cell::from(a.channel.code()),
                Cell::from(a.outcome.clone()),
                Cell::from(detail),
            ];
            (a.at, cells, Role::Base, text)
        })
        .collect();
    items.extend(v.notes.iter().map(|n| {
        let cells = vec![
            Cell::from(n.at.format("%Y-%m-%d %H:%M").to_string()),
            Cell::from("note"),
            Cell::from(""),
            Cell::from(n.body.clone()),
        ];
        (n.at, cells, Role::Muted, format!("{} note {}", n.at.format("%Y-%m-%d"), n.body))
    }));
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    let widths = vec![Constraint::Length(16), Constraint::Length(8), Constraint::Length(6), Constraint::Fill(1)];
    (
        vec!["When (UTC)", "Channel", "Code", "Outcome · note"],
        items.into_iter().map(|(_, c, r, t)| (c, r, t)).collect(),
        widths,
    )
}

fn promises(v: &AccountView) -> TabRows {
    let cur = v.debtor.currency.clone();
    let mut rows = Vec::new();
    for p in &v.promises {
        let role = match p.status.code() {
            "broken" | "partly-kept" => Role::PromiseBroken,
            "kept" => Role::Success,
            _ => Role::Warning,
        };
        rows.push((
            vec![
                Cell::from(p.due_on.to_string()),
                Cell::from("promise"),
                right(p.amount.display(&cur)),
                right(p.paid.display(&cur)),
                Cell::from(format!("{} (made {})", p.status.code(), p.promised_on)),
            ],
            role,
            format!("{} promise {} {}", p.due_on, p.amount.display(&cur), p.status.code()),
        ));
    }
    for plan in &v.plans {
        for i in &plan.installments {
            let role = match i.status.as_str() {
                "missed" => Role::PromiseBroken,
                "paid" | "paid-late" => Role::Success,
                "replaced" | "cancelled" => Role::Muted,
                _ => Role::Base,
            };
            let state = crate::domain::plan::InstallmentState::label_of(&i.status);
            rows.push((
                vec![
                    Cell::from(i.due_on.to_string()),
                    Cell::from(format!("plan {}/{}", i.seq, plan.installments.len())),
                    right(i.amount.display(&cur)),
                    right(i.paid.display(&cur)),
                    Cell::from(format!("{state} · plan #{} {} {}", plan.id, plan.frequency, plan.status)),
                ],
                role,
                format!("{} plan installment {} {state}", i.due_on, i.amount.display(&cur)),
            ));
        }
    }
    let widths = vec![
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    (vec!["Due", "What", "Amount", "Paid", "Status"], rows, widths)
}

fn payments(v: &AccountView) -> TabRows {
    let cur = v.debtor.currency.clone();
    let rows = v
        .payments
        .iter()
        .map(|p| {
            let mut applied: Vec<String> = p.allocations.iter().map(|a| a.invoice_number.clone()).collect();
            if p.unapplied.is_positive() {
                applied.push(format!("{} unapplied", p.unapplied.display(&cur)));
            }
            let cells = vec![
                Cell::from(p.received_on.to_string()),
                right(p.amount.display(&cur)),
                Cell::from(p.method.clone()),
                Cell::from(p.reference.clone()),
                Cell::from(applied.join(", ")),
            ];
            let text = format!(
                "{} {} {} {} {}",
                p.received_on,
                p.amount.display(&cur),
                p.method,
                p.reference,
                applied.join(" ")
            );
            (cells, Role::Base, text)
        })
        .collect();
    let widths = vec![
        Constraint::Length(10),
        Constraint::Length(12),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    (vec!["Received", "Amount", "Method", "Ref", "Applied to"], rows, widths)
}

/// A tab's rows, only those whose text holds `query` (case ignored) when there is one.
pub fn tab_rows(v: &AccountView, tab: Tab, today: chrono::NaiveDate, query: &str) -> TabRows {
    let (header, mut rows, widths) = match tab {
        Tab::Invoices => invoices(v, today),
        Tab::Activity => activity(v),
        Tab::PromisesPlans => promises(v),
        Tab::Payments => payments(v),
    };
    let query = query.trim().to_lowercase();
    if !query.is_empty() {
        rows.retain(|(_, _, text)| text.to_lowercase().contains(&query));
    }
    (header, rows, widths)
}

/// The guard's answer for a call now, before the collector dials: the verdict, the
/// strongest rule, and when a block lifts in the debtor's and the collector's time.
fn guard_line(v: &AccountView, theme: &Theme) -> Line<'static> {
    use crate::domain::compliance::{Level, level_word};
    let a = &v.call_check;
    let role = match a.level {
        Level::Allow => Role::Success,
        Level::Warn => Role::Warning,
        Level::Block => Role::Error,
    };
    let mut spans = vec![Span::styled(format!("Call now: {}", level_word(a.level)), theme.style(role))];
    let strongest = a.findings.iter().max_by_key(|f| f.level);
    if let Some(f) = strongest {
        spans.push(Span::styled(format!(" {}", f.rule), theme.style(role)));
    }
    // When it lifts comes before the why, so a narrow screen keeps the part to act on.
    if let Some(t) = a.next_allowed {
        let zone = a.zones.first().and_then(|z| z.parse::<chrono_tz::Tz>().ok());
        let debtor = zone.map(|z| format!("{} theirs", t.with_timezone(&z).format("%a %H:%M")));
        let mine = t.with_timezone(&chrono::Local).format("%H:%M yours");
        spans.push(Span::styled(format!(" · next {}, {mine}", debtor.unwrap_or_default()), theme.style(Role::Warning)));
    }
    if let Some(f) = strongest {
        spans.push(Span::raw(format!(" · {}", f.message)));
    }
    Line::from(spans)
}
