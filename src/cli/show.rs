//! `dun show ACCOUNT` as text.

use chrono::NaiveDate;

use super::table::Table;
use crate::desk::AccountView;
use crate::domain::{Bucket, Money, days_past_due};

/// `private`: mask phone numbers, emails, street addresses and the account number.
pub fn render(v: &AccountView, today: NaiveDate, private: bool) -> String {
    let d = &v.debtor;
    let cur = d.currency.as_str();
    let mut out = String::new();
    let place = [d.region.as_deref(), d.time_zone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    out.push_str(&format!(
        "{}  #{}{}  {}  {}\n",
        d.name,
        d.id,
        d.external_ref
            .as_deref()
            .map(|r| format!(" ({})", if private { crate::privacy::reference(r) } else { r.to_string() }))
            .unwrap_or_default(),
        d.kind.code(),
        place
    ));
    out.push_str(&format!("Open balance {}\n", v.open_balance.display(cur)));
    let unapplied: Money = v.payments.iter().map(|p| p.unapplied).filter(|u| u.is_positive()).sum();
    if unapplied.is_positive() {
        out.push_str(&format!("Unapplied payments {} (credit on account)\n", unapplied.display(cur)));
    }
    let aging: Vec<String> =
        Bucket::ALL.iter().map(|b| format!("{} {}", b.label(), v.aging.get(*b).display(cur))).collect();
    out.push_str(&format!("  {}\n", aging.join(" | ")));
    let flags = v.flag_labels();
    if !flags.is_empty() {
        out.push_str(&format!("Flags: {}\n", flags.join(", ")));
    }
    match v.next_step.step {
        Some(step) => out.push_str(&format!("Next step: {} ({})\n", step.label(), v.next_step.reason)),
        None => out.push_str(&format!("Next step: none now ({})\n", v.next_step.reason)),
    }
    if let Some(f) = v.follow_ups.first() {
        out.push_str(&format!("Next follow-up: {} {}\n", f.due_on, f.what));
    }

    if v.contact_points.is_empty() {
        out.push_str("\nNo contact points on file.\n");
    } else {
        out.push_str("\nContact points\n");
        out.push_str(&indent(&contact_table(&v.contact_points, private)));
    }

    out.push_str("\nInvoices\n");
    let mut t = Table::new(&[
        ("NUMBER", false),
        ("ISSUED", false),
        ("DUE", false),
        ("DPD", true),
        ("ORIGINAL", true),
        ("BALANCE", true),
        ("STATUS", false),
    ]);
    for i in &v.invoices {
        let open_invoice = i.status == "open" && i.kind == "invoice";
        let dpd = if open_invoice { days_past_due(i.due_on, today).max(0).to_string() } else { String::new() };
        let status = match (i.kind.as_str(), i.dispute_label()) {
            ("credit-memo", _) => "credit memo".to_string(),
            ("unapplied-payment", _) => "unapplied payment".to_string(),
            (_, Some(dispute)) => format!("{} ({dispute})", i.status),
            _ => i.status.clone(),
        };
        t.row(vec![
            i.number.clone(),
            i.issued_on.map(|d| d.to_string()).unwrap_or_default(),
            i.due_on.to_string(),
            dpd,
            i.original.display(cur),
            i.balance.display(cur),
            status,
        ]);
    }
    out.push_str(&indent(&t.render()));

    let mut activity: Vec<(chrono::DateTime<chrono::Utc>, Vec<String>)> = v
        .attempts
        .iter()
        .map(|a| {
            let note = match &a.override_reason {
                Some(why) => format!("{} [guard overridden: {why}]", a.note).trim().to_string(),
                None => a.note.clone(),
            };
            (a.at, vec![a.channel.code().into(), a.outcome.clone(), note])
        })
        .chain(v.notes.iter().map(|n| (n.at, vec!["note".into(), String::new(), n.body.clone()])))
        .collect();
    activity.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    if !activity.is_empty() {
        out.push_str("\nActivity (newest first)\n");
        let mut t = Table::new(&[("WHEN (UTC)", false), ("WHAT", false), ("OUTCOME", false), ("NOTE", false)]);
        for (at, cells) in activity {
            let mut row = vec![at.format("%Y-%m-%d %H:%M").to_string()];
            row.extend(cells.into_iter().map(|c| c.replace(['\n', '\r'], " ")));
            t.row(row);
        }
        out.push_str(&indent(&t.render()));
    }

    if !v.promises.is_empty() || !v.plans.is_empty() {
        out.push_str("\nPromises & plans\n");
        let mut t = Table::new(&[("DUE", false), ("AMOUNT", true), ("PAID", true), ("STATUS", false)]);
        for p in &v.promises {
            t.row(vec![
                p.due_on.to_string(),
                p.amount.display(cur),
                p.paid.display(cur),
                format!("promise {}", p.status.code()),
            ]);
        }
        for p in &v.plans {
            for i in &p.installments {
                t.row(vec![
                    i.due_on.to_string(),
                    i.amount.display(cur),
                    i.paid.display(cur),
                    format!(
                        "plan #{} ({}) installment {} {}",
                        p.id,
                        p.status,
                        i.seq,
                        crate::domain::plan::InstallmentState::label_of(&i.status)
                    ),
                ]);
            }
        }
        out.push_str(&indent(&t.render()));
    }

    if !v.payments.is_empty() {
        // Money received and what only lowers the balance (write-offs, credits) side by side,
        // told apart by KIND; what a payment left unapplied is said, not left blank.
        out.push_str("\nPayments, credits and write-offs\n");
        let mut t = Table::new(&[
            ("DATE", false),
            ("KIND", false),
            ("AMOUNT", true),
            ("METHOD", false),
            ("REF", false),
            ("APPLIED TO", false),
        ]);
        for p in &v.payments {
            let mut applied: Vec<String> =
                p.allocations.iter().map(|a| format!("{} {}", a.invoice_number, a.amount.display(cur))).collect();
            if p.unapplied.is_positive() {
                applied.push(format!("{} unapplied", p.unapplied.display(cur)));
            }
            t.row(vec![
                p.received_on.to_string(),
                p.kind.clone(),
                p.amount.display(cur),
                p.method.clone(),
                p.reference.clone(),
                applied.join(", "),
            ]);
        }
        out.push_str(&indent(&t.render()));
    }
    if !v.disputes.is_empty() {
        out.push_str("\nDisputes (dun resolve NUMBER upheld|rejected)\n");
        out.push_str(&indent(&disputes(v)));
    }
    if !v.invoice_holds.is_empty() || !v.extensions.is_empty() {
        out.push_str("\nInvoice terms\n");
        let number = |id: i64| v.invoices.iter().find(|i| i.id == id).map_or(String::new(), |i| i.number.clone());
        for h in &v.invoice_holds {
            let until = h.ends_on.map(|d| format!(" until {d}")).unwrap_or_default();
            out.push_str(&format!("  {} set aside{until}: {}\n", number(h.invoice_id), h.reason));
        }
        for e in &v.extensions {
            out.push_str(&format!(
                "  {} due {} (extended from {}): {}\n",
                number(e.invoice_id),
                e.to_due_on,
                e.from_due_on,
                e.reason
            ));
        }
    }
    if !v.legal_cases.is_empty() {
        out.push_str("\nLegal case\n");
        out.push_str(&indent(&legal_cases(v)));
    }
    out
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// Every dispute, newest first: on what (the account, an invoice, or part of one), since when, why.
fn disputes(v: &AccountView) -> String {
    let cur = v.debtor.currency.as_str();
    let mut t = Table::new(&[
        ("#", true),
        ("OPENED", false),
        ("ON", false),
        ("DISPUTED", false),
        ("STATUS", false),
        ("REASON", false),
    ]);
    for d in &v.disputes {
        let invoice = d.invoice_id.and_then(|id| v.invoices.iter().find(|i| i.id == id));
        let on = invoice.map_or_else(|| "whole account".to_string(), |i| format!("invoice {}", i.number));
        // An open one says what it holds back now; a closed one what was disputed.
        let disputed = match (invoice, d.amount) {
            (Some(i), _) if d.status == "open" && i.partly_disputed() => {
                format!("{} of {}", i.disputed_amount.display(cur), i.balance.display(cur))
            }
            (_, Some(amount)) => amount.display(cur),
            _ => "all".to_string(),
        };
        t.row(vec![
            d.id.to_string(),
            d.opened_on.to_string(),
            on,
            disputed,
            d.status.clone(),
            d.reason.replace(['\n', '\r'], " "),
        ]);
    }
    t.render()
}

/// The account's legal cases as a table, or a sentence when there is none.
pub fn legal_cases(v: &AccountView) -> String {
    if v.legal_cases.is_empty() {
        return format!(
            "{} has no legal case. `dun legal {} --attorney NAME` refers it.\n",
            v.debtor.name, v.debtor.id
        );
    }
    let cur = v.debtor.currency.as_str();
    let mut t = Table::new(&[
        ("REFERRED", false),
        ("STATUS", false),
        ("ATTORNEY", false),
        ("COURT", false),
        ("CASE", false),
        ("COSTS", true),
        ("JUDGMENT", true),
        ("NEXT COURT", false),
    ]);
    for c in &v.legal_cases {
        t.row(vec![
            c.referred_on.to_string(),
            c.status.clone(),
            c.attorney.clone(),
            c.court.clone(),
            c.case_number.clone(),
            c.costs.display(cur),
            c.judgment.map(|j| j.display(cur)).unwrap_or_default(),
            c.next_court_on.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    t.render()
}

fn contact_table(points: &[crate::domain::ContactPoint], private: bool) -> String {
    use crate::domain::ContactKind;
    let mut t = Table::new(&[
        ("#", true),
        ("KIND", false),
        ("LABEL", false),
        ("VALUE", false),
        ("STATUS", false),
        ("SOURCE", false),
    ]);
    for c in points {
        let value = c.value.replace('\n', ", ");
        t.row(vec![
            c.id.to_string(),
            c.kind.code().into(),
            c.label.clone(),
            match (private, c.kind) {
                (false, _) => value,
                (true, ContactKind::Phone) => crate::privacy::phone(&value),
                (true, ContactKind::Email) => crate::privacy::email(&value),
                (true, ContactKind::Address) => crate::privacy::address(&value),
            },
            c.status.code().into(),
            c.source.clone(),
        ]);
    }
    t.render()
}

/// `dun contact ACCOUNT`: the points, then every change to them.
pub fn contact_points(
    points: &[crate::domain::ContactPoint],
    history: &[crate::desk::ContactPointChange],
    private: bool,
) -> String {
    if points.is_empty() {
        return "No contact points on file. `dun contact ACCOUNT add phone|email|address VALUE` adds one.\n".into();
    }
    let mut out = contact_table(points, private);
    if !history.is_empty() {
        out.push_str("\nChanges\n");
        let mut t = Table::new(&[("WHEN", false), ("#", true), ("CHANGE", false), ("BY", false), ("REASON", false)]);
        for h in history {
            let change = match &h.from {
                Some(from) => format!("{from} → {}", h.to),
                None => format!("added as {}", h.to),
            };
            t.row(vec![h.at.clone(), h.point_id.to_string(), change, h.actor.clone(), h.reason.clone()]);
        }
        out.push_str(&indent(&t.render()));
    }
    out
}
