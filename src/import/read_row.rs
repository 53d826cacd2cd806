//! One row of an export made a receivable or a contact: its cells parsed, checked and
//! named in the collector's words, every problem an [`Issue`] with its line and column.

use std::collections::HashMap;

use chrono::NaiveDate;
use compact_str::CompactString;

use super::super::amount::{Decimal, parse_amount};
use super::super::cells::Cells;
use super::super::date::{DateOrder, parse_date, parse_date_split};
use super::super::profile::{Profile, norm};
pub(super) use super::super::records::column_letter;
use super::super::text::trim_cell;
use super::{ContactRow, Issue, ItemKind, LedgerRow, Line, Severity};
use crate::domain::Money;

/// An ISO 4217 code as the book keeps it: three letters, upper case.
pub(super) fn currency_code(cell: &str) -> Option<CompactString> {
    (cell.len() == 3 && cell.bytes().all(|b| b.is_ascii_alphabetic())).then(|| {
        let mut code = CompactString::from(cell);
        code.make_ascii_uppercase();
        code
    })
}

pub(super) fn error(line: usize, column: Option<&str>, reason: impl Into<String>) -> Issue {
    Issue { line, column: column.map(str::to_string), severity: Severity::Error, reason: reason.into() }
}

pub(super) fn split_customer(name: &str, subcustomers: bool) -> (CompactString, Option<CompactString>) {
    // Looked for only in a format that has sub-customers: every row asks.
    if subcustomers
        && let Some((parent, child)) = name.split_once(':')
        && !parent.trim().is_empty()
        && !child.trim().is_empty()
    {
        return (parent.trim().into(), Some(child.trim().into()));
    }
    (trim_cell(name).into(), None)
}

