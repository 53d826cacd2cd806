//! `dun report NAME`: the same report objects as the desk, printed as a table, CSV, JSON or
//! Markdown.

use std::io::Write;

use chrono::NaiveDate;

use super::Failure;
use super::args::{ReportBy, ReportFormat, ReportName, ReportSpec};
use super::table::Table;
use crate::desk::{
    ActivityReport, AgingReport, Desk, DisputeReport, Grain, KpiLine, KpiReport, PlanReport, RollLine, RollRateReport,
};
use crate::domain::{Bucket, Money};

pub fn run(
    desk: &Desk,
    spec: ReportSpec,
    as_of: NaiveDate,
    (from, to): (NaiveDate, NaiveDate),
    format: ReportFormat,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let name = spec.name;
    if spec.by.is_some() && name != ReportName::Activity {
        return Err(Failure::usage("--by is for the activity report"));
    }
    if spec.months.is_some() && name != ReportName::RollRates {
        return Err(Failure::usage("--months is for the roll-rates report"));
    }
    // CSV carries plain decimals a spreadsheet reads as numbers.
    let plain = format == ReportFormat::Csv;
    match name {
        ReportName::Aging | ReportName::AgingDetail => {
            let report = desk.aging_report(as_of)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            let table =
                if name == ReportName::Aging { aging_summary(&report, plain) } else { aging_detail(&report, plain) };
            emit(out, &format!("Aging as of {as_of}"), &credit_notes(&report), &table, format)
        }
        ReportName::Kpi => {
            let report = desk.kpi_report(from, to)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            emit(out, &format!("KPIs {from} to {to} ({})", report.currency), &[], &kpi_table(&report), format)
        }
        ReportName::Activity => {
            let by = spec.by.map(|b| match b {
                ReportBy::Day => Grain::Day,
                ReportBy::Week => Grain::Week,
                ReportBy::Month => Grain::Month,
            });
            let report = desk.activity_report(from, to, by)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            let grain = match report.by {
                Grain::Day => "day",
                Grain::Week => "week",
                Grain::Month => "month",
            };
            let title = format!("Activity {from} to {to} by {grain} ({})", report.currency);
            let notes =
                ["RPC: right-party contacts among the attempts (any channel). MADE, PROMISED: promises made and \
                 their amount. DUE, KEPT: promises falling due and those kept in full; KEPT AMOUNT: what those \
                 brought. COLLECTED: payments, settlements and ledger payments less reversals."
                    .to_string()];
            emit(out, &title, &notes, &activity_table(&report, plain), format)
        }
        ReportName::RollRates => {
            let report = desk.roll_rate_report(as_of, spec.months.unwrap_or(6))?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            let title = format!("Roll rates, {} month end(s) to {as_of} ({})", report.months.len(), report.currency);
            let notes = [
                format!("roll rate = {}", report.roll_formula),
                format!("cure rate = {}", report.cure_formula),
                "COHORT: the balance in FROM at the end of the month before MONTH; ROLLED and CURED: where those \
                 same invoices stood at the end of MONTH. Written off or credited counts as neither."
                    .to_string(),
            ];
            emit(out, &title, &notes, &roll_table(&report, plain), format)
        }
        ReportName::Plans => {
            let report = desk.plan_report()?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            let notes: Vec<String> = report
                .shares
                .iter()
                .map(|k| format!("{}: {} = {} ({})", k.name, k.value, k.formula, k.inputs))
                .collect();
            let title = format!("Payment plans as of {} ({})", report.as_of, report.currency);
            emit(out, &title, &notes, &plans_table(&report, plain), format)
        }
        ReportName::Disputes => {
            let report = desk.dispute_report(from, to)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            let title = format!("Disputes opened {from} to {to} ({})", report.currency);
            let notes = ["AMOUNT: the amount disputed; for a whole invoice (or the whole account), what it owed \
                          the day the dispute was opened. Days to resolve: from opening to resolution, over the \
                          resolved ones."
                .to_string()];
            emit(out, &title, &notes, &disputes_table(&report, plain), format)
        }
    }
}

