//! `dun report NAME`: the same report objects as the desk, printed as a table, CSV, JSON or
//! Markdown.

use std::io::Write;

use chrono::NaiveDate;

use super::Failure;
use super::args::{ReportFormat, ReportName};
use super::table::Table;
use crate::desk::{AgingReport, Desk, KpiReport};
use crate::domain::{Bucket, Money};

pub fn run(
    desk: &Desk,
    name: ReportName,
    as_of: NaiveDate,
    (from, to): (NaiveDate, NaiveDate),
    format: ReportFormat,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match name {
        ReportName::Aging | ReportName::AgingDetail => {
            let report = desk.aging_report(as_of)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            // CSV carries plain decimals a spreadsheet reads as numbers.
            let plain = format == ReportFormat::Csv;
            let table =
                if name == ReportName::Aging { aging_summary(&report, plain) } else { aging_detail(&report, plain) };
            emit(out, &format!("Aging as of {as_of}"), &table, format)
        }
        ReportName::Kpi => {
            let report = desk.kpi_report(from, to)?;
            if format == ReportFormat::Json {
                return Ok(writeln!(out, "{}", pretty(&report)?)?);
            }
            emit(out, &format!("KPIs {from} to {to} ({})", report.currency), &kpi_table(&report), format)
        }
    }
}

fn pretty<T: serde::Serialize>(report: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(report).map_err(|e| Failure::failed(e.to_string()))
}

fn emit(out: &mut dyn Write, title: &str, table: &Table, format: ReportFormat) -> Result<(), Failure> {
    match format {
        ReportFormat::Table => write!(out, "{title}\n\n{}", table.render())?,
        ReportFormat::Md => write!(out, "## {title}\n\n{}", table.markdown())?,
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