pub(super) fn column_name<'a>(p: &'a Profile, field: &'a str) -> &'a str {
    p.columns.get(field).and_then(|a| a.first()).map_or(field, |s| s.as_str())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn detail_line(
    c: &Cells<'_>,
    p: &Profile,
    line: usize,
    decimal: Decimal,
    order: Option<DateOrder>,
    customer_group: Option<String>,
    job_group: Option<String>,
) -> Result<Option<Line>, Issue> {
    let f = c.fields;
    let status = c.at(f.status).map(norm);
    if status.as_ref().is_some_and(|s| p.statuses.skip.contains(s)) {
        return Ok(None);
    }
    let kind = match c.at(f.kind).map(norm) {
        Some(t) if p.types.invoice.contains(&t) => Some(ItemKind::Invoice),
        Some(t) if p.types.credit.contains(&t) => Some(ItemKind::CreditMemo),
        Some(t) if p.types.payment.contains(&t) => Some(ItemKind::UnappliedPayment),
        Some(t) if p.types.skip.contains(&t) => return Ok(None),
        Some(t) if !p.types.invoice.is_empty() => {
            return Err(error(line, Some(column_name(p, "type")), format!("unknown transaction type '{t}'")));
        }
        _ => None,
    };
    let amount_of = |field: &str, column: Option<usize>| -> Result<Option<Money>, Issue> {
        match c.at(column) {
            None => Ok(None),
            Some(v) => parse_amount(v, decimal).map_err(|e| error(line, Some(column_name(p, field)), e.to_string())),
        }
    };
    let date_of = |field: &str, column: Option<usize>| -> Result<Option<NaiveDate>, Issue> {
        match (c.at(column), order) {
            (None, _) => Ok(None),
            (Some(v), Some(o)) => parse_date_split(v, o, c.split_at(column))
                .map_err(|e| error(line, Some(column_name(p, field)), e.to_string())),
            (Some(v), None) => parse_date(v, DateOrder::Ymd)
                .ok()
                .flatten()
                .filter(|_| v.len() >= 10 && v.as_bytes()[4] == b'-')
                .map(Some)
                .ok_or_else(|| {
                    error(
                        line,
                        Some(column_name(p, field)),
                        format!("'{v}': day/month order unknown (set date_order in the {} profile)", p.name),
                    )
                }),
        }
    };
    let mut amount = amount_of("amount", f.amount)?;
    let mut balance = amount_of("balance", f.balance)?;
    let kind = kind.unwrap_or(if balance.or(amount).is_some_and(Money::is_negative) {
        ItemKind::CreditMemo
    } else {
        ItemKind::Invoice
    });
    if p.positive_credits && kind == ItemKind::CreditMemo {
        let negative = |m: Money| Money(-m.cents().abs());
        amount = amount.map(negative);
        balance = balance.map(negative);
    }
    let (customer, mut job) = match (c.at(f.customer), customer_group) {
        (Some(n), _) => split_customer(n, p.subcustomers),
        (None, Some(g)) => split_customer(&g, p.subcustomers),
        (None, None) => return Err(error(line, Some(column_name(p, "customer")), "no customer on this row")),
    };
    if job.is_none() {
        job = job_group.map(CompactString::from);
    }
    let issued = date_of("issued", f.issued)?;
    let due = date_of("due", f.due)?;
    let currency = match c.at(f.currency) {
        Some(code) => Some(currency_code(code).ok_or_else(|| {
            error(
                line,
                Some(column_name(p, "currency")),
                format!("'{code}' is not a currency code (three letters, as USD or EUR)"),
            )
        })?),
        None => p.currency.as_deref().map(CompactString::from),
    };
    Ok(Some(Line {
        line,
        customer,
        customer_ref: c.at(f.customer_ref).map(CompactString::from),
        job,
        kind,
        number: c.at(f.number).map(CompactString::from),
        issued,
        due,
        amount,
        balance,
        currency,
        status,
    }))
}

/// Gather lines into receivables: one per row, or one per invoice number for
/// exports that print a row per invoice line.
pub(super) fn gather(lines: Vec<Line>, p: &Profile, issues: &mut Vec<Issue>) -> Vec<LedgerRow> {
    let mut order: Vec<CompactString> = Vec::new();
    let mut by_number: HashMap<CompactString, Vec<Line>> = HashMap::new();
    let mut out = Vec::new();
    for l in lines {
        if p.lines_per_invoice {
            let Some(number) = l.number.clone() else {
                issues.push(error(l.line, Some(column_name(p, "number")), "no invoice number"));
                continue;
            };
            if !by_number.contains_key(&number) {
                order.push(number.clone());
            }
            by_number.entry(number).or_default().push(l);
        } else if let Some(row) = finish(l, &[], p, issues) {
            out.push(row);
        }
    }
    for number in order {
        if let Some(mut group) = by_number.remove(&number)
            && !group.is_empty()
            && let Some(row) = finish(group.remove(0), &group, p, issues)
        {
            out.push(row);
        }
    }
    out
}

/// One receivable from its first line and the lines after it (moved, not copied: this
/// runs once per row of the file).
pub(super) fn finish(first: Line, rest: &[Line], p: &Profile, issues: &mut Vec<Issue>) -> Option<LedgerRow> {
    let group = || std::iter::once(&first).chain(rest);
    let amount = if p.sum_lines {
        let positive: Money = group().filter_map(|l| l.amount).filter(|a| a.is_positive()).sum();
        Some(positive).filter(|a| !a.is_negative())
    } else {
        first.amount
    };
    let signed_sum: Money = group().filter_map(|l| l.amount).sum();
    let balance = match (first.balance, &first.status) {
        (Some(b), _) => b,
        (None, Some(s)) if p.statuses.paid.contains(s) => Money::ZERO,
        (None, Some(s)) if p.statuses.partial.contains(s) => {
            issues.push(Issue {
                line: first.line,
                column: Some(column_name(p, "status").to_string()),
                severity: Severity::Warning,
                reason: "partly paid: this export does not say how much, so the whole amount is taken as open".into(),
            });
            amount.unwrap_or(Money::ZERO)
        }
        (None, Some(_)) => amount.unwrap_or(Money::ZERO),
        (None, None) if p.sum_lines => signed_sum,
        (None, None) => match first.amount {
            Some(a) => a,
            None => {
                issues.push(error(first.line, Some(column_name(p, "balance")), "no open balance on this row"));
                return None;
            }
        },
    };
    let due = match first.due.or(first.issued) {
        Some(d) => d,
        None => {
            issues.push(error(first.line, Some(column_name(p, "due")), "no due date and no transaction date"));
            return None;
        }
    };
    let number = match (first.number, first.kind) {
        (Some(n), _) => n,
        (None, ItemKind::Invoice) => {
            issues.push(error(first.line, Some(column_name(p, "number")), "an invoice without a number"));
            return None;
        }
        // Unnumbered credits and payments get a stable key, so a re-import finds them again.
        (None, kind) => compact_str::format_compact!(
            "{}-{}-{}",
            if kind == ItemKind::UnappliedPayment { "PMT" } else { "CR" },
            first.issued.unwrap_or(due).format("%Y%m%d"),
            balance.cents().abs()
        ),
    };
    Some(LedgerRow {
        line: first.line,
        customer: first.customer,
        customer_ref: first.customer_ref,
        job: first.job,
        kind: first.kind,
        number,
        issued: first.issued,
        due,
        original: amount,
        balance,
        currency: first.currency,
    })
}

pub(super) fn contact_row(c: &Cells<'_>, p: &Profile, line: usize) -> Result<ContactRow, Issue> {
    let name = c.get("customer").ok_or_else(|| error(line, Some(column_name(p, "customer")), "no customer name"))?;
    let customer = split_customer(name, p.subcustomers).0.into();
    let mut phones = Vec::new();
    if let Some(cell) = c.get("phone") {
        phones.extend(labelled_phones(cell, "phone"));
    }
    if let Some(m) = c.get("mobile") {
        phones.push(("mobile".into(), m.to_string()));
    }
    let address_parts: Vec<&str> =
        ["address", "address2", "city", "region", "postal_code", "country"].iter().filter_map(|f| c.get(f)).collect();
    let address = (!address_parts.is_empty()).then(|| address_parts.join(", ").replace(['\n', '\r'], ", "));
    Ok(ContactRow {
        line,
        customer,
        customer_ref: c.get("customer_ref").map(str::to_string),
        email: c.get("email").map(str::to_string),
        phones,
        address: address.map(|a| a.split(", ").filter(|s| !s.trim().is_empty()).collect::<Vec<_>>().join(", ")),
    })
}

/// `Phone:(410) 415-7406 Mobile:(410) 555-0100` → [("phone", …), ("mobile", …)].
pub(super) fn labelled_phones(cell: &str, default: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut label = default.to_string();
    let mut current = String::new();
    for word in cell.split_whitespace() {
        if let Some((l, rest)) =
            word.split_once(':').filter(|(l, _)| !l.is_empty() && l.chars().all(char::is_alphabetic))
        {
            if !current.trim().is_empty() {
                out.push((label.clone(), current.trim().to_string()));
            }
            label = l.to_lowercase();
            current = rest.to_string();
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    if !current.trim().is_empty() {
        out.push((label, current.trim().to_string()));
    }
    out
}