fn pretty<T: serde::Serialize>(report: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(report).map_err(|e| Failure::failed(e.to_string()))
}

/// The title, the table and, for people (table and Markdown), notes on how it is computed;
/// CSV is the table alone.
fn emit(
    out: &mut dyn Write,
    title: &str,
    notes: &[String],
    table: &Table,
    format: ReportFormat,
) -> Result<(), Failure> {
    match format {
        ReportFormat::Table => {
            write!(out, "{title}\n\n{}", table.render())?;
            if !notes.is_empty() {
                writeln!(out)?;
            }
            for note in notes {
                writeln!(out, "{note}")?;
            }
        }
        ReportFormat::Md => {
            write!(out, "## {title}\n\n{}", table.markdown())?;
            for note in notes {
                write!(out, "\n{note}\n")?;
            }
        }
        ReportFormat::Csv | ReportFormat::Json => write!(out, "{}", table.csv())?,
    }
    Ok(())
}

fn share(part: i64, whole: i64) -> String {
    crate::domain::kpi::Ratio::new(part.into(), whole.into()).map_or_else(|| "—".into(), |r| r.percent_text())
}

fn amount(m: Money, currency: &str, plain: bool) -> String {
    if plain { m.to_decimal() } else { m.display(currency) }
}

/// The totals count every invoice, credits too; the worklist counts only accounts that owe:
/// say what makes the two differ.
fn credit_notes(report: &AgingReport) -> Vec<String> {
    let notes = report.sections.iter().map(|s| (s, s.in_credit())).filter(|(_, (accounts, _))| *accounts > 0);
    notes
        .map(|(s, (accounts, credit))| {
            format!(
                "The {} total includes {accounts} account(s) in credit, {} (the worklist leaves them out: they owe nothing).",
                s.currency,
                credit.display(&s.currency)
            )
        })
        .collect()
}

fn aging_summary(report: &AgingReport, plain: bool) -> Table {
    let mut t =
        Table::new(&[("CURRENCY", false), ("BUCKET", false), ("INVOICES", true), ("AMOUNT", true), ("SHARE", true)]);
    for s in &report.sections {
        for b in &s.buckets {
            t.row(vec![
                s.currency.clone(),
                b.bucket.label().to_string(),
                b.invoices.to_string(),
                amount(b.amount, &s.currency, plain),
                share(b.amount.cents(), s.total.cents()),
            ]);
        }
        let invoices: usize = s.buckets.iter().map(|b| b.invoices).sum();
        t.row(vec![
            s.currency.clone(),
            "Total".into(),
            invoices.to_string(),
            amount(s.total, &s.currency, plain),
            share(1, 1),
        ]);
    }
    t
}

fn aging_detail(report: &AgingReport, plain: bool) -> Table {
    let mut columns: Vec<(&'static str, bool)> = vec![("ID", true), ("DEBTOR", false), ("CURRENCY", false)];
    columns.extend(Bucket::ALL.iter().map(|b| (b.label(), true)));
    columns.push(("TOTAL", true));
    let mut t = Table::new(&columns);
    for s in &report.sections {
        for d in &s.debtors {
            let mut row = vec![d.debtor_id.to_string(), d.name.clone(), s.currency.clone()];
            row.extend(Bucket::ALL.iter().map(|b| amount(d.split.get(*b), &s.currency, plain)));
            row.push(amount(d.total, &s.currency, plain));
            t.row(row);
        }
        let mut total = vec![String::new(), "Total".into(), s.currency.clone()];
        total.extend(s.buckets.iter().map(|b| amount(b.amount, &s.currency, plain)));
        total.push(amount(s.total, &s.currency, plain));
        t.row(total);
    }
    t
}

fn kpi_table(report: &KpiReport) -> Table {
    let mut t = Table::new(&[("KPI", false), ("VALUE", true), ("FORMULA", false), ("INPUTS", false)]);
    for k in &report.kpis {
        t.row(vec![k.name.to_string(), k.value.clone(), k.formula.to_string(), k.inputs.clone()]);
    }
    t
}

fn activity_table(report: &ActivityReport, plain: bool) -> Table {
    let dated = report.by != Grain::Day;
    let mut columns = vec![("PERIOD", false)];
    if dated {
        columns.extend([("FROM", false), ("TO", false)]);
    }
    columns.extend([
        ("ATTEMPTS", true),
        ("RPC", true),
        ("MADE", true),
        ("PROMISED", true),
        ("DUE", true),
        ("KEPT", true),
        ("KEPT AMOUNT", true),
        ("COLLECTED", true),
    ]);
    let mut t = Table::new(&columns);
    let money = |m: Money| amount(m, &report.currency, plain);
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for r in report.rows.iter().chain([&report.total]) {
        let mut row = vec![r.period.clone()];
        if dated {
            row.extend([day(r.first_day), day(r.last_day)]);
        }
        row.extend([
            r.attempts.to_string(),
            r.right_party_contacts.to_string(),
            r.promises_made.to_string(),
            money(r.promised),
            r.promises_due.to_string(),
            r.promises_kept.to_string(),
            money(r.kept_amount),
            money(r.collected),
        ]);
        t.row(row);
    }
    t
}

fn roll_table(report: &RollRateReport, plain: bool) -> Table {
    let mut t = Table::new(&[
        ("MONTH", false),
        ("FROM", false),
        ("TO", false),
        ("COHORT", true),
        ("ROLLED", true),
        ("ROLL RATE", true),
        ("CURED", true),
        ("CURE RATE", true),
        ("WRITTEN OFF", true),
    ]);
    let mut line = |month: String, l: &RollLine| {
        t.row(vec![
            month,
            l.from.label().to_string(),
            l.to.label().to_string(),
            amount(l.cohort, &report.currency, plain),
            amount(l.rolled, &report.currency, plain),
            l.roll_rate.clone(),
            amount(l.cured, &report.currency, plain),
            l.cure_rate.clone(),
            amount(l.written_off, &report.currency, plain),
        ]);
    };
    for m in &report.months {
        for l in &m.lines {
            line(m.month_end.format("%Y-%m").to_string(), l);
        }
    }
    if report.months.len() > 1 {
        for l in &report.overall {
            line(format!("all {}", report.months.len()), l);
        }
    }
    t
}

fn plans_table(report: &PlanReport, plain: bool) -> Table {
    let mut t = Table::new(&[
        ("GROUP", false),
        ("STATUS", false),
        ("COUNT", true),
        ("AMOUNT", true),
        ("PAID", true),
        ("SHARE", true),
    ]);
    let money = |m: Money| amount(m, &report.currency, plain);
    for s in &report.statuses {
        t.row(vec!["plans".into(), s.status.into(), s.plans.to_string(), money(s.total), money(s.paid), String::new()]);
    }
    for i in &report.installments {
        let row = vec![
            "installments due".into(),
            i.label.into(),
            i.installments.to_string(),
            money(i.amount),
            money(i.paid),
            String::new(),
        ];
        t.row(row);
    }
    for k in &report.shares {
        t.row(share_row(k));
    }
    t
}

fn share_row(k: &KpiLine) -> Vec<String> {
    vec!["installments due".into(), k.name.to_lowercase(), String::new(), String::new(), String::new(), k.value.clone()]
}

fn disputes_table(report: &DisputeReport, plain: bool) -> Table {
    let mut t = Table::new(&[
        ("REASON", false),
        ("DISPUTES", true),
        ("AMOUNT", true),
        ("OPEN", true),
        ("UPHELD", true),
        ("REJECTED", true),
        ("WITHDRAWN", true),
        ("AVG DAYS TO RESOLVE", true),
    ]);
    for d in report.reasons.iter().chain([&report.total]) {
        let days = d.average_days_to_resolve.clone().unwrap_or_else(|| if plain { String::new() } else { "—".into() });
        t.row(vec![
            d.reason.clone(),
            d.disputes.to_string(),
            amount(d.amount, &report.currency, plain),
            d.open.to_string(),
            d.upheld.to_string(),
            d.rejected.to_string(),
            d.withdrawn.to_string(),
            days,
        ]);
    }
    t
}
